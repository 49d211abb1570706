// SPDX-License-Identifier: MIT
#include "forward/relay.hpp"

#include "core/errors.hpp"
#include "core/signals.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <optional>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>

namespace recssh::forward {
namespace {

constexpr std::size_t k_buffer = 64 * 1024;   // per direction and connection
constexpr std::size_t k_early = 64 * 1024;    // SOCKS: data sent before ssh's reply
constexpr auto k_wait_for_ssh = std::chrono::seconds(60); // ssh's private end may not exist before login
constexpr int k_retry_ms = 50;
constexpr std::uint64_t k_listener_tag = 2, k_wake_tag = 3, k_resolver_tag = 7; // (never a connection's)
constexpr int UP = 0, DOWN = 1;

using Clock = std::chrono::steady_clock;

std::uint64_t conn_token(std::size_t slot, bool side_b) { return static_cast<std::uint64_t>(slot) << 2 | side_b; }
std::uint64_t listener_token(std::size_t route, std::size_t index) {
  return (static_cast<std::uint64_t>(route) << 16 | index) << 2 | k_listener_tag;
}

} // namespace

struct Relay::Conn {
  std::uint64_t id = 0;
  std::size_t slot = 0, route = 0;
  Fd a, b; // a: the side that connected to us; b: the side we connect to
  std::string pending[2];
  bool eof[2] = {false, false};  // UP: a sent FIN; DOWN: b did
  bool shut[2] = {false, false}; // the FIN passed on
  bool connecting = false, is_connected = false;
  Clock::time_point wait_until{};
  bool waiting = false; // for ssh's private socket to appear
  bool resolving = false; // its -R target's name being looked up
  std::uint64_t bytes[2] = {0, 0};
  std::uint64_t flow = 0;
  bool flow_open = false;
  std::optional<SocksWatch> socks;
  std::string early; // SOCKS: client data before the reply, captured once it came
  std::uint64_t early_lost = 0;
  Destination dest;
  std::uint32_t client_ip = 0;
  std::uint16_t client_port = 0;
  std::uint32_t registered[2] = {0, 0};
  bool added[2] = {false, false};
  bool announced = false;
};

Relay::Relay(std::vector<Route> routes, Capture* capture, std::function<void(std::string)> marker)
    : m_routes(std::move(routes)), m_totals(m_routes.size()), m_capture(capture), m_marker(std::move(marker)) {
  m_epoll = Fd(::epoll_create1(EPOLL_CLOEXEC));
  m_wake = Fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!m_epoll.valid() || !m_wake.valid()) throw_errno("cannot start the forward relay");
  epoll_event ev{EPOLLIN, {.u64 = k_wake_tag}};
  ::epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, m_wake.get(), &ev);
  epoll_event rev{EPOLLIN, {.u64 = k_resolver_tag}};
  ::epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, m_resolver.fd(), &rev);
  for (std::size_t r = 0; r < m_routes.size(); ++r)
    for (std::size_t i = 0; i < m_routes[r].listeners.size(); ++i) {
      int fd = m_routes[r].listeners[i].get();
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
      epoll_event lev{EPOLLIN, {.u64 = listener_token(r, i)}};
      if (::epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, fd, &lev) != 0) throw_errno("cannot watch a forward's port");
    }
}

Relay::~Relay() {
  try {
    stop();
  } catch (...) {
  }
}

void Relay::start() {
  m_thread = start_thread_without_signals([this] { run(); });
}

std::vector<RouteTotals> Relay::stop() {
  if (!m_stopped) {
    m_stopped = true;
    std::uint64_t one = 1;
    if (::write(m_wake.get(), &one, sizeof one) < 0) { // cannot fail on an eventfd below its limit
    }
    if (m_thread.joinable()) m_thread.join();
    for (auto& c : m_conns)
      if (c) finish(*c, true);
    m_conns.clear();
  }
  return m_totals;
}

