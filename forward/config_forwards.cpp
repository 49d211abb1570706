// SPDX-License-Identifier: MIT
#include "forward/config_forwards.hpp"

#include "forward/config_copy.hpp"

#include <boost/process.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <glob.h>
#include <poll.h>
#include <sstream>
#include <thread>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::forward {

namespace bp = boost::process;

std::vector<std::string> args_for_config_query(const std::vector<std::string>& ssh_args,
                                               const std::vector<ArgPlace>& forward_at, std::size_t command_at) {
  std::vector<std::string> args(ssh_args.begin(), ssh_args.begin() + std::min(command_at, ssh_args.size()));
  std::vector<bool> gone(args.size(), false);
  // From the last to the first, so the places before stay where they are.
  auto places = forward_at;
  std::sort(places.begin(), places.end(),
            [](const ArgPlace& a, const ArgPlace& b) { return a.arg != b.arg ? a.arg > b.arg : a.offset > b.offset; });
  for (const auto& p : places) {
    if (p.arg >= args.size()) continue;
    if (p.offset > 0) {
      // "-NL5432:db:5432": the letter and its value go, the flags before stay.
      args[p.arg].erase(p.offset - 1);
      if (args[p.arg] == "-") gone[p.arg] = true;
    } else {
      // "-L" "5432:db:5432" (or "-NL" "..."): the value, and the letter before it.
      gone[p.arg] = true;
      if (p.arg > 0) {
        args[p.arg - 1].pop_back();
        if (args[p.arg - 1] == "-") gone[p.arg - 1] = true;
      }
    }
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < args.size(); ++i)
    if (!gone[i]) out.push_back(args[i]);
  return out;
}

namespace {

// Whether the config file at `path`, or one it includes, has a forward (or what changes
// how forwards are made: GatewayPorts, ForkAfterAuthentication). Include takes
// globs, relative to `base` (~/.ssh for the user's files, /etc/ssh for the system's),
// nested at most 16 deep as ssh allows.
bool mentions_forward(const std::string& path, const std::string& base, const std::string& home, int depth = 0) {
  if (depth > 16) return false;
  std::ifstream in(path);
  if (!in) return false;
  std::string text;
  while (std::getline(in, text)) {
    const ConfigLine line = read_config_line(text);
    const std::string& key = line.key;
    if (key == "localforward" || key == "remoteforward" || key == "dynamicforward" || key == "gatewayports" ||
        key == "forkafterauthentication")
      return true;
    if (key != "include") continue;
    try {
      for (const auto& pattern : split_args(line.rest))
        for (const auto& f : include_matches(pattern, base, home))
          if (mentions_forward(f, base, home, depth + 1)) return true;
    } catch (const std::exception&) {
      // ssh will say what is wrong with it
    }
  }
  return false;
}

} // namespace

bool config_may_forward(const std::string& config_file, const SshHomes& homes) {
  if (config_file == "none") return false;
  // A -F that is not a regular file (-F <(...), a pipe) can be read only once, and
  // that once is ssh's: recssh does not look in it.
  struct stat st {};
  if (!config_file.empty() && (::stat(config_file.c_str(), &st) != 0 || !S_ISREG(st.st_mode))) return false;
  const std::string user_dir = homes.tilde + "/.ssh";
  if (!config_file.empty()) return mentions_forward(config_file, user_dir, homes.tilde);
  return (!homes.passwd.empty() && mentions_forward(homes.passwd + "/.ssh/config", user_dir, homes.tilde)) ||
         mentions_forward("/etc/ssh/ssh_config", "/etc/ssh", homes.tilde);
}

std::optional<std::string> ConfigDump::value(std::string_view key) const {
  for (std::size_t at = 0; at < others.size();) {
    std::size_t end = others.find('\n', at);
    if (end == std::string::npos) end = others.size();
    const std::string_view line = std::string_view(others).substr(at, end - at);
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ' ')
      return std::string(line.substr(key.size() + 1));
    at = end + 1;
  }
  return std::nullopt;
}

ConfigDump parse_config_dump(std::string_view dump) {
  ConfigDump out;
  std::istringstream lines{std::string(dump)};
  std::string line;
  auto unbracket = [](std::string s) {
    // "[c]:80" -> "c:80"; "[::2]:100" stays bracketed (an IPv6 address needs them).
    if (s.size() > 2 && s[0] == '[') {
      auto close = s.find(']');
      if (close != std::string::npos && s.substr(1, close - 1).find(':') == std::string::npos)
        s = s.substr(1, close - 1) + s.substr(close + 1);
    }
    return s;
  };
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string key, a, b, more;
    words >> key >> a >> b >> more;
    if (key == "gatewayports") out.gateway_ports = a == "yes";
    const bool dynamic = key == "dynamicforward", fixed = key == "localforward" || key == "remoteforward";
    if (!dynamic && !fixed) {
      out.others += line + "\n";
      continue;
    }
    std::optional<ForwardSpec> f;
    if (dynamic && !a.empty() && b.empty()) f = parse_forward(Kind::dynamic, unbracket(a));
    else if (fixed && !b.empty() && more.empty()) {
      const Kind kind = key[0] == 'l' ? Kind::local : Kind::remote;
      if (kind == Kind::remote && b == "[socks]:0") f = parse_forward(kind, unbracket(a)); // remote SOCKS
      else f = parse_forward(kind, unbracket(a) + ":" + unbracket(b));
    }
    if (f) out.forwards.push_back(*f);
    else ++out.unread;
  }
  return out;
}

std::optional<ConfigDump> query_config(const std::string& ssh, const std::vector<std::string>& args,
                                       std::chrono::milliseconds timeout) {
  std::vector<std::string> a{"-G"};
  a.insert(a.end(), args.begin(), args.end());
  try {
    bp::ipstream out; // read through its descriptor, never through the stream
    bp::child c(bp::exe = ssh, bp::args = a, bp::std_in < bp::null, bp::std_out > out, bp::std_err > bp::null);
    const int fd = out.pipe().native_source();
    // Read until ssh closes its output, never past the deadline (a `Match exec` may hang).
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string dump;
    char buf[4096];
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{fd, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
        c.terminate();
        return std::nullopt;
      }
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      if (dump.size() < (1u << 20)) dump.append(buf, static_cast<std::size_t>(n));
    }
    // (Polled, not wait_for: Boost 1.74's wait_for waits out its whole timeout when
    // the child's SIGCHLD came before it was called, which it does here: 3 s lost
    // on every query.)
    while (c.running()) {
      if (std::chrono::steady_clock::now() >= deadline) {
        c.terminate();
        return std::nullopt;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (c.exit_code() != 0) return std::nullopt;
    return parse_config_dump(dump);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

} // namespace recssh::forward
