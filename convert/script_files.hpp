// SPDX-License-Identifier: MIT
#pragma once
// Finding the files of a script(1) recording by name: the timing file of a data log,
// the data log of a timing file, the logs an advanced timing file names, and the
// files `recast convert -r` claims for a timing file.
#include "core/format.hpp"
#include "core/io.hpp"

#include <string>

namespace recssh::convert {

// True when the input starts with a script(1) header line ("Script started on ..."),
// or a timing file for it is found by name.
bool probe_typescript(const Input& in);

// The timing file that belongs to a data log, or "" (same directory: NAME.timing,
// NAME-without-extension.timing, "timing" beside "typescript", ...).
std::string find_timing_for(const std::string& data_path);
// The data log that belongs to a classic timing file, or "".
std::string find_typescript_for(const std::string& timing_path);

// Resolves a log name recorded in an H record (as given to script, relative to its
// working directory then) against the timing file's directory first; "" if absent.
std::string resolve_logged(const std::string& timing_path, const std::string& name);

// The files a timing file claims in a tree (TreeRules::companions): the logs it names
// that are there, or the typescript found by name; the output is named after the
// output log.
TreeRules::Companions script_companions(const std::string& timing_path, Diagnostics& quiet);

} // namespace recssh::convert
