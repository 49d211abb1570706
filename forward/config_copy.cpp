// SPDX-License-Identifier: MIT
#include "forward/config_copy.hpp"

#include "core/errors.hpp"
#include "core/fd.hpp"
#include "core/signals.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <glob.h>
#include <pwd.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::forward {

namespace {

constexpr int k_max_depth = 16; // ssh's READCONF_MAX_DEPTH

bool is_forward_keyword(const std::string& k) {
  return k == "localforward" || k == "remoteforward" || k == "dynamicforward";
}

} // namespace

std::vector<std::string> split_args(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ' || s[i] == '\t') {
      ++i;
      continue;
    }
    if (s[i] == '#') break;
    std::string arg;
    char quote = 0;
    for (; i < s.size(); ++i) {
      const char c = s[i];
      if (c == '\\' && i + 1 < s.size() &&
          (s[i + 1] == '\'' || s[i + 1] == '"' || s[i + 1] == '\\' || (quote == 0 && s[i + 1] == ' '))) {
        arg += s[++i];
      } else if (quote == 0 && (c == ' ' || c == '\t')) {
        break;
      } else if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (quote != 0 && c == quote) {
        quote = 0;
      } else {
        arg += c;
      }
    }
    if (quote != 0) throw Error("an Include with an unterminated quote");
    out.push_back(std::move(arg));
  }
  return out;
}

