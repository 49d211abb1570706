// SPDX-License-Identifier: MIT
#pragma once
// Markers that other threads of the session add to its cast (the forward relay's
// "forward open/close"): queued here and written by the record loop itself, between
// its own events, so the cast stays one writer's file in time order.
#include "core/fd.hpp"

#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace recssh::record {

class SideEvents {
public:
  SideEvents();
  void push(std::string marker); // from any thread
  int fd() const { return m_fd.get(); } // readable when markers wait
  std::vector<std::string> take();

  // What ends the other threads' work (the relay's stop): the record loop calls end()
  // once the child is gone and before the end marker, so that their last markers
  // (connections closed) come before it.
  void on_end(std::function<void()> f) { m_on_end = std::move(f); }
  void end();

private:
  Fd m_fd;
  std::mutex m_mutex;
  std::vector<std::string> m_queue;
  std::function<void()> m_on_end;
};

} // namespace recssh::record
