// SPDX-License-Identifier: MIT
#include "record/config.hpp"

#include "core/errors.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace recssh::record {
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
  if (v.empty() || *end || errno || d < 0) throw FormatError(where, "expected a number >= 0, got '" + v + "'", false);
  return d;
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
    if (key == "dir") c.dir = value;
    else if (key == "layout") {
      if (value != "day" && value != "user") throw FormatError(where, "layout is day or user", false);
      c.layout = value;
    } else if (key == "format") {
      if (value != "v2" && value != "v3") throw FormatError(where, "format is v2 or v3", false);
      c.format = value;
    } else if (key == "gzip") c.gzip = parse_bool(value, where);
    else if (key == "stdin") c.record_stdin = parse_bool(value, where);
    else if (key == "mask") c.mask = parse_bool(value, where);
    else if (key == "on-error" || key == "on_error") {
      if (value != "keep-going" && value != "abort") throw FormatError(where, "on-error is keep-going or abort", false);
      c.on_error = value;
    } else if (key == "env") c.env = value;
    else if (key == "idle-time-limit" || key == "idle_time_limit") c.idle_time_limit = parse_number(value, where);
    else if (key == "coalesce-ms" || key == "coalesce_ms") c.coalesce_ms = parse_number(value, where);
    else if (key == "coalesce-bytes" || key == "coalesce_bytes")
      c.coalesce_bytes = static_cast<std::size_t>(parse_number(value, where));
    else if (key == "merge-daily" || key == "merge_daily") c.merge_daily = parse_bool(value, where);
    else if (key == "compress-after" || key == "compress_after") c.compress_after = value;
    else if (key == "retain") c.retain = value;
    else
      throw FormatError(where, "unknown key '" + key + "' (see recssh(1), FILES)", false);
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

} // namespace recssh::record
