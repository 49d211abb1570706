// SPDX-License-Identifier: MIT
#pragma once
// Putting recssh in ssh's forwarding path before ssh starts: for each forward that can
// be relayed, recssh takes the user's port itself (or, for -R, makes the private
// socket ssh will hand connections to) and rewrites that one ssh argument to a
// private end in a 0700 directory of its own:
//   -L [bind:]port:host:hostport   ->  -L DIR/L1:host:hostport   (recssh listens on bind:port)
//   -R [bind:]port:host:hostport   ->  -R [bind:]port:DIR/R2     (recssh connects to host:hostport)
//   -D [bind:]port                 ->  -D 127.0.0.1:P            (recssh listens on bind:port)
// A port recssh cannot take is left to ssh as given, so the user gets ssh's own
// error and exit status; so are Unix-socket forwards, -R's remote SOCKS and every
// forward of `ssh -f` (recorded as metadata only: recssh does not outlive its ssh).
#include "forward/relay.hpp"

#include <memory>
#include <string>
#include <vector>

namespace recssh::forward {

enum class Mode { pcap, meta, off };
std::optional<Mode> parse_mode(std::string_view s);
std::string_view mode_name(Mode m);

// An ssh argument that asks for a forward: args[arg].substr(offset) is the value of
// option `letter` (L, R, D, or o for -o LocalForward=...).
struct ForwardArg {
  char letter = 0;
  std::size_t arg = 0, offset = 0;
  std::string value;
  std::string origin; // where it came from, for the header ("ssh config"); empty: the command line
};

// A private directory for the private ends, removed with what is in it.
class PrivateDir {
public:
  PrivateDir();
  ~PrivateDir();
  PrivateDir(const PrivateDir&) = delete;
  PrivateDir& operator=(const PrivateDir&) = delete;
  const std::string& path() const { return m_path; }
  std::string socket(const std::string& name);

private:
  std::string m_path;
  std::vector<std::string> m_names;
};

struct Plan {
  std::vector<std::string> ssh_args; // with the relayed forwards rewritten
  std::vector<Route> routes;         // what the relay serves
  std::vector<std::string> forwards; // every forward asked for, for the header
  std::vector<std::string> notes;    // forwards not relayed, and why
  std::unique_ptr<PrivateDir> dir;
};

struct PlanOptions {
  Mode mode = Mode::pcap;
  bool gateway_ports = false; // -g: ssh binds the wildcard address by default
  bool background = false;    // -f
};

Plan plan_forwards(std::vector<std::string> ssh_args, const std::vector<ForwardArg>& args, const PlanOptions& o);

} // namespace recssh::forward
