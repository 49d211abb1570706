// SPDX-License-Identifier: MIT
#include "convert/audit_record.hpp"

#include <array>
#include <cstdlib>

namespace recssh::convert {
namespace {

// The key names aureport prints for control bytes and escape sequences, in its
// matching order (first match wins; a lone ESC only after the sequences).
struct NamedKey {
  std::string_view seq, name;
};
constexpr std::array<NamedKey, 51> k_keys = {{
    {"\x01", "^A"}, {"\x02", "^B"}, {"\x03", "^C"}, {"\x04", "^D"}, {"\x05", "^E"}, {"\x06", "^F"},
    {"\x07", "^G"}, {"\x08", "^H"}, {"\t", "tab"}, {"\n", "nl"}, {"\x0B", "^K"}, {"\x0C", "^L"},
    {"\r", "ret"}, {"\x0E", "^N"}, {"\x0F", "^O"}, {"\x10", "^P"}, {"\x11", "^Q"}, {"\x12", "^R"},
    {"\x13", "^S"}, {"\x14", "^T"}, {"\x15", "^U"}, {"\x16", "^V"}, {"\x17", "^W"}, {"\x18", "^X"},
    {"\x19", "^Y"}, {"\x1A", "^Z"}, {"\x7F", "backspace"},
    {"\x1B[A", "up"}, {"\x1B[B", "down"}, {"\x1B[C", "right"}, {"\x1B[D", "left"},
    {"\x1BOP", "F1"}, {"\x1BOQ", "F2"}, {"\x1BOR", "F3"}, {"\x1BOS", "F4"},
    {"\x1B[15~", "F5"}, {"\x1B[17~", "F6"}, {"\x1B[18~", "F7"}, {"\x1B[19~", "F8"}, {"\x1B[20~", "F9"},
    {"\x1B[21~", "F10"}, {"\x1B[23~", "F11"}, {"\x1B[24~", "F12"},
    {"\x1B", "esc"}, {"", ""}, {"", ""}, {"", ""}, {"", ""}, {"", ""}, {"", ""}, {"", ""},
}};

} // namespace

std::string_view audit_named_key(std::string_view& s) {
  unsigned char c = static_cast<unsigned char>(s[0]);
  if (c >= ' ' && (c < 0x7F || c >= 0xA0)) return {};
  for (const auto& k : k_keys) {
    if (k.seq.empty()) break;
    if (s.substr(0, k.seq.size()) == k.seq) {
      s.remove_prefix(k.seq.size());
      return k.name;
    }
  }
  return {};
}

bool parse_audit_u64(std::string_view s, std::uint64_t& v) {
  if (s.empty() || s.size() > 20) return false;
  v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + std::uint64_t(c - '0');
  }
  return true;
}

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// An audit "untrusted string": "quoted" or uppercase hex. False if neither.
bool decode_value(std::string_view v, std::string& out, bool& quoted) {
  out.clear();
  if (!v.empty() && v[0] == '"') {
    if (v.size() < 2 || v.back() != '"') return false;
    out.assign(v.substr(1, v.size() - 2));
    quoted = true;
    return true;
  }
  quoted = false;
  if (v.size() % 2) return false;
  for (std::size_t i = 0; i < v.size(); i += 2) {
    int a = hex_digit(v[i]), b = hex_digit(v[i + 1]);
    if (a < 0 || b < 0) return false;
    out.push_back(static_cast<char>(a * 16 + b));
  }
  return true;
}

enum class Parsed { record, other, garbage, bad };

