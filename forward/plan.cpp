// SPDX-License-Identifier: MIT
#include "forward/plan.hpp"

#include "forward/config_copy.hpp"

#include "core/errors.hpp"

#include <arpa/inet.h>
#include <cstdlib>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace recssh::forward {
namespace {

std::string bracket(const std::string& host) { return host.find(':') != std::string::npos ? "[" + host + "]" : host; }

std::string address_text(const sockaddr* sa) {
  char host[NI_MAXHOST], port[NI_MAXSERV];
  if (::getnameinfo(sa, sa->sa_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6), host, sizeof host,
                    port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return "?";
  return bracket(host) + ":" + port;
}

// Listens where ssh would for `listen`: its address, else loopback (both families),
// or every address with -g or "*", as ssh does. Empty when no address could be taken.
std::vector<Fd> listen_tcp(const Endpoint& listen, bool gateway_ports, std::string& shown) {
  std::vector<std::string> hosts;
  if (listen.host == "*" || (listen.host.empty() && gateway_ports)) hosts = {"0.0.0.0", "::"};
  else if (listen.host.empty() || listen.host == "localhost") hosts = {"127.0.0.1", "::1"};
  else hosts = {listen.host};
  std::vector<Fd> fds;
  for (const auto& h : hosts) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    if (::getaddrinfo(h.c_str(), listen.port.c_str(), &hints, &res) != 0) continue;
    for (auto* ai = res; ai; ai = ai->ai_next) {
      Fd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
      if (!fd.valid()) continue;
      int on = 1;
      ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on); // as ssh does
      if (ai->ai_family == AF_INET6) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
      if (::bind(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd.get(), 128) != 0) continue;
      if (shown.empty()) shown = address_text(ai->ai_addr);
      fds.push_back(std::move(fd));
    }
    ::freeaddrinfo(res);
  }
  return fds;
}

Fd listen_unix(const std::string& path) {
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  if (!fd.valid() || path.size() >= sizeof un.sun_path) throw Error("cannot make a private socket " + path);
  std::strcpy(un.sun_path, path.c_str());
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&un), sizeof un) != 0 || ::listen(fd.get(), 128) != 0)
    throw_errno("cannot listen on " + path);
  return fd;
}

// The forward's new value, spelled as the argument it replaces was (-L/-R/-D or -o).
std::string spelled(const ForwardArg& a, Kind kind, const std::string& listen, const std::string& target) {
  if (a.letter != 'o') return kind == Kind::dynamic ? listen : listen + ":" + target;
  std::string key = kind == Kind::local ? "LocalForward" : kind == Kind::remote ? "RemoteForward" : "DynamicForward";
  return key + "=" + listen + (kind == Kind::dynamic ? "" : " " + target);
}

} // namespace

std::optional<Mode> parse_mode(std::string_view s) {
  if (s == "pcap") return Mode::pcap;
  if (s == "meta") return Mode::meta;
  if (s == "off") return Mode::off;
  return std::nullopt;
}

std::string_view mode_name(Mode m) { return m == Mode::pcap ? "pcap" : m == Mode::meta ? "meta" : "off"; }

PrivateDir::PrivateDir() {
  const std::string base = private_dir_base();
  std::string tmpl = base + "/recssh-fwd.XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw_errno("cannot make a private directory in " + base);
  m_path = tmpl; // mkdtemp makes it 0700
}

PrivateDir::~PrivateDir() {
  for (const auto& n : m_names) ::unlink((m_path + "/" + n).c_str());
  ::rmdir(m_path.c_str());
}

std::string PrivateDir::socket(const std::string& name) {
  m_names.push_back(name);
  return m_path + "/" + name;
}

Plan plan_forwards(std::vector<std::string> ssh_args, const std::vector<ForwardArg>& args, const PlanOptions& o) {
  Plan plan;
  int n = 0;
  for (const auto& a : args) {
    auto spec = a.letter == 'o' ? parse_forward_option(a.value)
                                : parse_forward(static_cast<Kind>(a.letter), a.value);
    if (!spec) continue; // ssh will say what is wrong with it
    ++n;
    const std::string described = spec->describe();
    auto listed = [&](const std::string& how) {
      plan.forwards.push_back(described + " (" + how + (a.origin.empty() ? "" : ", " + a.origin) + ")");
    };
    auto note = [&](const std::string& why) {
      listed(why);
      plan.notes.push_back(std::string(1, static_cast<char>(spec->kind)) + " " + spec->given + ": " + why);
    };
    if (o.mode == Mode::off) {
      listed("off");
      continue;
    }
    if (!spec->relayable()) {
      note(spec->remote_socks ? "remote SOCKS: metadata only" : "Unix socket: metadata only");
      continue;
    }
    if (o.background) {
      note("ssh -f: metadata only");
      continue;
    }
    if (!plan.dir) plan.dir = std::make_unique<PrivateDir>();
    Route r;
    r.spec = *spec;
    std::string value;
    const std::string id = std::to_string(n);
    if (spec->kind == Kind::remote) {
      std::string sock = plan.dir->socket("R" + id);
      r.listeners.push_back(listen_unix(sock));
      r.connect_to = spec->target;
      r.shown_listen = spec->listen.text();
      value = spelled(a, Kind::remote, spec->listen.text(), sock);
    } else {
      r.listeners = listen_tcp(spec->listen, o.gateway_ports, r.shown_listen);
      if (r.listeners.empty()) {
        note("port not taken by recssh: left to ssh");
        continue;
      }
      // ssh's private end: a Unix socket in the 0700 directory (ssh's -D takes one too),
      // so no other local user can reach it, past the recording, or take it first.
      const bool local = spec->kind == Kind::local;
      std::string sock = plan.dir->socket((local ? "L" : "D") + id);
      r.connect_to.path = sock;
      value = local ? spelled(a, Kind::local, sock, bracket(spec->target.host) + ":" + spec->target.port)
                    : spelled(a, Kind::dynamic, sock, {});
    }
    ssh_args[a.arg] = ssh_args[a.arg].substr(0, a.offset) + value;
    listed(std::string(mode_name(o.mode)));
    plan.routes.push_back(std::move(r));
  }
  plan.ssh_args = std::move(ssh_args);
  return plan;
}

} // namespace recssh::forward
