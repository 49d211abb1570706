// SPDX-License-Identifier: MIT
#pragma once
// Events a reader has made ahead of the one asked for (a marker and its output, a
// parsed message's records): first in, first out.
#include "core/event.hpp"

#include <deque>

namespace recssh::convert {

class EventQueue {
public:
  void push(Event e) { m_events.push_back(std::move(e)); }
  // Moves the oldest event into e; false when there is none.
  bool pop(Event& e) {
    if (m_events.empty()) return false;
    e = std::move(m_events.front());
    m_events.pop_front();
    return true;
  }
  bool empty() const { return m_events.empty(); }
  Event& back() { return m_events.back(); }

private:
  std::deque<Event> m_events;
};

} // namespace recssh::convert
