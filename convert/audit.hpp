// SPDX-License-Identifier: MIT
#pragma once
// Linux audit TTY records (pam_tty_audit: type=TTY from the kernel, type=USER_TTY
// from readline) in audit.log and its rotated copies (.1, .2, ..., .gz). Only input
// exists there, flushed per line or per 4096 bytes: a session becomes a cast of "i"
// events (the bytes read) and a readable "o" echo (printable text, named keys as
// aureport prints them), with approximate times, marked as such.
#include "core/event_reader.hpp"
#include "core/io.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace recssh::convert {

struct AuditRecord {
  std::string node;      // "" without a node= prefix
  std::string type;      // TTY or USER_TTY
  std::int64_t ms = 0;   // msg=audit(SEC.MSEC:...) in milliseconds
  std::uint64_t serial = 0;
  std::uint64_t pid = 0, uid = 0, auid = 0, ses = 0;
  int major = -1, minor = -1; // TTY only
  bool tiocsti = false;  // injected with ioctl(TIOCSTI)
  std::string comm;      // decoded; "" for USER_TTY
  std::string data;      // the bytes, decoded from hex or quotes
  bool data_quoted = false;
  std::string auid_name; // from the ENRICHED trailer (AUID="name"), if any
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

bool probe_audit(std::string_view head);

// The files in time order (rotated copies first), each opened transparently.
std::vector<std::string> order_audit_files(std::vector<std::string> files, Diagnostics* diag);

// Every session in `files` that passes the --session / --user filters of `options`.
std::vector<AuditSession> scan_audit(const std::vector<std::string>& files, const ReadOptions& options);

// The events of one session found by scan_audit.
std::unique_ptr<EventReader> open_audit_session(const std::vector<std::string>& files, const AuditSession& session,
                                                const ReadOptions& options);

// The registry's reader: one file, and the one session in it that passes the
// filters (an error lists them when there are several).
std::unique_ptr<EventReader> open_audit(Input in, const ReadOptions& options);

// aureport --tty's rendering of TTY data: named keys as <name>, printable runs in
// quotes with \ooo escapes; USER_TTY's quoted text as it stands.
std::string aureport_data(const AuditRecord& r);

// `aureport --tty`-style lines for every record of `files` passing the filters.
void list_audit_records(const std::vector<std::string>& files, const ReadOptions& options, ByteSink& out);

} // namespace recssh::convert