void Relay::run() {
  std::vector<epoll_event> events(64);
  while (true) {
    bool any_waiting = false;
    for (auto& c : m_conns)
      if (c && c->waiting) any_waiting = true;
    int n = ::epoll_wait(m_epoll.get(), events.data(), static_cast<int>(events.size()), any_waiting ? k_retry_ms : -1);
    if (n < 0 && errno != EINTR) return;
    for (int i = 0; i < n; ++i) {
      std::uint64_t tok = events[i].data.u64;
      if (tok == k_wake_tag) return;
      if (tok == k_resolver_tag) {
        on_resolved();
        continue;
      }
      if ((tok & 3) == k_listener_tag) {
        std::uint64_t v = tok >> 2;
        std::size_t route = v >> 16, index = v & 0xffff;
        accept_on(route, m_routes[route].listeners[index].get());
        continue;
      }
      std::size_t slot = tok >> 2;
      if (slot < m_conns.size() && m_conns[slot]) on_ready(*m_conns[slot], tok & 1, events[i].events);
    }
    if (any_waiting) retry_waiting();
    // Slots of connections ended in this batch are reused only now: a stale event for
    // one of them could otherwise reach its successor.
    m_free_slots.insert(m_free_slots.end(), m_freed.begin(), m_freed.end());
    m_freed.clear();
  }
}

void Relay::accept_on(std::size_t route, int lfd) {
  while (true) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    int fd = ::accept4(lfd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return; // EAGAIN, or the peer gave up already
    auto c = std::make_unique<Conn>();
    c->id = m_next_id++;
    c->route = route;
    c->a = Fd(fd);
    if (peer.ss_family == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(&peer);
      c->client_ip = ntohl(in->sin_addr.s_addr);
      c->client_port = ntohs(in->sin_port);
    } else {
      // A Unix socket (ssh, for -R) or IPv6: the capture shows loopback and a port of
      // its own per connection.
      c->client_port = static_cast<std::uint16_t>(40000 + c->id % 20000);
    }
    const auto& spec = m_routes[route].spec;
    if (spec.kind == Kind::dynamic) c->socks.emplace();
    else c->dest = {spec.target.host, spec.target.port};
    Conn* conn = c.get();
    if (!m_free_slots.empty()) {
      c->slot = m_free_slots.back();
      m_free_slots.pop_back();
      m_conns[c->slot] = std::move(c);
    } else {
      c->slot = m_conns.size();
      m_conns.push_back(std::move(c));
    }
    ++m_totals[route].connections;
    // Connections still waiting for ssh's private end go first, as ssh's own backlog
    // would serve them: the capture's flows and conn=N then follow the order they came.
    if (std::any_of(m_conns.begin(), m_conns.end(), [](const auto& p) { return p && p->waiting; })) retry_waiting();
    connect_target(*conn);
  }
}

void Relay::connect_target(Conn& c) {
  const Endpoint& to = m_routes[c.route].connect_to;
  int fd = -1, rc = -1, err = 0;
  if (to.is_socket()) {
    sockaddr_un un{};
    un.sun_family = AF_UNIX;
    std::strncpy(un.sun_path, to.path.c_str(), sizeof un.sun_path - 1);
    fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    rc = fd < 0 ? -1 : ::connect(fd, reinterpret_cast<sockaddr*>(&un), sizeof un);
    err = errno;
  } else {
    // A -R target, by name: looked up off the loop (forward/resolver.hpp); the
    // connection waits, ssh's side unread, until on_resolved(). (ssh's own ends, L's
    // and D's, are Unix sockets.)
    if (!c.resolving) {
      c.resolving = true;
      m_resolver.lookup(c.id, to.host, to.port);
    }
    return;
  }
  attach_target(c, fd, rc, err);
}

void Relay::attach_target(Conn& c, int fd, int rc, int err) {
  if (fd >= 0 && (rc == 0 || err == EINPROGRESS)) {
    c.b = Fd(fd);
    c.waiting = false;
    c.connecting = rc != 0;
    if (rc == 0) connected(c);
    else update(c);
    return;
  }
  if (fd >= 0) ::close(fd);
  if (wait_for_ssh(c, err)) return;
  finish(c, true);
}

void Relay::connect_to_addresses(Conn& c, const std::vector<Address>& addresses) {
  int fd = -1, rc = -1, err = 0;
  for (const Address& a : addresses) {
    fd = ::socket(a.family, a.socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a.protocol);
    if (fd < 0) continue;
    rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&a.addr), a.len);
    err = errno;
    if (rc == 0 || err == EINPROGRESS) break;
    ::close(fd);
    fd = -1;
  }
  attach_target(c, fd, rc, err);
}

void Relay::on_resolved() {
  for (auto& r : m_resolver.take())
    for (auto& p : m_conns)
      if (p && p->id == r.tag && p->resolving) {
        p->resolving = false;
        connect_to_addresses(*p, r.addresses); // (none: not reachable, as a refusal)
        break;
      }
}

