// SPDX-License-Identifier: MIT
#include "record/ssh_args.hpp"

#include "record/scrub.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>

namespace recssh::record {
namespace {

// ssh(1) of OpenSSH 9: options that take an argument, and those that do not.
constexpr std::string_view k_with_arg = "BbcDEeFIiJLlmOoPpQRSWw";
constexpr std::string_view k_flags = "46AaCfGgKkMNnqsTtVvXxYy";

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// -J and ProxyJump: [user[:password]@]host[:port] or ssh:// URLs, comma-separated.
std::string scrub_jump(std::string_view v) {
  std::string out;
  for (std::size_t p = 0; p <= v.size();) {
    auto comma = std::min(v.find(',', p), v.size());
    if (p) out += ',';
    out += scrub_userinfo(v.substr(p, comma - p));
    p = comma + 1;
  }
  return out;
}

// The value of -o Key=Value or -o "Key Value": commands (ProxyCommand and the like)
// and SetEnv's NAME=VALUE list are read as command lines; ssh's other options carry no
// secrets (PasswordAuthentication=no, IdentityAgent=... are kept as they are).
std::string scrub_ssh_option(std::string_view v) {
  auto sep = v.find_first_of("= \t");
  if (sep == std::string_view::npos) return std::string(v);
  std::string key = lower(v.substr(0, sep));
  auto value = v.find_first_not_of("= \t", sep);
  if (value == std::string_view::npos) return std::string(v);
  std::string head(v.substr(0, value));
  if (key == "proxycommand" || key == "localcommand" || key == "remotecommand" || key == "knownhostscommand" ||
      key == "setenv")
    return head + scrub_command(v.substr(value));
  if (key == "proxyjump") return head + scrub_jump(v.substr(value));
  return std::string(v);
}

// -o KEY=yes|no (a flag: yes, true, no, false) for `key` (lowercase): its value, else
// nullopt.
std::optional<bool> flag_option(std::string_view v, std::string_view key) {
  const auto sep = v.find_first_of("= \t");
  if (sep == std::string_view::npos || lower(v.substr(0, sep)) != key) return std::nullopt;
  const auto at = v.find_first_not_of("= \t", sep);
  const std::string value = at == std::string_view::npos ? "" : lower(v.substr(at));
  if (value == "yes" || value == "true") return true;
  if (value == "no" || value == "false") return false;
  return std::nullopt;
}

bool is_forward_option(std::string_view v) {
  auto key = lower(v.substr(0, v.find_first_of("= \t")));
  return key == "localforward" || key == "remoteforward" || key == "dynamicforward";
}

// ssh's getopt over args from `i` up to the first word that is not an option, or past
// a "--" (then `terminated`). `on_flag(letter, arg, at)` for each option without a
// value, which is args[arg][at];
// `on_value(letter, arg, offset, value)` for one with its value, which is
// args[arg].substr(offset) (offset 0: a word of its own). A missing value ends it
// (ssh says "option requires an argument").
struct Walked {
  std::size_t end = 0;
  bool terminated = false;
};
template <class Flag, class Value>
Walked walk_options(const std::vector<std::string>& args, std::size_t i, Flag&& on_flag, Value&& on_value) {
  for (; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == "--") return {i + 1, true};
    if (a.size() < 2 || a[0] != '-') break;
    for (std::size_t j = 1; j < a.size(); ++j) {
      const char c = a[j];
      if (k_with_arg.find(c) == std::string_view::npos) {
        on_flag(c, i, j);
        continue;
      }
      const bool attached = j + 1 < a.size();
      if (!attached && i + 1 >= args.size()) return {args.size(), false};
      if (attached) on_value(c, i, j + 1, std::string(a.substr(j + 1)));
      else on_value(c, i + 1, std::size_t{0}, args[i + 1]);
      if (!attached) ++i;
      break;
    }
  }
  return {i, false};
}

// After the destination: ssh reads options there too (it runs getopt again on what
// follows it), unless a "--" came before the destination. `end`: where the remote
// command starts; `terminated`: a "--" (at end - 1) ended the options.
template <class Flag, class Value>
Walked walk_after_destination(const std::vector<std::string>& args, const Walked& before, Flag&& on_flag,
                              Value&& on_value) {
  if (before.end >= args.size()) return {args.size(), false};
  if (before.terminated) return {before.end + 1, false};
  return walk_options(args, before.end + 1, on_flag, on_value);
}

} // namespace

