// SPDX-License-Identifier: MIT
#include "convert/audit_report.hpp"

#include "convert/audit_session.hpp"
#include "core/printable.hpp"
#include "core/time.hpp"

#include <cstdio>
#include <ctime>

namespace recssh::convert {

std::string aureport_data(const AuditRecord& r) {
  if (r.data_quoted) return "\"" + r.data + "\"";
  std::string out;
  std::string_view s = r.data;
  bool in_text = false, comma = false;
  while (!s.empty()) {
    std::string_view name = audit_named_key(s);
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
  AuditRecordStream rs(files, options);
  AuditRecord r;
  std::string key;
  std::uint64_t n = 0;
  const std::string& user = options.convert.formats.get<AuditOptions>().user;
  while (rs.next(r, key)) {
    AuditSession s;
    s.node = r.node, s.ses = r.ses, s.major = r.major, s.minor = r.minor, s.auid = r.auid;
    if (!audit_session_matches(options.convert.session, s) || !audit_user_matches(user, r.auid, r.auid_name))
      continue;
    std::time_t t = static_cast<std::time_t>(r.ms / 1000);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char when[64];
    std::strftime(when, sizeof when, "%x %T", &tm);
    std::string comm = r.type == "USER_TTY" ? "?" : printable(r.comm); // chosen by the user who ran it
    std::string line = std::to_string(++n) + ". " + when + " " + std::to_string(r.serial) + " " +
                       std::to_string(r.auid) + " ? " + std::to_string(r.ses) + " " + comm + " " + aureport_data(r) + "\n";
    out.write(line);
  }
}

void list_audit(const std::vector<std::string>& files, const ReadOptions& options, ByteSink& out) {
  auto ordered = order_audit_files(files, nullptr);
  if (options.convert.formats.get<AuditOptions>().records) {
    out.write(std::string_view("\nTTY Report\n===============================================\n"
                               "# date time event auid term sess comm data\n"
                               "===============================================\n"));
    list_audit_records(ordered, options, out);
    return;
  }
  char line[512];
  std::snprintf(line, sizeof line, "%-24s %-8s %-10s %-8s %8s %9s  %-19s %-19s %s\n", "SESSION", "AUID", "USER", "TTY",
                "RECORDS", "BYTES", "FIRST (UTC)", "LAST (UTC)", "COMMANDS");
  out.write(std::string_view(line));
  for (const auto& s : scan_audit(ordered, options)) {
    std::snprintf(line, sizeof line, "%-24s %-8llu %-10s %-8s %8llu %9llu  %-19s %-19s %s\n", printable(s.file_stem()).c_str(),
                  static_cast<unsigned long long>(s.auid), s.auid_name.empty() ? "-" : printable(s.auid_name).c_str(),
                  audit_tty_name(s.major, s.minor).c_str(), static_cast<unsigned long long>(s.records),
                  static_cast<unsigned long long>(s.bytes), format_utc_iso(s.first_ms / 1000).substr(0, 19).c_str(),
                  format_utc_iso(s.last_ms / 1000).substr(0, 19).c_str(), printable(s.comms).c_str());
    out.write(std::string_view(line));
  }
}

} // namespace recssh::convert
