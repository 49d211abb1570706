// SPDX-License-Identifier: MIT
#include "convert/script_timing.hpp"

#include "core/errors.hpp"

namespace recssh::convert {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool parse_delay(std::string_view s, std::size_t& p, Micros& out) {
  std::size_t start = p;
  std::int64_t sec = 0;
  while (p < s.size() && is_digit(s[p])) {
    if (sec > 100'000'000'000) return false;
    sec = sec * 10 + (s[p++] - '0');
  }
  std::int64_t us = 0;
  if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
    ++p;
    int n = 0;
    while (p < s.size() && is_digit(s[p])) {
      if (n < 6) us = us * 10 + (s[p] - '0');
      ++n;
      ++p;
    }
    for (; n < 6; ++n) us *= 10;
  }
  if (p == start) return false;
  out = Micros(sec * 1'000'000 + us);
  return true; // < 10^17 µs: sums with add_times cannot overflow; the range is the reader's to name
}

bool parse_size(std::string_view s, std::size_t& p, std::uint64_t& out) {
  std::size_t start = p;
  out = 0;
  while (p < s.size() && is_digit(s[p])) {
    if (out > (std::uint64_t(1) << 40)) return false;
    out = out * 10 + std::uint64_t(s[p++] - '0');
  }
  return p > start;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

} // namespace

bool parse_decimal_seconds(std::string_view s, std::size_t& p, Micros& out) { return parse_delay(s, p, out); }

bool probe_script_timing(std::string_view head) {
  // The first line of each kind: "0.000311 7" or "H 0.000000 START_TIME ..." / "O 0.1 2".
  std::size_t eol = head.find('\n');
  std::string_view line = head.substr(0, eol);
  if (eol == std::string_view::npos && head.size() >= 4096) return false;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::size_t p = 0;
  Micros d{0};
  std::uint64_t n = 0;
  if (!line.empty() && is_digit(line[0]))
    return parse_delay(line, p, d) && p < line.size() && line[p] == ' ' && parse_size(line, ++p, n) &&
           p == line.size() && line.find('.') != std::string_view::npos;
  if (line.size() < 4 || line.find_first_of("HOIS") != 0 || line[1] != ' ') return false;
  p = 2;
  return parse_delay(line, p, d) && p < line.size() && line[p] == ' ';
}

TimingReader::TimingReader(ByteSource& source, std::string name, Diagnostics& diag)
    : m_lines(source, std::move(name), std::size_t(1) << 20), m_diag(diag) {}

bool TimingReader::next(TimingRecord& r) {
  std::string_view line;
  for (;;) {
    if (!m_lines.next(line)) return false;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) break;
    if (!m_lines.terminated()) return false;
    throw FormatError(location(), "empty line in the timing file", false);
  }
  if (!m_started) {
    m_started = true;
    m_advanced = !is_digit(line[0]);
  }
  std::size_t p = 0;
  bool ok = true;
  std::string why;
  if (m_advanced) {
    r.type = line[0];
    ok = line.size() > 2 && (r.type == 'O' || r.type == 'I' || r.type == 'S' || r.type == 'H') && line[1] == ' ';
    if (!ok) why = "expected a record type O, I, S or H";
    p = 2;
  } else {
    r.type = 'O';
  }
  if (ok && !parse_delay(line, p, r.delay)) ok = false, why = "expected a delay in seconds (like 0.012345)";
  if (ok && r.delay > k_max_time) ok = false, why = "delay out of range (" + max_time_text() + ")";
  if (ok && (p >= line.size() || line[p] != ' ')) {
    ok = r.type == 'H' && p == line.size(); // "H 0.000000 NAME" with an empty value ends here
    if (!ok) why = "expected a space after the delay";
  }
  if (ok) {
    if (r.type == 'O' || r.type == 'I') {
      ++p;
      if (!parse_size(line, p, r.size)) ok = false, why = "expected a byte count";
      else if (p != line.size()) ok = false, why = "unexpected text after the byte count";
    } else {
      std::string_view rest = p < line.size() ? line.substr(p + 1) : std::string_view{};
      std::size_t sp = rest.find(' ');
      r.name = rest.substr(0, sp);
      r.value = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
      while (!r.value.empty() && is_space(r.value.front())) r.value.remove_prefix(1);
      if (r.name.empty()) ok = false, why = "expected a name";
    }
  }
  if (ok) return true;
  if (!m_lines.terminated()) {
    m_diag.warn(location(), "unterminated last timing line ignored (script killed while writing it?)");
    return false;
  }
  std::string shown(line.substr(0, 80));
  throw FormatError(location(), "bad timing line \"" + shown + "\": " + why, false);
}

const std::string* TimingSummary::find(std::string_view key) const {
  const std::string* found = nullptr;
  for (const auto& [k, v] : info)
    if (k == key) found = &v;
  return found;
}

TimingSummary scan_timing(const std::string& path, Diagnostics& diag) {
  Input in = open_input(path, &diag);
  Diagnostics quiet; // the conversion pass reports the same things again
  quiet.on_warning = [](const std::string&, const std::string&) {};
  TimingReader reader(*in.source, in.name, quiet);
  TimingSummary s;
  TimingRecord r;
  while (reader.next(r)) {
    ++s.records;
    // A summary for planning: saturates at the bound, the conversion pass names the line.
    s.duration = add_times(s.duration, r.delay).value_or(k_max_time);
    if (r.type == 'O') s.out_bytes += r.size;
    else if (r.type == 'I') s.in_bytes += r.size;
    else if (r.type == 'H') s.info.emplace_back(std::string(r.name), std::string(r.value));
  }
  s.advanced = reader.advanced();
  return s;
}

} // namespace recssh::convert