SshCommandLine parse_ssh_args(const std::vector<std::string>& args) {
  SshCommandLine cl;
  std::optional<bool> gateway_option; // -o GatewayPorts: the first one counts, as in ssh
  std::optional<bool> fork_option;    // -o ForkAfterAuthentication (-f sets it whatever -o says)
  auto flag = [&](char c, std::size_t, std::size_t) {
    if (c == 't') cl.force_tty = true;
    if (c == 'T') cl.no_tty = true;
    if (c == 'N') cl.no_command = true;
    if (c == 'f') cl.background = true;
    if (c == 'g') cl.gateway_ports = true;
    if (c == 'V' || c == 'G') cl.info_only = true;
  };
  auto value = [&](char c, std::size_t arg, std::size_t offset, const std::string& v) {
    if (c == 'L' || c == 'R' || c == 'D' || (c == 'o' && is_forward_option(v))) cl.forwards.push_back({c, arg, offset, v});
    if (c == 'o' && !gateway_option) gateway_option = flag_option(v, "gatewayports");
    if (c == 'o' && !fork_option) fork_option = flag_option(v, "forkafterauthentication");
    // (ssh keeps the first user and port it is given, in the order it reads them:
    // options before the destination, the destination's, options after it)
    if (c == 'l' && cl.user.empty()) cl.user = v;
    if (c == 'F') cl.config_file = v;
    if (c == 'W') cl.stdio_forward = v;
    if (c == 'p' && cl.port.empty()) cl.port = v;
    if (c == 'Q') cl.info_only = true;
  };
  const Walked before = walk_options(args, 0, flag, value);
  const std::size_t i = before.end;
  cl.destination_at = i;
  if (i < args.size()) {
    cl.destination = args[i];
    std::string rest = cl.destination;
    if (rest.rfind("ssh://", 0) == 0) {
      rest.erase(0, 6);
      if (auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
      const auto at = rest.rfind('@');
      if (auto colon = rest.rfind(':'); colon != std::string::npos && rest.find(']', colon) == std::string::npos &&
                                        (at == std::string::npos || at < colon)) {
        if (cl.port.empty()) cl.port = rest.substr(colon + 1);
        rest.resize(colon);
      }
    }
    if (auto at = rest.rfind('@'); at != std::string::npos) {
      if (cl.user.empty()) cl.user = rest.substr(0, at);
      rest.erase(0, at + 1);
    }
    if (rest.size() > 2 && rest.front() == '[' && rest.back() == ']') rest = rest.substr(1, rest.size() - 2);
    cl.host = rest;
  }
  const Walked after = walk_after_destination(args, before, flag, value);
  cl.command_at = after.end;
  // Where an option added last is still read as one: before the "--" that ends them.
  cl.options_end = before.terminated ? cl.destination_at - 1
                   : i >= args.size() ? i
                   : after.terminated ? after.end - 1
                                      : after.end;
  cl.gateway_ports = cl.gateway_ports || gateway_option.value_or(false); // (-g wins)
  cl.background = cl.background || fork_option.value_or(false);           // (-f wins)
  (void)k_flags;
  cl.command.assign(args.begin() + static_cast<std::ptrdiff_t>(cl.command_at), args.end());
  return cl;
}

std::vector<std::string> scrub_secrets(const std::vector<std::string>& args) {
  // The same walk as parse_ssh_args: options and their values, the destination, then
  // the remote command, each scrubbed as what it is.
  std::vector<std::string> out = args;
  auto flag = [](char, std::size_t, std::size_t) {};
  auto value = [&](char c, std::size_t arg, std::size_t offset, const std::string& v) {
    const std::string scrubbed = c == 'o' ? scrub_ssh_option(v) : c == 'J' ? scrub_jump(v) : v;
    out[arg] = args[arg].substr(0, offset) + scrubbed;
  };
  const Walked before = walk_options(args, 0, flag, value);
  if (before.end < args.size()) out[before.end] = scrub_userinfo(args[before.end]);
  const std::size_t command_at = walk_after_destination(args, before, flag, value).end;
  std::vector<std::string> command(args.begin() + static_cast<std::ptrdiff_t>(command_at), args.end());
  out.resize(command_at);
  for (auto& w : scrub_command_words(command)) out.push_back(std::move(w));
  return out;
}

std::string describe_target(const SshCommandLine& cl) {
  std::string s = cl.user.empty() ? cl.host : cl.user + "@" + cl.host;
  if (!cl.port.empty()) s += "_" + cl.port;
  for (const auto& w : cl.command) s += " " + w;
  return s;
}

std::vector<std::string> without_background(const std::vector<std::string>& args) {
  // -n in the place of each -f (also within "-fN"): -f implies -n, and a flag for a
  // flag keeps every other option where it was.
  std::vector<std::string> out = args;
  auto flag = [&](char c, std::size_t arg, std::size_t at) {
    if (c == 'f') out[arg][at] = 'n';
  };
  auto value = [](char, std::size_t, std::size_t, const std::string&) {};
  walk_after_destination(args, walk_options(args, 0, flag, value), flag, value);
  return out;
}

} // namespace recssh::record
