// SPDX-License-Identifier: MIT
#pragma once
// sudo I/O log directories (sudoreplay's format, sudo 1.7.3 to 1.9.x, sudo_logsrvd):
// `timing` ("<event> <delay> <data>" per line), the stream files ttyout, ttyin,
// stdout, stderr, stdin (each gzip'd or not), and `log.json` / `log` for the header.
#include "core/event_reader.hpp"

#include <memory>
#include <string>

namespace recssh::convert {

// True when `dir` holds a sudo I/O log (a timing file and a log or log.json).
bool probe_sudo_dir(const std::string& dir);
std::unique_ptr<EventReader> open_sudo(const std::string& dir, const ReadOptions& options);

} // namespace recssh::convert
