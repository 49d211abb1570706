// SPDX-License-Identifier: MIT
#include "convert/audit_session.hpp"

#include "core/utf8.hpp"

#include <algorithm>
#include <cstdint>
#include <boost/filesystem.hpp>
#include <map>
#include <pwd.h>

namespace recssh::convert {
namespace {

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
    if (dot != std::string_view::npos && parse_audit_u64(line.substr(a + 10, dot - a - 10), sec))
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

bool audit_user_matches(const std::string& want, std::uint64_t auid, const std::string& auid_name) {
  if (want.empty()) return true;
  std::uint64_t n = 0;
  if (parse_audit_u64(want, n)) return n == auid;
  if (want == auid_name) return true;
  struct passwd* pw = ::getpwnam(want.c_str());
  return pw && pw->pw_uid == auid;
}

bool audit_session_matches(const std::string& want, const AuditSession& s) {
  if (want.empty()) return true;
  return want == std::to_string(s.ses) || want == s.key() || want == s.file_stem() ||
         want == s.node + ":" + std::to_string(s.ses);
}

std::string audit_tty_name(int major, int minor) {
  if (major == 136) return "pts/" + std::to_string(minor);
  if (major == 4 && minor < 64) return "tty" + std::to_string(minor);
  if (major < 0) return "?";
  return std::to_string(major) + ":" + std::to_string(minor);
}

std::string audit_rotation_base(const std::string& path) {
  // "audit.log.3" -> "audit.log", "audit.log.2.gz" -> "audit.log"; the name only.
  boost::filesystem::path p(path);
  std::string n = p.filename().string();
  if (n.size() > 3 && n.compare(n.size() - 3, 3, ".gz") == 0) n.resize(n.size() - 3);
  std::size_t dot = n.rfind('.');
  if (dot != std::string::npos && dot + 1 < n.size() &&
      std::all_of(n.begin() + long(dot) + 1, n.end(), [](char c) { return c >= '0' && c <= '9'; }))
    n.resize(dot);
  return (p.parent_path() / n).string();
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
  AuditRecordStream rs(files, options);
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
  const std::string& user = options.convert.formats.get<AuditOptions>().user;
  for (auto& s : all)
    if (audit_session_matches(options.convert.session, s) && audit_user_matches(user, s.auid, s.auid_name))
      out.push_back(std::move(s));
  return out;
}

} // namespace recssh::convert
