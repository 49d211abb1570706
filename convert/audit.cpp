// SPDX-License-Identifier: MIT
#include "convert/audit.hpp"

#include "convert/event_queue.hpp"
#include "core/json.hpp"
#include "core/utf8.hpp"

namespace recssh::convert {
namespace {

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

// Whether --session or --user narrows the sessions.
bool filtered(const ReadOptions& o) {
  return !o.convert.session.empty() || !o.convert.formats.get<AuditOptions>().user.empty();
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
                     (info.node.empty() ? "" : " on " + info.node) + ", " + audit_tty_name(info.major, info.minor);
    m_source.format = "audit-tty";
    for (const auto& f : files) m_source.files.push_back({"log", f});
    m_source.details = "\"audit\":{\"session\":" + std::to_string(info.ses) + ",\"auid\":" + std::to_string(info.auid) +
                       (info.auid_name.empty() ? "" : ",\"user\":" + json_string(info.auid_name)) +
                       (info.node.empty() ? "" : ",\"node\":" + json_string(info.node)) + ",\"tty\":" +
                       json_string(audit_tty_name(info.major, info.minor)) + ",\"records\":" + std::to_string(info.records) +
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
      std::string_view name = audit_named_key(s);
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

  AuditRecordStream m_records;
  std::string m_key;
  std::int64_t m_first_ms = 0;
  EventQueue m_queue;
  Utf8Decoder m_dec;
  bool m_line_start = true;
};

} // namespace

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
                std::string(filtered(options) ? " match the filters" : "") +
                " (pam_tty_audit writes them when a session has TTY auditing enabled)");
  if (sessions.size() > 1) {
    std::string list;
    for (const auto& s : sessions) list += " " + s.file_stem();
    throw UsageError(path + ": " + std::to_string(sessions.size()) + " audit sessions (" + list.substr(1) +
                     "): choose one with --session, or give -o DIR for one cast each (--list shows them)");
  }
  return std::make_unique<AuditReader>(std::vector<std::string>{path}, sessions[0].key(), sessions[0], options);
}

std::string audit_none_found(const std::vector<std::string>& files, const ReadOptions& options) {
  return "no TTY or USER_TTY records" + std::string(filtered(options) ? " match the filters" : "") + " in " + files.front() +
         (files.size() > 1 ? " and the others" : "");
}

} // namespace recssh::convert
