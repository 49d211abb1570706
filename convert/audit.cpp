// SPDX-License-Identifier: MIT
#include "convert/audit.hpp"

#include "convert/event_queue.hpp"
#include "core/json.hpp"
#include "core/line_reader.hpp"
#include "core/utf8.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>
#include <map>
#include <pwd.h>

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

// The named key at the start of `s`, advancing it; empty when the byte is ordinary.
std::string_view named_key(std::string_view& s) {
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

bool parse_u64(std::string_view s, std::uint64_t& v) {
  if (s.empty() || s.size() > 20) return false;
  v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + std::uint64_t(c - '0');
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
      colon < dot || !parse_u64(stamp.substr(0, dot), sec) || !parse_u64(stamp.substr(dot + 1, colon - dot - 1), msec) ||
      !parse_u64(stamp.substr(colon + 1), r.serial) || msec > 999 || sec > (std::uint64_t(1) << 40))
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
    else if (k == "pid") parse_u64(v, r.pid);
    else if (k == "uid") parse_u64(v, r.uid);
    else if (k == "auid") parse_u64(v, r.auid);
    else if (k == "ses") have_ses = parse_u64(v, r.ses);
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

// Reads the records of several files in order, remembering each (node, ses)'s tty so
// USER_TTY records land in the right session.
class RecordStream {
public:
  RecordStream(std::vector<std::string> files, const ReadOptions& o) : m_files(std::move(files)), m_opts(o) {}
  bool next(AuditRecord& r, std::string& key) {
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
  std::string location() const { return m_lines ? m_lines->location() : (m_files.empty() ? "" : m_files.back()); }
  std::uint64_t skipped() const { return m_skipped; }

private:
  Diagnostics& diag() { return m_opts.diag ? *m_opts.diag : m_own; }
  std::vector<std::string> m_files;
  ReadOptions m_opts;
  Diagnostics m_own;
  std::size_t m_next_file = 0;
  Input m_in;
  std::unique_ptr<LineReader> m_lines;
  std::map<std::string, std::pair<int, int>> m_tty;
  std::uint64_t m_skipped = 0;
};

bool user_matches(const std::string& want, std::uint64_t auid, const std::string& auid_name) {
  if (want.empty()) return true;
  std::uint64_t n = 0;
  if (parse_u64(want, n)) return n == auid;
  if (want == auid_name) return true;
  struct passwd* pw = ::getpwnam(want.c_str());
  return pw && pw->pw_uid == auid;
}

bool session_matches(const std::string& want, const AuditSession& s) {
  if (want.empty()) return true;
  return want == std::to_string(s.ses) || want == s.key() || want == s.file_stem() ||
         want == s.node + ":" + std::to_string(s.ses);
}

std::string tty_name(int major, int minor) {
  if (major == 136) return "pts/" + std::to_string(minor);
  if (major == 4 && minor < 64) return "tty" + std::to_string(minor);
  if (major < 0) return "?";
  return std::to_string(major) + ":" + std::to_string(minor);
}

// The scan before a conversion has reported the lines that are not records.
ReadOptions quiet(ReadOptions o) {
  static Diagnostics silent = [] {
    Diagnostics d;
    d.on_warning = [](const std::string&, const std::string&) {};
    return d;
  }();
  o.diag = &silent;
  return o;
}

class AuditReader final : public EventReader {
public:
  AuditReader(std::vector<std::string> files, std::string key, const AuditSession& info, const ReadOptions& o)
      : EventReader(o), m_records(files, quiet(o)), m_key(std::move(key)) {
    m_header.version = 0;
    m_header.size = o.convert.size ? *o.convert.size : TermSize{80, 24};
    m_header.timestamp = info.first_ms / 1000;
    m_first_ms = info.first_ms;
    m_header.title = "audit TTY input, session " + std::to_string(info.ses) +
                     (info.node.empty() ? "" : " on " + info.node) + ", " + tty_name(info.major, info.minor);
    m_source.format = "audit-tty";
    for (const auto& f : files) m_source.files.push_back({"log", f});
    m_source.details = "\"audit\":{\"session\":" + std::to_string(info.ses) + ",\"auid\":" + std::to_string(info.auid) +
                       (info.auid_name.empty() ? "" : ",\"user\":" + json_string(info.auid_name)) +
                       (info.node.empty() ? "" : ",\"node\":" + json_string(info.node)) + ",\"tty\":" +
                       json_string(tty_name(info.major, info.minor)) + ",\"records\":" + std::to_string(info.records) +
                       "},\"timing\":\"approximate: records are flushed per line or per 4096 bytes\"";
    m_queue.push(Event::marker(Micros(0), "recssh: audit TTY records: input only; times are when the kernel "
                                               "flushed its buffer (per line or 4096 bytes), not keystroke times"));
  }

private:
  // The readable echo of a record: a dim "[comm]" at each line start, printable text
  // as typed, named keys in reverse video, a new line after Enter.
  void echo(const AuditRecord& r, std::string& out) {
    auto prefix = [&] {
      if (!m_line_start) return;
      m_line_start = false;
      std::string who = r.type == "USER_TTY" ? "line" : r.comm.empty() ? "?" : sanitize_utf8(r.comm);
      if (r.tiocsti) who += " TIOCSTI";
      out += "\x1b[2m[" + who + "]\x1b[22m ";
    };
    std::string_view s = r.data;
    std::string text;
    auto flush_text = [&] {
      if (text.empty()) return;
      m_dec.feed(text, out);
      text.clear();
    };
    while (!s.empty()) {
      std::string_view name = named_key(s);
      prefix();
      if (name.empty()) {
        unsigned char c = static_cast<unsigned char>(s[0]);
        if (c < 0x20) { // a control byte aureport has no name for: caret notation
          text += '^';
          text += char('@' + c);
        } else {
          text.push_back(s[0]);
        }
        s.remove_prefix(1);
        continue;
      }
      flush_text();
      m_dec.finish(out);
      out += "\x1b[7m<";
      out += name;
      out += ">\x1b[27m";
      if (name == "ret" || name == "nl") {
        out += "\r\n";
        m_line_start = true;
      }
    }
    flush_text();
    m_dec.finish(out);
    if (r.type == "USER_TTY") {
      out += "\r\n";
      m_line_start = true;
    }
  }

  bool do_next(Event& e) override {
    for (;;) {
      if (m_queue.pop(e)) return true;
      AuditRecord r;
      std::string key;
      if (!m_records.next(r, key)) return false;
      if (key != m_key) continue;
      Micros t((r.ms - m_first_ms) * 1000);
      if (!options().convert.no_input) {
        std::string in = sanitize_utf8(r.data);
        if (!in.empty()) m_queue.push(Event::input(t, std::move(in)));
      }
      std::string o;
      echo(r, o);
      if (!o.empty()) m_queue.push(Event::output(t, std::move(o)));
    }
  }

  std::string do_location() const override { return m_records.location(); }

  RecordStream m_records;
  std::string m_key;
  std::int64_t m_first_ms = 0;
  EventQueue m_queue;
  Utf8Decoder m_dec;
  bool m_line_start = true;
};

// The time of a file's first record, in ms (the end of time when it has none in
// its first 1,000 lines), to put rotated copies in order.
std::int64_t first_stamp(const std::string& path, Diagnostics* diag) {
  Input in = open_input(path, diag);
  LineReader lines(*in.source, in.name);
  std::string_view line;
  for (int i = 0; i < 1000 && lines.next(line); ++i) {
    std::size_t a = line.find("msg=audit(");
    if (a == std::string_view::npos) continue;
    std::uint64_t sec = 0;
    std::size_t dot = line.find('.', a);
    if (dot != std::string_view::npos && parse_u64(line.substr(a + 10, dot - a - 10), sec))
      return static_cast<std::int64_t>(sec * 1000);
  }
  return INT64_MAX;
}

} // namespace

std::string AuditSession::key() const {
  return node + ":" + std::to_string(ses) + ":" + std::to_string(major) + ":" + std::to_string(minor);
}

std::string AuditSession::file_stem() const {
  std::string s = node.empty() ? "" : node + "-";
  s += "ses" + std::to_string(ses);
  if (major >= 0) s += "-tty" + std::to_string(major) + "_" + std::to_string(minor);
  return s;
}

bool probe_audit(std::string_view head) {
  std::size_t eol = head.find('\n');
  std::string_view line = head.substr(0, eol);
  if (line.substr(0, 5) == "node=") line.remove_prefix(std::min(line.size(), line.find(' ') + 1));
  return line.substr(0, 5) == "type=" && line.find(" msg=audit(") != std::string_view::npos;
}

std::vector<std::string> order_audit_files(std::vector<std::string> files, Diagnostics* diag) {
  std::vector<std::pair<std::int64_t, std::string>> keyed;
  for (auto& f : files) {
    std::int64_t ms = first_stamp(f, diag);
    keyed.emplace_back(ms, std::move(f));
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& k : keyed) out.push_back(std::move(k.second));
  return out;
}

std::vector<AuditSession> scan_audit(const std::vector<std::string>& files, const ReadOptions& options) {
  RecordStream rs(files, options);
  std::vector<AuditSession> all;
  std::map<std::string, std::size_t> index;
  AuditRecord r;
  std::string key;
  while (rs.next(r, key)) {
    auto [it, fresh] = index.emplace(key, all.size());
    if (fresh) {
      AuditSession s;
      s.node = r.node;
      s.ses = r.ses;
      s.auid = r.auid;
      s.major = r.major;
      s.minor = r.minor;
      s.first_ms = r.ms;
      all.push_back(std::move(s));
    }
    AuditSession& s = all[it->second];
    ++s.records;
    s.bytes += r.data.size();
    s.last_ms = std::max(s.last_ms, r.ms);
    s.first_ms = std::min(s.first_ms, r.ms);
    if (!r.auid_name.empty()) s.auid_name = r.auid_name;
    std::string c = r.type == "USER_TTY" ? "" : sanitize_utf8(r.comm);
    if (!c.empty() && ("," + s.comms + ",").find("," + c + ",") == std::string::npos && s.comms.size() < 200)
      s.comms += (s.comms.empty() ? "" : ",") + c;
  }
  std::vector<AuditSession> out;
  for (auto& s : all)
    if (session_matches(options.convert.session, s) && user_matches(options.convert.user, s.auid, s.auid_name))
      out.push_back(std::move(s));
  return out;
}

std::unique_ptr<EventReader> open_audit_session(const std::vector<std::string>& files, const AuditSession& session,
                                                const ReadOptions& options) {
  return std::make_unique<AuditReader>(files, session.key(), session, options);
}

std::unique_ptr<EventReader> open_audit(Input in, const ReadOptions& options) {
  std::string path = options.convert.path.empty() ? in.name : options.convert.path;
  if (path == "-" || in.name == "<stdin>")
    throw UsageError("audit logs are read twice (sessions, then records): give a file, not stdin");
  auto sessions = scan_audit({path}, options);
  if (sessions.empty())
    throw Error(path + ": no TTY or USER_TTY records" +
                std::string(options.convert.session.empty() && options.convert.user.empty() ? "" : " match the filters") +
                " (pam_tty_audit writes them when a session has TTY auditing enabled)");
  if (sessions.size() > 1) {
    std::string list;
    for (const auto& s : sessions) list += " " + s.file_stem();
    throw UsageError(path + ": " + std::to_string(sessions.size()) + " audit sessions (" + list.substr(1) +
                     "): choose one with --session, or give -o DIR for one cast each (--list shows them)");
  }
  return std::make_unique<AuditReader>(std::vector<std::string>{path}, sessions[0].key(), sessions[0], options);
}

std::string aureport_data(const AuditRecord& r) {
  if (r.data_quoted) return "\"" + r.data + "\"";
  std::string out;
  std::string_view s = r.data;
  bool in_text = false, comma = false;
  while (!s.empty()) {
    std::string_view name = named_key(s);
    if (!name.empty()) {
      if (in_text) out += '"', in_text = false;
      if (comma) out += ',';
      out += "<" + std::string(name) + ">";
    } else {
      if (!in_text) {
        if (comma) out += ',';
        out += '"';
        in_text = true;
      }
      unsigned char c = static_cast<unsigned char>(s[0]);
      if (c < 0x20 || c > 0x7E) {
        out += '\\';
        out += char('0' + ((c >> 6) & 7));
        out += char('0' + ((c >> 3) & 7));
        out += char('0' + (c & 7));
      } else {
        if (c == '\\' || c == '"') out += '\\';
        out += char(c);
      }
      s.remove_prefix(1);
    }
    comma = true;
  }
  if (in_text) out += '"';
  return out;
}

void list_audit_records(const std::vector<std::string>& files, const ReadOptions& options, ByteSink& out) {
  RecordStream rs(files, options);
  AuditRecord r;
  std::string key;
  std::uint64_t n = 0;
  while (rs.next(r, key)) {
    AuditSession s;
    s.node = r.node, s.ses = r.ses, s.major = r.major, s.minor = r.minor, s.auid = r.auid;
    if (!session_matches(options.convert.session, s) || !user_matches(options.convert.user, r.auid, r.auid_name))
      continue;
    std::time_t t = static_cast<std::time_t>(r.ms / 1000);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char when[64];
    std::strftime(when, sizeof when, "%x %T", &tm);
    std::string comm = r.type == "USER_TTY" ? "?" : r.comm;
    std::string line = std::to_string(++n) + ". " + when + " " + std::to_string(r.serial) + " " +
                       std::to_string(r.auid) + " ? " + std::to_string(r.ses) + " " + comm + " " + aureport_data(r) + "\n";
    out.write(line);
  }
}

} // namespace recssh::convert
