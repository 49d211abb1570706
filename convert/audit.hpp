// SPDX-License-Identifier: MIT
#pragma once
// Linux audit TTY records (pam_tty_audit: type=TTY from the kernel, type=USER_TTY
// from readline) in audit.log and its rotated copies (.1, .2, ..., .gz). Only input
// exists there, flushed per line or per 4096 bytes: a session becomes a cast of "i"
// events (the bytes read) and a readable "o" echo (printable text, named keys as
// aureport prints them), with approximate times, marked as such. The records are in
// audit_record.hpp, the sessions in audit_session.hpp, listings in audit_report.hpp.
#include "convert/audit_record.hpp"
#include "convert/audit_session.hpp"
#include "core/event_reader.hpp"
#include "core/io.hpp"

#include <memory>
#include <string>
#include <vector>

namespace recssh::convert {

// The events of one session found by scan_audit.
std::unique_ptr<EventReader> open_audit_session(const std::vector<std::string>& files, const AuditSession& session,
                                                const ReadOptions& options);

// The registry's reader: one file, and the one session in it that passes the
// filters (an error lists them when there are several).
std::unique_ptr<EventReader> open_audit(Input in, const ReadOptions& options);

// Why `files` give nothing to convert: no records, or none that pass the filters.
std::string audit_none_found(const std::vector<std::string>& files, const ReadOptions& options);

} // namespace recssh::convert
