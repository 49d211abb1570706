// SPDX-License-Identifier: MIT
#pragma once
// Linux audit TTY records (pam_tty_audit: type=TTY from the kernel, type=USER_TTY
// from readline), one audit.log line each: parsing them, the key names aureport
// gives control bytes, and a stream of the records of several files in order.
#include "core/event_reader.hpp"
#include "core/io.hpp"
#include "core/line_reader.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
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

bool probe_audit(std::string_view head);

// The key name aureport prints for the control byte or escape sequence at the start
// of `s` ("ret", "up", "^A"), advancing `s`; empty when the byte is ordinary.
std::string_view audit_named_key(std::string_view& s);

// A decimal number that fits 64 bits, nothing else.
bool parse_audit_u64(std::string_view s, std::uint64_t& v);

// Reads the records of several files in order, remembering each (node, ses)'s tty so
// USER_TTY records land in the right session. Lines that are not records are
// warned about (options.diag) and skipped.
class AuditRecordStream {
public:
  AuditRecordStream(std::vector<std::string> files, const ReadOptions& o) : m_files(std::move(files)), m_opts(o) {}
  // The next record and its session key ("node:ses:major:minor"); false at the end.
  bool next(AuditRecord& r, std::string& key);
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

} // namespace recssh::convert
