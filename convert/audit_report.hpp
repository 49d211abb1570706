// SPDX-License-Identifier: MIT
#pragma once
// What `recast convert --list` prints for audit logs: a table of the sessions, or
// every record as `aureport --tty` prints it (--records).
#include "convert/audit_record.hpp"
#include "core/event_reader.hpp"
#include "core/io.hpp"

#include <string>
#include <vector>

namespace recssh::convert {

// aureport --tty's rendering of TTY data: named keys as <name>, printable runs in
// quotes with \ooo escapes; USER_TTY's quoted text as it stands.
std::string aureport_data(const AuditRecord& r);

// `aureport --tty`-style lines for every record of `files` (in this order) passing
// the filters.
void list_audit_records(const std::vector<std::string>& files, const ReadOptions& options, ByteSink& out);

// The registry's --list: `files` put in time order, then the table of their sessions
// that pass the filters, or with AuditOptions::records the report of their records.
void list_audit(const std::vector<std::string>& files, const ReadOptions& options, ByteSink& out);

} // namespace recssh::convert
