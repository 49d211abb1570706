// SPDX-License-Identifier: MIT
#include "store/layout.hpp"

#include "core/errors.hpp"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <pwd.h>
#include <unistd.h>

namespace recssh::store {

std::string_view stream_name(Stream s) { return s == Stream::shell ? "shell" : "exec"; }

std::optional<Stream> parse_stream(std::string_view name) {
  if (name == "shell") return Stream::shell;
  if (name == "exec") return Stream::exec;
  return std::nullopt;
}

std::optional<Layout> parse_layout(std::string_view name) {
  if (name == "day") return Layout::day;
  if (name == "user") return Layout::user;
  return std::nullopt;
}

std::string resolve_root(const std::optional<std::string>& cli_dir, const Config& config) {
  if (cli_dir && !cli_dir->empty()) return *cli_dir;
  if (const char* env = std::getenv("RECSSH_DIR"); env && *env) return env;
  if (config.dir && !config.dir->empty()) return *config.dir;
  return default_root();
}

std::string default_root() {
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x == '/') return std::string(x) + "/recssh";
  const char* home = std::getenv("HOME");
  std::string h = home && *home ? home : "";
  if (h.empty())
    if (passwd* pw = ::getpwuid(::getuid())) h = pw->pw_dir;
  if (h.empty()) throw Error("no home directory: pass --dir or set RECSSH_DIR");
  return h + "/.local/share/recssh";
}

std::string day_name(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::optional<Day> parse_day_name(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  auto num = [&](std::size_t from, std::size_t n) {
    int v = 0;
    for (std::size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  Day d{num(0, 4), static_cast<unsigned>(num(5, 2)), static_cast<unsigned>(num(8, 2))};
  if (!std::chrono::year_month_day(std::chrono::year(d.year), std::chrono::month(d.month), std::chrono::day(d.day)).ok())
    return std::nullopt;
  return d;
}

bool is_recording_name(std::string_view name) {
  return !name.empty() && name[0] != '.' && (name.ends_with(".cast") || name.ends_with(".cast.gz"));
}

bool is_capture_name(std::string_view name) { return name.ends_with(".pcap") || name.ends_with(".pcap.gz"); }

std::string local_user() {
  if (passwd* pw = ::getpwuid(::geteuid())) return pw->pw_name;
  return std::to_string(::geteuid());
}

std::string local_host() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

} // namespace recssh::store