// ssh opens its private ends (L's and D's sockets) only once logged in: a
// connection made before waits for them, as it would in plain ssh's backlog.
bool Relay::wait_for_ssh(Conn& c, int err) {
  if (m_routes[c.route].spec.kind == Kind::remote) return false; // a real target: refused is the answer
  if (err == ENOENT || err == ECONNREFUSED || err == EAGAIN) {
    if (!c.waiting) {
      c.waiting = true;
      c.wait_until = Clock::now() + k_wait_for_ssh;
    }
    if (Clock::now() < c.wait_until) return true;
  }
  return false;
}

void Relay::retry_waiting() {
  for (auto& p : m_conns)
    if (p && p->waiting) connect_target(*p);
}

void Relay::connected(Conn& c) {
  c.connecting = false;
  c.is_connected = true;
  if (!c.socks) open_flow(c);
  update(c);
}

void Relay::open_flow(Conn& c) {
  if (c.flow_open) return;
  c.flow_open = true;
  if (m_capture) c.flow = m_capture->open_flow(c.dest, c.client_ip, c.client_port);
  const auto& r = m_routes[c.route];
  std::string to = c.dest.host.find(':') != std::string::npos ? "[" + c.dest.host + "]" : c.dest.host;
  m_marker("recssh: forward open " + std::string(1, static_cast<char>(r.spec.kind)) + " " + r.shown_listen + " -> " +
           to + ":" + c.dest.port + " conn=" + std::to_string(c.id));
  c.announced = true;
  if (!c.early.empty() && m_capture) m_capture->data(c.flow, Direction::up, c.early);
  c.early.clear();
}

void Relay::on_ready(Conn& c, bool side_b, std::uint32_t events) {
  const std::uint64_t id = c.id;
  const std::size_t slot = c.slot;
  auto alive = [&] { return slot < m_conns.size() && m_conns[slot] && m_conns[slot]->id == id; };
  if (side_b && c.connecting) {
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(c.b.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      c.b.close();
      c.added[1] = false;
      c.registered[1] = 0;
      c.connecting = false;
      if (!wait_for_ssh(c, err)) finish(c, true);
      return;
    }
    if (!(events & EPOLLOUT)) return;
    connected(c);
    if (!alive()) return;
  }
  const int in_dir = side_b ? DOWN : UP; // reading this side feeds this direction
  const int out_dir = side_b ? UP : DOWN; // writing this side drains that one
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    // A few reads per wake-up while the other side takes them: fewer trips through
    // epoll_wait on a busy connection, and no starving of the others.
    for (int i = 0; i < 4; ++i) {
      const auto before = c.bytes[in_dir];
      if (!read_side(c, in_dir)) return;
      if (c.bytes[in_dir] == before || !c.pending[in_dir].empty() || c.eof[in_dir]) break;
    }
  }
  if (events & (EPOLLOUT | EPOLLERR)) {
    if (!flush(c, out_dir)) return;
  }
  if (alive()) update(c);
}

// false when the connection was ended.
bool Relay::read_side(Conn& c, int dir) {
  if (c.eof[dir] || !c.is_connected) return true;
  int fd = dir == UP ? c.a.get() : c.b.get();
  static thread_local char buf[k_buffer];
  std::size_t room = k_buffer - std::min(k_buffer, c.pending[dir].size());
  if (!room) return true;
  ssize_t n = ::read(fd, buf, room);
  if (n > 0) {
    std::string_view data(buf, static_cast<std::size_t>(n));
    got(c, dir, data);
    auto& p = c.pending[dir];
    if (p.empty()) {
      // Straight on from the read buffer (a copy less on a busy connection); what the
      // other side cannot take yet waits in `pending`. An error shows again in flush().
      ssize_t w = ::send(dir == UP ? c.b.get() : c.a.get(), data.data(), data.size(), MSG_NOSIGNAL);
      if (w > 0) data.remove_prefix(static_cast<std::size_t>(w));
    }
    p.append(data);
    return flush(c, dir);
  }
  if (n == 0) {
    c.eof[dir] = true;
    return flush(c, dir); // passes the FIN on once the buffer is out
  }
  if (errno == EAGAIN || errno == EINTR) return true;
  if (m_capture && c.flow_open) m_capture->reset(c.flow, dir == UP ? Direction::up : Direction::down);
  finish(c, true);
  return false;
}

