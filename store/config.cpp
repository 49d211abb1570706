// SPDX-License-Identifier: MIT
#include "store/config.hpp"

#include "core/errors.hpp"
#include "core/time.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string_view>

namespace recssh::store {
namespace {

std::string trim(std::string s) {
  auto b = s.find_first_not_of(" \t\r");
  auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

bool parse_bool(const std::string& v, const std::string& where) {
  if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
  if (v == "false" || v == "no" || v == "off" || v == "0") return false;
  throw FormatError(where, "expected yes or no, got '" + v + "'", false);
}

double parse_number(const std::string& v, const std::string& where) {
  char* end = nullptr;
  errno = 0;
  double d = std::strtod(v.c_str(), &end);
  // Not finite (nan, inf) would reach a header as text that is not JSON.
  // The bound is the one every time read obeys (core/time.hpp).
  if (v.empty() || *end || errno || !std::isfinite(d) || d < 0 || d > k_max_seconds)
    throw FormatError(where, "expected a number >= 0 and " + max_time_text() + ", got '" + v + "'", false);
  return d;
}

std::string one_of(const std::string& v, std::initializer_list<const char*> allowed, const std::string& key,
                   const std::string& where) {
  std::string list;
  for (const char* a : allowed) {
    if (v == a) return v;
    list += list.empty() ? a : std::string(" or ") + a;
  }
  throw FormatError(where, key + " is " + list, false);
}

// One row per key: its name (written with '-'; '_' is accepted too) and how it sets
// the config. A new key is one row here and one entry in recssh.conf(5).
using Setter = std::function<void(Config&, const std::string& value, const std::string& where)>;
struct Key {
  std::string_view name;
  Setter set;
};

const std::vector<Key>& keys() {
  static const std::vector<Key> k = {
      {"dir", [](Config& c, const std::string& v, const std::string&) { c.dir = v; }},
      {"layout", [](Config& c, const std::string& v, const std::string& w) { c.layout = one_of(v, {"day", "user"}, "layout", w); }},
      {"format", [](Config& c, const std::string& v, const std::string& w) { c.format = one_of(v, {"v2", "v3"}, "format", w); }},
      {"gzip", [](Config& c, const std::string& v, const std::string& w) { c.gzip = parse_bool(v, w); }},
      {"stdin", [](Config& c, const std::string& v, const std::string& w) { c.record_stdin = parse_bool(v, w); }},
      {"mask", [](Config& c, const std::string& v, const std::string& w) { c.mask = parse_bool(v, w); }},
      {"on-error",
       [](Config& c, const std::string& v, const std::string& w) { c.on_error = one_of(v, {"keep-going", "abort"}, "on-error", w); }},
      {"env", [](Config& c, const std::string& v, const std::string&) { c.env = v; }},
      {"idle-time-limit", [](Config& c, const std::string& v, const std::string& w) { c.idle_time_limit = parse_number(v, w); }},
      {"coalesce-ms", [](Config& c, const std::string& v, const std::string& w) { c.coalesce_ms = parse_number(v, w); }},
      {"coalesce-bytes",
       [](Config& c, const std::string& v, const std::string& w) {
         // The flag's range: one event of at most 64 MiB.
         double n = parse_number(v, w);
         if (n < 1 || n > double(64 << 20)) throw FormatError(w, "coalesce-bytes is 1 to 67108864, got '" + v + "'", false);
         c.coalesce_bytes = static_cast<std::size_t>(n);
       }},
      {"forwards",
       [](Config& c, const std::string& v, const std::string& w) { c.forwards = one_of(v, {"pcap", "meta", "off"}, "forwards", w); }},
      {"merge-daily", [](Config& c, const std::string& v, const std::string& w) { c.merge_daily = parse_bool(v, w); }},
      {"compress-after", [](Config& c, const std::string& v, const std::string&) { c.compress_after = v; }},
      {"retain", [](Config& c, const std::string& v, const std::string&) { c.retain = v; }},
      {"seal", [](Config& c, const std::string& v, const std::string& w) { c.seal = parse_bool(v, w); }},
      {"seal-every-lines",
       [](Config& c, const std::string& v, const std::string& w) {
         c.seal_every_lines = static_cast<std::uint64_t>(std::min(parse_number(v, w), 1e12)); // no overflow
       }},
      {"seal-every-seconds",
       [](Config& c, const std::string& v, const std::string& w) { c.seal_every_seconds = parse_number(v, w); }},
      {"seal-syslog", [](Config& c, const std::string& v, const std::string& w) { c.seal_syslog = parse_bool(v, w); }},
      {"seal-key", [](Config& c, const std::string& v, const std::string&) { c.seal_key = v; }},
      {"allowed-signers", [](Config& c, const std::string& v, const std::string&) { c.allowed_signers = v; }},
      {"ship-to", [](Config& c, const std::string& v, const std::string&) { c.ship_to = v; }},
      {"ship-host", [](Config& c, const std::string& v, const std::string&) { c.ship_host = v; }},
      {"ship", [](Config& c, const std::string& v, const std::string& w) { c.ship = one_of(v, {"on-close", "off"}, "ship", w); }},
      {"require-shipped",
       [](Config& c, const std::string& v, const std::string& w) { c.require_shipped = parse_bool(v, w); }},
      {"s3-endpoint", [](Config& c, const std::string& v, const std::string&) { c.s3_endpoint = v; }},
      {"s3-region", [](Config& c, const std::string& v, const std::string&) { c.s3_region = v; }},
      {"s3-profile", [](Config& c, const std::string& v, const std::string&) { c.s3_profile = v; }},
      {"s3-addressing",
       [](Config& c, const std::string& v, const std::string& w) {
         c.s3_addressing = one_of(v, {"path", "virtual", "auto"}, "s3-addressing", w);
       }},
  };
  return k;
}

} // namespace

void load_config_file(const std::string& path, Config& c) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return;
    throw Error("cannot read " + path + ": " + std::strerror(errno));
  }
  c.files_read.push_back(path);
  std::string line;
  for (int no = 1; std::getline(in, line); ++no) {
    std::string where = path + ":" + std::to_string(no);
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    line = trim(line);
    if (line.empty()) continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) throw FormatError(where, "expected key = value", false);
    std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    std::string name = key;
    for (char& ch : name)
      if (ch == '_') ch = '-';
    const Key* found = nullptr;
    for (const auto& k : keys())
      if (k.name == name) found = &k;
    if (!found) throw FormatError(where, "unknown key '" + key + "' (see recssh.conf(5))", false);
    found->set(c, value, where);
  }
}

Config load_config() {
  Config c;
  const char* sys = std::getenv("RECSSH_SYSTEM_CONFIG");
  load_config_file(sys ? sys : "/etc/recssh.conf", c);
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x == '/')
    load_config_file(std::string(x) + "/recssh/config", c);
  else if (const char* home = std::getenv("HOME"); home && *home)
    load_config_file(std::string(home) + "/.config/recssh/config", c);
  return c;
}

} // namespace recssh::store