std::vector<std::string> include_matches(const std::string& pattern, const std::string& base, const std::string& home) {
  std::string p = pattern;
  if (p.empty()) return {};
  if (p[0] != '/' && p[0] != '~') p = base + "/" + p;
  if (p[0] == '~') {
    const std::size_t slash = p.find('/');
    const std::string user = p.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
    std::string dir = home;
    if (!user.empty()) {
      const passwd* pw = ::getpwnam(user.c_str());
      if (!pw) return {}; // (ssh's glob matches nothing)
      dir = pw->pw_dir;
    }
    p = dir + (slash == std::string::npos ? "" : p.substr(slash));
  }
  glob_t g{};
  const int r = ::glob(p.c_str(), 0, nullptr, &g);
  std::vector<std::string> out;
  for (std::size_t i = 0; r == 0 && i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  ::globfree(&g);
  if (r != 0 && r != GLOB_NOMATCH) throw Error("Include " + pattern + ": glob failed");
  return out;
}

namespace {

std::string quoted(const std::string& path) {
  std::string q = "\"";
  for (char c : path) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + "\"";
}

} // namespace

ConfigLine read_config_line(std::string_view line) {
  ConfigLine out;
  const std::string_view words = line.substr(0, line.find_last_not_of(" \t\r\n\f") + 1);
  const std::size_t first = words.find_first_not_of(" \t");
  if (first == std::string_view::npos) return out;
  const std::size_t end = std::min(words.find_first_of(" \t=", first), words.size());
  out.key.assign(words.substr(first, end - first));
  std::transform(out.key.begin(), out.key.end(), out.key.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string_view rest = words.substr(end);
  const std::size_t a = rest.find_first_not_of(" \t");
  rest = a == std::string_view::npos ? std::string_view{} : rest.substr(a);
  if (!rest.empty() && rest[0] == '=') rest.remove_prefix(1);
  out.rest = rest;
  return out;
}

std::string private_dir_base() {
  const char* run = std::getenv("XDG_RUNTIME_DIR");
  auto plain = [](std::string_view p) {
    return !p.empty() && p.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-") ==
                             std::string_view::npos;
  };
  return run && plain(run) && ::access(run, W_OK) == 0 ? run : "/tmp";
}

std::string strip_forwards(std::string_view text,
                           const std::function<std::vector<std::string>(const std::string& pattern)>& include) {
  std::string out;
  out.reserve(text.size() + 64);
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    const ConfigLine parsed = read_config_line(line);
    const std::string& k = parsed.key;
    const std::string_view rest = parsed.rest;
    if (is_forward_keyword(k)) {
      out += "# (recssh: given to ssh on its command line) ";
      out += line;
    } else if (k == "include") {
      std::vector<std::string> paths;
      for (const auto& pattern : split_args(rest))
        for (auto& p : include(pattern)) paths.push_back(std::move(p));
      if (paths.empty()) {
        out += "# (recssh: matched no file) ";
        out += line;
      } else {
        out += "Include";
        for (const auto& p : paths) out += " " + quoted(p);
      }
    } else {
      out += line;
    }
    if (nl != std::string_view::npos) out += '\n';
  }
  return out;
}

SshHomes SshHomes::of_this_user() {
  SshHomes h;
  if (const struct ::passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) h.passwd = pw->pw_dir;
  const char* home = std::getenv("HOME");
  const bool setid = ::getuid() != ::geteuid() || ::getgid() != ::getegid();
  h.tilde = home && !setid ? home : h.passwd;
  return h;
}

ConfigCopy::ConfigCopy(const std::string& config_file, const SshHomes& homes) : m_home(homes.tilde) {
  const std::string base = private_dir_base();
  std::string tmpl = base + "/recssh-conf.XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw Error("cannot make a private directory in " + base + ": " + std::strerror(errno));
  m_dir = tmpl; // mkdtemp makes it 0700
  try {
    // A relative Include in a user's file: ~/.ssh/ as ssh's glob expands ~.
    const std::string user_dir = homes.tilde + "/.ssh";
    if (!config_file.empty()) {
      m_top = copy(config_file, user_dir, 0);
    } else {
      // ssh reads the user's file (from the password database's home), then the
      // system's; a missing one is skipped.
      std::string top;
      struct stat st {};
      const std::string user_config = homes.passwd + "/.ssh/config";
      if (!homes.passwd.empty() && ::stat(user_config.c_str(), &st) == 0)
        top += "Include " + quoted(copy(user_config, user_dir, 1)) + "\n";
      if (::stat("/etc/ssh/ssh_config", &st) == 0)
        top += "Include " + quoted(copy("/etc/ssh/ssh_config", "/etc/ssh", 1)) + "\n";
      m_top = write(top);
    }
  } catch (...) {
    remove();
    throw;
  }
}

ConfigCopy::~ConfigCopy() { remove(); }

void ConfigCopy::remove() {
  for (const auto& f : m_files) {
    ::unlink(f.path.c_str());
    forget_temp_file(f.slot);
  }
  m_files.clear();
  if (!m_dir.empty()) ::rmdir(m_dir.c_str());
  m_dir.clear();
}

std::string ConfigCopy::write(const std::string& text) {
  std::string path = m_dir + "/" + std::to_string(m_files.size()) + ".conf";
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) throw Error("cannot write " + path + ": " + std::strerror(errno));
  // (A copy of the user's configuration: not left behind by a Ctrl-C either.)
  auto& f = m_files.emplace_back(File{path, -1});
  f.slot = remember_temp_file(f.path.c_str());
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error("cannot write " + path + ": " + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
  return path;
}

std::string ConfigCopy::copy(const std::string& source, const std::string& base, int depth) {
  if (depth > k_max_depth) throw Error(source + ": includes nested too deep");
  std::ostringstream text;
  struct stat st {};
  if (::stat(source.c_str(), &st) != 0) throw Error("cannot read " + source + ": " + std::strerror(errno));
  if (!S_ISDIR(st.st_mode)) { // (a directory that an Include matches: ssh reads no line from it)
    std::ifstream in(source, std::ios::binary);
    if (!in) throw Error("cannot read " + source);
    text << in.rdbuf();
    if (in.bad()) throw Error("cannot read " + source);
  }
  auto include = [&](const std::string& pattern) {
    std::vector<std::string> copies;
    try {
      for (const auto& m : include_matches(pattern, base, m_home)) copies.push_back(copy(m, base, depth + 1));
    } catch (const Error& e) {
      throw Error(source + ": " + e.what());
    }
    return copies;
  };
  return write(strip_forwards(text.str(), include));
}

} // namespace recssh::forward
