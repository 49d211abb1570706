// SPDX-License-Identifier: MIT
#include "convert/script_header.hpp"

#include <array>
#include <cctype>

namespace recssh::convert {
namespace {

// From util-linux po/*.po ("Script started on %s [", "Script done on %s [") and BSD.
constexpr std::array k_start = {
    std::string_view("Script started on "), std::string_view("Script started, output"),
    std::string_view("Skript gestartet auf "), std::string_view("Script démarré sur "),
    std::string_view("Script iniciado en "), std::string_view("Script avviato il "),
    std::string_view("Script iniciado em "), std::string_view("Skrypt uruchomiony "),
    std::string_view("Script gestart op "), std::string_view("スクリプトを "),
    std::string_view("Скрипт запущен "), std::string_view("Skript spuštěn "),
    std::string_view("Скрипт запущено "), std::string_view("脚本启动于 "),
};
constexpr std::array k_done = {
    std::string_view("Script done on "), std::string_view("Script done, output"),
    std::string_view("Skript beendet auf "), std::string_view("Script terminé sur "),
    std::string_view("Script terminado en "), std::string_view("Script concluso il "),
    std::string_view("Script concluído em "), std::string_view("Skrypt wykonany "),
    std::string_view("Script beëindigd op "), std::string_view("スクリプトを "),
    std::string_view("Скрипт выполнен "), std::string_view("Skript ukončen "),
    std::string_view("Скрипт виконано "), std::string_view("脚本完成于 "),
};

bool digits(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return false;
  for (std::size_t i = at; i < at + n; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

int num(std::string_view s, std::size_t at, std::size_t n) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

// Days since 1970-01-01 of a civil date (proleptic Gregorian).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return std::int64_t(era) * 146097 + doe - 719468;
}

// The value of KEY="..." ending at `end` (exclusive, at the closing quote + 1).
std::optional<std::string> take_field(std::string_view& body, std::string_view key) {
  // body ends with ` KEY="value"` or starts with `KEY="value"`
  if (body.empty() || body.back() != '"') return std::nullopt;
  std::string pat = std::string(key) + "=\"";
  std::size_t at = body.rfind(pat);
  if (at == std::string_view::npos || (at > 0 && body[at - 1] != ' ')) return std::nullopt;
  std::string value(body.substr(at + pat.size(), body.size() - 1 - at - pat.size()));
  if (value.find('"') != std::string::npos && key != "COMMAND") return std::nullopt;
  body = body.substr(0, at);
  while (!body.empty() && body.back() == ' ') body.remove_suffix(1);
  return value;
}

} // namespace

bool is_script_start_line(std::string_view line) {
  for (auto p : k_start)
    if (line.substr(0, p.size()) == p) return true;
  return false;
}

bool is_script_done_line(std::string_view line) {
  for (auto p : k_done)
    if (line.substr(0, p.size()) == p) return !is_script_start_line(line) || line.find("COMMAND_EXIT_CODE") != line.npos;
  return line.find("[COMMAND_EXIT_CODE=\"") != line.npos;
}

std::optional<std::int64_t> find_iso_time(std::string_view s) {
  for (std::size_t i = 0; i + 19 <= s.size(); ++i) {
    if (!(digits(s, i, 4) && s[i + 4] == '-' && digits(s, i + 5, 2) && s[i + 7] == '-' && digits(s, i + 8, 2) &&
          (s[i + 10] == ' ' || s[i + 10] == 'T') && digits(s, i + 11, 2) && s[i + 13] == ':' && digits(s, i + 14, 2) &&
          s[i + 16] == ':' && digits(s, i + 17, 2)))
      continue;
    int y = num(s, i, 4), mo = num(s, i + 5, 2), d = num(s, i + 8, 2);
    int h = num(s, i + 11, 2), mi = num(s, i + 14, 2), se = num(s, i + 17, 2);
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
    std::size_t z = i + 19;
    int offset = 0;
    if (z < s.size() && s[z] == 'Z') {
    } else if (z < s.size() && (s[z] == '+' || s[z] == '-') && digits(s, z + 1, 2)) {
      int oh = num(s, z + 1, 2), om = 0;
      if (z + 3 < s.size() && s[z + 3] == ':' && digits(s, z + 4, 2)) om = num(s, z + 4, 2);
      else if (digits(s, z + 3, 2)) om = num(s, z + 3, 2);
      offset = (oh * 60 + om) * 60 * (s[z] == '-' ? -1 : 1);
    } else {
      return std::nullopt; // local time of an unknown zone: better none than a wrong one
    }
    return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
  }
  return std::nullopt;
}

ScriptHeader parse_script_start(std::string_view line) {
  ScriptHeader h;
  h.timestamp = find_iso_time(line);
  std::size_t open = line.find(" [");
  if (open == std::string_view::npos || line.empty() || line.back() != ']') return h;
  std::string_view body = line.substr(open + 2, line.size() - open - 3);
  constexpr std::string_view not_tty = "<not executed on terminal>";
  if (body.size() >= not_tty.size() && body.substr(body.size() - not_tty.size()) == not_tty) {
    body.remove_suffix(not_tty.size());
    while (!body.empty() && body.back() == ' ') body.remove_suffix(1);
  }
  auto lines = take_field(body, "LINES");
  auto cols = lines ? take_field(body, "COLUMNS") : std::nullopt;
  if (lines && cols) {
    std::string ct = *cols + "x" + *lines;
    if (auto s = parse_size(ct)) h.size = s;
  }
  h.tty = take_field(body, "TTY");
  h.term = take_field(body, "TERM");
  if (body.substr(0, 9) == "COMMAND=\"" && body.size() >= 10 && body.back() == '"')
    h.command = std::string(body.substr(9, body.size() - 10));
  return h;
}

std::optional<int> parse_script_exit(std::string_view line) {
  for (std::string_view key : {std::string_view("COMMAND_EXIT_CODE=\""), std::string_view("Command exit status: ")}) {
    std::size_t at = line.find(key);
    if (at == std::string_view::npos) continue;
    at += key.size();
    std::size_t n = 0;
    while (at + n < line.size() && n < 9 && std::isdigit(static_cast<unsigned char>(line[at + n]))) ++n;
    if (n) return num(line, at, n);
  }
  return std::nullopt;
}

} // namespace recssh::convert
