// SPDX-License-Identifier: MIT
#pragma once
// The relay that stands in ssh's forwarding path: it accepts each connection on the
// user's port (or, for -R, on a private socket that ssh hands remote connections to),
// connects it to where ssh (or the real target) waits, and copies bytes both ways
// while handing a copy to the capture. One thread, one epoll loop for every
// connection; each direction holds at most a small buffer, so a slow reader slows
// its own connection, never another, and memory stays flat.
#include "forward/capture.hpp"
#include "forward/resolver.hpp"
#include "forward/socks.hpp"
#include "forward/spec.hpp"

#include "core/fd.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace recssh::forward {

struct Route {
  ForwardSpec spec;
  std::vector<Fd> listeners;  // L, D: the user's port (one per address); R: a private socket
  Endpoint connect_to;        // L: ssh's private socket; D: ssh's private SOCKS socket; R: the target
  std::string shown_listen;   // the listening end as markers name it
};

struct RouteTotals {
  std::uint64_t connections = 0, up = 0, down = 0, lost = 0;
};

class Relay {
public:
  // `marker` receives the cast markers ("recssh: forward open ..."), from the relay's
  // thread. `capture` may be null (--forwards=meta: markers and counts only).
  Relay(std::vector<Route> routes, Capture* capture, std::function<void(std::string)> marker);
  ~Relay(); // stop()s
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  void start();
  // Ends every connection (as a reset in the capture when it was still open) and the
  // thread; returns the totals per route, in the routes' order.
  std::vector<RouteTotals> stop();

private:
  struct Conn;
  void run();
  void accept_on(std::size_t route, int fd);
  void connect_target(Conn& c);
  void connect_to_addresses(Conn& c, const std::vector<Address>& addresses);
  void attach_target(Conn& c, int fd, int rc, int err);
  void on_resolved();
  bool wait_for_ssh(Conn& c, int err);
  void connected(Conn& c);
  void on_ready(Conn& c, bool side_b, std::uint32_t events);
  bool read_side(Conn& c, int dir);
  bool flush(Conn& c, int dir);
  void got(Conn& c, int dir, std::string_view bytes);
  void open_flow(Conn& c);
  void update(Conn& c);
  void finish(Conn& c, bool reset);
  void retry_waiting();

  std::vector<Route> m_routes;
  std::vector<RouteTotals> m_totals;
  Capture* m_capture;
  std::function<void(std::string)> m_marker;
  Fd m_epoll, m_wake;
  Resolver m_resolver; // -R targets' names
  std::thread m_thread;
  std::vector<std::unique_ptr<Conn>> m_conns; // index = slot
  std::vector<std::size_t> m_free_slots, m_freed;
  std::uint64_t m_next_id = 1;
  bool m_stopped = false;
};

} // namespace recssh::forward