void Relay::got(Conn& c, int dir, std::string_view bytes) {
  c.bytes[dir] += bytes.size();
  std::string_view data = bytes;
  if (c.socks && !c.flow_open) {
    auto& s = *c.socks;
    const auto before = s.state();
    std::size_t hs = dir == UP ? s.up(bytes) : s.down(bytes);
    data.remove_prefix(std::min(hs, data.size()));
    c.bytes[dir] -= std::min<std::uint64_t>(hs, c.bytes[dir]); // the handshake is not traffic
    if (before == SocksWatch::State::handshake && s.state() != SocksWatch::State::handshake) {
      const auto& r = m_routes[c.route];
      if (s.state() == SocksWatch::State::established && s.has_destination()) {
        c.dest = s.destination();
        open_flow(c);
      } else if (s.state() == SocksWatch::State::refused && s.has_destination()) {
        m_marker("recssh: forward refused D " + r.shown_listen + " -> " + s.destination().host + ":" +
                 s.destination().port + " conn=" + std::to_string(c.id));
      } else {
        m_marker("recssh: forward D " + r.shown_listen + " conn=" + std::to_string(c.id) +
                 ": not a SOCKS 4/5 CONNECT; passed on, content not recorded");
      }
    }
    if (!c.flow_open) {
      if (dir == UP && s.state() == SocksWatch::State::handshake && !data.empty()) {
        // Early data: kept until the reply says where it went.
        std::size_t keep = std::min(data.size(), k_early - std::min(k_early, c.early.size()));
        c.early.append(data.substr(0, keep));
        c.early_lost += data.size() - keep;
      }
      return;
    }
  }
  if (m_capture && c.flow_open && !data.empty())
    m_capture->data(c.flow, dir == UP ? Direction::up : Direction::down, data);
}

bool Relay::flush(Conn& c, int dir) {
  int fd = dir == UP ? c.b.get() : c.a.get();
  auto& p = c.pending[dir];
  while (!p.empty()) {
    ssize_t w = ::send(fd, p.data(), p.size(), MSG_NOSIGNAL);
    if (w > 0) {
      p.erase(0, static_cast<std::size_t>(w));
      continue;
    }
    if (w < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    if (m_capture && c.flow_open) m_capture->reset(c.flow, dir == UP ? Direction::down : Direction::up);
    finish(c, true);
    return false;
  }
  if (c.eof[dir] && !c.shut[dir]) {
    c.shut[dir] = true;
    ::shutdown(fd, SHUT_WR);
    if (m_capture && c.flow_open) m_capture->close(c.flow, dir == UP ? Direction::up : Direction::down);
  }
  if (c.shut[UP] && c.shut[DOWN]) {
    finish(c, false);
    return false;
  }
  return true;
}

void Relay::update(Conn& c) {
  for (int side = 0; side < 2; ++side) {
    const int fd = side ? c.b.get() : c.a.get();
    if (fd < 0) continue;
    const int in_dir = side ? DOWN : UP, out_dir = side ? UP : DOWN;
    std::uint32_t want = 0;
    if (c.is_connected && !c.eof[in_dir] && c.pending[in_dir].size() < k_buffer) want |= EPOLLIN;
    if (!c.pending[out_dir].empty() || (side && c.connecting)) want |= EPOLLOUT;
    if (want == c.registered[side]) continue;
    epoll_event ev{want, {.u64 = conn_token(c.slot, side)}};
    ::epoll_ctl(m_epoll.get(), c.added[side] ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev);
    c.added[side] = true;
    c.registered[side] = want;
  }
}

void Relay::finish(Conn& c, bool reset) {
  if (m_capture && c.flow_open) {
    if (reset && !(c.shut[UP] && c.shut[DOWN])) m_capture->reset(c.flow, Direction::up);
    m_capture->end_flow(c.flow);
  }
  auto& t = m_totals[c.route];
  t.up += c.bytes[UP];
  t.down += c.bytes[DOWN];
  std::uint64_t lost = c.early_lost + (m_capture && c.flow_open ? m_capture->lost(c.flow) : 0);
  t.lost += lost;
  if (c.announced)
    m_marker("recssh: forward close conn=" + std::to_string(c.id) + " up=" + std::to_string(c.bytes[UP]) +
             " down=" + std::to_string(c.bytes[DOWN]) + " bytes" + (lost ? " lost=" + std::to_string(lost) : "") +
             (reset ? " reset" : ""));
  else if (!c.socks)
    m_marker("recssh: forward failed " + std::string(1, static_cast<char>(m_routes[c.route].spec.kind)) + " " +
             m_routes[c.route].shown_listen + " conn=" + std::to_string(c.id) + ": could not reach " +
             m_routes[c.route].connect_to.text());
  const std::size_t slot = c.slot;
  // Closing the fds removes them from the epoll set.
  m_conns[slot].reset();
  m_freed.push_back(slot);
}

} // namespace recssh::forward