// One line. `why` says what is wrong for garbage/bad.
Parsed parse_line(std::string_view line, AuditRecord& r, std::string& why) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::string_view enrich;
  if (std::size_t gs = line.find('\x1d'); gs != std::string_view::npos) {
    enrich = line.substr(gs + 1);
    line = line.substr(0, gs);
  }
  r = AuditRecord{};
  if (line.substr(0, 5) == "node=") {
    std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos) return why = "node= without a record", Parsed::garbage;
    r.node = line.substr(5, sp - 5);
    line.remove_prefix(sp + 1);
  }
  if (line.substr(0, 5) != "type=") return why = "not an audit record (no type=)", Parsed::garbage;
  std::size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return why = "no msg=", Parsed::garbage;
  r.type = line.substr(5, sp - 5);
  if (r.type != "TTY" && r.type != "USER_TTY") return Parsed::other;
  line.remove_prefix(sp + 1);
  if (line.substr(0, 10) != "msg=audit(") return why = "expected msg=audit(SEC.MSEC:SERIAL)", Parsed::bad;
  std::size_t close = line.find("): ");
  std::string_view stamp = line.substr(10, close == std::string_view::npos ? 0 : close - 10);
  std::size_t dot = stamp.find('.'), colon = stamp.find(':');
  std::uint64_t sec = 0, msec = 0;
  if (close == std::string_view::npos || dot == std::string_view::npos || colon == std::string_view::npos ||
      colon < dot || !parse_audit_u64(stamp.substr(0, dot), sec) || !parse_audit_u64(stamp.substr(dot + 1, colon - dot - 1), msec) ||
      !parse_audit_u64(stamp.substr(colon + 1), r.serial) || msec > 999 || sec > (std::uint64_t(1) << 40))
    return why = "bad msg=audit(SEC.MSEC:SERIAL) stamp", Parsed::bad;
  r.ms = static_cast<std::int64_t>(sec * 1000 + msec);
  std::string_view body = line.substr(close + 3);
  bool have_data = false, have_ses = false;
  while (!body.empty()) {
    std::size_t end = body.find(' ');
    std::string_view tok = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view{} : body.substr(end + 1);
    std::size_t eq = tok.find('=');
    if (eq == std::string_view::npos) continue; // "tty", or junk
    std::string_view k = tok.substr(0, eq), v = tok.substr(eq + 1);
    if (k == "data") {
      // data is last; a quoted USER_TTY value has no spaces (those force hex)
      if (!body.empty()) v = std::string_view(v.data(), static_cast<std::size_t>(body.data() + body.size() - v.data()));
      while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
      if (!decode_value(v, r.data, r.data_quoted)) return why = "data= is neither hex nor quoted", Parsed::bad;
      have_data = true;
      break;
    }
    if (k == "ioctl" && v == "TIOCSTI") r.tiocsti = true;
    else if (k == "pid") parse_audit_u64(v, r.pid);
    else if (k == "uid") parse_audit_u64(v, r.uid);
    else if (k == "auid") parse_audit_u64(v, r.auid);
    else if (k == "ses") have_ses = parse_audit_u64(v, r.ses);
    else if (k == "major") r.major = std::atoi(std::string(v).c_str());
    else if (k == "minor") r.minor = std::atoi(std::string(v).c_str());
    else if (k == "comm") {
      bool q;
      if (!decode_value(v, r.comm, q)) r.comm = v;
    }
  }
  if (!have_data || !have_ses) return why = "a TTY record without ses= or data=", Parsed::bad;
  if (std::size_t a = enrich.find("AUID=\""); a != std::string_view::npos) {
    std::size_t e = enrich.find('"', a + 6);
    if (e != std::string_view::npos) r.auid_name = enrich.substr(a + 6, e - a - 6);
  }
  return Parsed::record;
}

} // namespace

bool probe_audit(std::string_view head) {
  std::size_t eol = head.find('\n');
  std::string_view line = head.substr(0, eol);
  if (line.substr(0, 5) == "node=") line.remove_prefix(std::min(line.size(), line.find(' ') + 1));
  return line.substr(0, 5) == "type=" && line.find(" msg=audit(") != std::string_view::npos;
}

bool AuditRecordStream::next(AuditRecord& r, std::string& key) {
  for (;;) {
    if (!m_lines) {
      if (m_next_file >= m_files.size()) return false;
      m_in = open_input(m_files[m_next_file++], m_opts.diag);
      m_lines = std::make_unique<LineReader>(*m_in.source, m_in.name);
    }
    std::string_view line;
    if (!m_lines->next(line)) {
      m_lines.reset();
      continue;
    }
    std::string why;
    Parsed p = parse_line(line, r, why);
    if (p == Parsed::other) continue;
    if (p != Parsed::record) {
      if (line.empty() || (line.size() == 1 && line[0] == '\r')) continue;
      diag().warn(m_lines->location(), why + ": skipped");
      ++m_skipped;
      continue;
    }
    std::string ns = r.node + ":" + std::to_string(r.ses);
    if (r.type == "TTY") {
      m_tty[ns] = {r.major, r.minor};
    } else if (auto it = m_tty.find(ns); it != m_tty.end()) {
      r.major = it->second.first;
      r.minor = it->second.second;
    }
    key = ns + ":" + std::to_string(r.major) + ":" + std::to_string(r.minor);
    return true;
  }
}

} // namespace recssh::convert
