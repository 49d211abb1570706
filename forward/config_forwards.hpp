// SPDX-License-Identifier: MIT
#pragma once
// Forwards that come from ssh's configuration files (LocalForward, RemoteForward,
// DynamicForward), as `ssh -G` resolves them. recssh cannot stand in their path: ssh
// binds them itself, and ClearAllForwardings would clear the command line's too. They
// are listed in the recording (metadata only) so that a forward never goes unmentioned.
// `ssh -G` runs only when a configuration file ssh would read mentions a forward
// (following Include: it evaluates `Match exec`, so it is not run for nothing).
#include "forward/config_copy.hpp"
#include "forward/spec.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace recssh::forward {

// ssh's arguments without the forwarding options (-L/-R/-D, -o *Forward=) and without
// the remote command: what `ssh -G` is given to see only the configuration's forwards.
// `forward_at` are the (arg, offset) places of the forward values (record/ssh_args),
// `command_at` the index where the remote command starts (options may follow the
// destination).
struct ArgPlace {
  std::size_t arg = 0, offset = 0;
};
std::vector<std::string> args_for_config_query(const std::vector<std::string>& ssh_args,
                                               const std::vector<ArgPlace>& forward_at, std::size_t command_at);

// Whether the configuration files ssh reads for these arguments (-F FILE, else
// ~/.ssh/config and /etc/ssh/ssh_config, and what they Include) mention a forward,
// GatewayPorts (which changes where a forward without a bind address listens), or
// ForkAfterAuthentication (ssh -f, under which recssh itself goes to the background).
bool config_may_forward(const std::string& config_file, const SshHomes& homes);

// What `ssh -G` says of forwarding: the forwards ("localforward [127.0.0.1]:3456
// [c]:80", ...) and GatewayPorts, in effect from the command line or the files.
struct ConfigDump {
  std::vector<ForwardSpec> forwards;
  std::size_t unread = 0;     // forward lines not understood (a path with a space...)
  bool gateway_ports = false;
  std::string others;         // every other line: what two configurations must share
  // The value of one of those lines ("controlpath /x" for "controlpath"), if there.
  std::optional<std::string> value(std::string_view key) const;
};
ConfigDump parse_config_dump(std::string_view dump);

// Runs `ssh -G ARGS` (stdin /dev/null, stderr discarded), waiting at most `timeout`;
// nullopt when ssh fails or takes longer.
std::optional<ConfigDump> query_config(const std::string& ssh, const std::vector<std::string>& args,
                                       std::chrono::milliseconds timeout);

} // namespace recssh::forward
