// SPDX-License-Identifier: MIT
#pragma once
// Reading an ssh command line the way ssh(1) does (getopt over its option letters),
// only to name and describe the recording: the arguments themselves go to ssh untouched.
#include <optional>
#include <string>
#include <vector>

namespace recssh::record {

// An option's value where it stands in argv, so that it can be replaced in place
// (the forward relay gives ssh other forwarding targets): args[arg].substr(offset).
struct SshOptionValue {
  char letter = 0;
  std::size_t arg = 0, offset = 0;
  std::string value;
};

struct SshCommandLine {
  std::string destination;          // as given: host, user@host, ssh://user@host:port
  std::string user;                 // from user@, ssh://user@ or -l
  std::string host;                 // without user and port
  std::string port;                 // from -p or ssh://...:port
  std::vector<std::string> command; // the remote command words, if any
  bool force_tty = false;           // -t
  bool no_tty = false;              // -T
  bool no_command = false;          // -N
  bool background = false;          // -f, or -o ForkAfterAuthentication=yes
  bool info_only = false;           // -V, -G, -Q: ssh prints and exits, nothing to record
  bool gateway_ports = false;       // -g, or -o GatewayPorts=yes
  std::vector<SshOptionValue> forwards; // -L, -R, -D and -o (Local|Remote|Dynamic)Forward=
  std::string config_file;              // -F
  std::string stdio_forward;            // -W host:port
  std::size_t destination_at = 0;       // where the destination is in args (args.size(): none)
  // Where the remote command starts (args.size(): none). ssh reads options after the
  // destination too, up to the first word that is not one ("ssh host -L ... ls").
  std::size_t command_at = 0;
  // Where an option inserted is read by ssh after all the others (before a "--" that
  // ends them, else where the command starts).
  std::size_t options_end = 0;
};

SshCommandLine parse_ssh_args(const std::vector<std::string>& args);

// A copy of argv for the recording's header, and the source of its name and target,
// with the secret values replaced by "***" and everything else kept: the password of
// user:pass@host and ssh://user:pass@host, commands in -o ProxyCommand (and the like)
// and SetEnv values, ssh -J; the remote command read as a shell would (record/scrub.hpp).
std::vector<std::string> scrub_secrets(const std::vector<std::string>& args);

// The arguments with every -f (go to the background after authentication) replaced by
// -n, which -f implies: for recssh, which goes to the background itself and keeps ssh.
std::vector<std::string> without_background(const std::vector<std::string>& args);

// The readable part of a recording's name: user@host and the remote command.
std::string describe_target(const SshCommandLine& cl);

} // namespace recssh::record
