// SPDX-License-Identifier: MIT
#pragma once
// ssh's forwarding requests as ssh(1) spells them, read into what recssh needs to stand
// in the path: where a connection is accepted, and where it goes.
//   -L [bind:]port:host:hostport   -L [bind:]port:remote_socket   -L local_socket:host:hostport ...
//   -R [bind:]port:host:hostport   -R [bind:]port:local_socket    -R [bind:]port (SOCKS on the remote side)
//   -D [bind:]port
// IPv6 addresses are written in brackets ([::1]:8080:db:5432), as ssh takes them.
#include <optional>
#include <string>
#include <string_view>

namespace recssh::forward {

enum class Kind : char { local = 'L', remote = 'R', dynamic = 'D' };

struct Endpoint {
  std::string host; // name or address (no brackets); empty: ssh's default bind address
  std::string port; // decimal port; empty when `path` is set
  std::string path; // a Unix socket
  bool is_socket() const { return !path.empty(); }
  std::string text() const; // host:port ([v6]:port) or the path
};

struct ForwardSpec {
  Kind kind = Kind::local;
  std::string given;  // the argument as the user wrote it
  Endpoint listen;    // -L/-D: on this host; -R: on the remote host
  Endpoint target;    // -L: reached from the remote host; -R: from this host; -D: none
  bool remote_socks = false; // -R [bind:]port alone: the remote side is a SOCKS proxy

  // Can recssh relay (and so record the content of) this forward? TCP listeners with
  // TCP targets, and -D; Unix-socket forwards and remote SOCKS are recorded as metadata.
  bool relayable() const;
  std::string describe() const; // "L 127.0.0.1:5432 -> db:5432"
};

// nullopt when `value` is not a forwarding ssh would accept: recssh then leaves it to
// ssh, which says so in its own words.
std::optional<ForwardSpec> parse_forward(Kind kind, std::string_view value);

// The value of `-o LocalForward=...` (and Remote/Dynamic), or of a config line: the key,
// then "[bind:]port host:hostport" (space or '=' separated, as ssh_config takes it).
std::optional<ForwardSpec> parse_forward_option(std::string_view option);

} // namespace recssh::forward
