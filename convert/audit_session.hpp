// SPDX-License-Identifier: MIT
#pragma once
// The sessions of audit TTY records: which records belong together, what each
// session is called (one tty naming for titles, listings and file names), the
// --session / --user filters, and rotated copies of audit.log put in time order.
#include "convert/audit_record.hpp"
#include "core/event_reader.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace recssh::convert {

// The audit format's own options (ConvertOptions::formats); the session filter is
// ConvertOptions::session.
struct AuditOptions {
  std::string user;     // only sessions of this login user (name or auid)
  bool records = false; // --list: every record, as aureport --tty prints it
};

// One session: (node, ses, tty); USER_TTY records join the session of the last TTY
// record with the same node and ses.
struct AuditSession {
  std::string node;
  std::uint64_t ses = 0, auid = 0;
  int major = -1, minor = -1;
  std::string auid_name;
  std::uint64_t records = 0, bytes = 0;
  std::int64_t first_ms = 0, last_ms = 0;
  std::string comms; // distinct comm values, comma-separated
  std::string key() const;  // "node:ses:major:minor" (node may be empty)
  std::string file_stem() const; // "web01-ses7-tty136_3" for output names
};

// "pts/3", "tty1", "4:64", "?" (no tty known).
std::string audit_tty_name(int major, int minor);

// Whether a session passes the --session filter (ses number, NODE:SES, key, stem),
// and a login user the --user filter (name or auid); an empty filter passes all.
bool audit_session_matches(const std::string& want, const AuditSession& s);
bool audit_user_matches(const std::string& want, std::uint64_t auid, const std::string& auid_name);

// The files in time order (rotated copies first), each opened transparently.
std::vector<std::string> order_audit_files(std::vector<std::string> files, Diagnostics* diag);

// "DIR/audit.log.3" -> "DIR/audit.log": the log a rotated copy belongs to.
std::string audit_rotation_base(const std::string& path);

// Every session in `files` that passes the --session / --user filters of `options`.
std::vector<AuditSession> scan_audit(const std::vector<std::string>& files, const ReadOptions& options);

} // namespace recssh::convert
