// SPDX-License-Identifier: MIT
#pragma once
// util-linux script(1): a timing file (classic or advanced) and its data logs
// (typescript / -O output log, -I input log, or one -B combined log). Either the
// timing file or a data log may be named; the others are found by name (see
// find_companions) or given with --timing/--log-out/--log-in/--log-io.
//
// The session's bytes in each data log are located by accounting, not by trusting
// the first and last lines: header line + the timing's byte total + footer must be
// the file size. That handles -q typescripts without a header (2.25/2.26), killed
// sessions without a footer, and -a appended typescripts, where only the last
// session has timing: the earlier sessions' bytes are kept, as untimed output at
// t=0 behind a marker, never dropped.
#include "core/event_reader.hpp"
#include "core/io.hpp"

#include <memory>

namespace recssh::convert {

// True when the input starts with a script(1) header line ("Script started on ..."),
// or a timing file for it is found by name.
bool probe_typescript(const Input& in);

// `in` is the timing file or a data log; options.convert names the rest.
std::unique_ptr<EventReader> open_script(Input in, const ReadOptions& options);

// The timing file that belongs to a data log, or "" (same directory: NAME.timing,
// NAME-without-extension.timing, "timing" beside "typescript", ...).
std::string find_timing_for(const std::string& data_path);
// The data log that belongs to a classic timing file, or "".
std::string find_typescript_for(const std::string& timing_path);

} // namespace recssh::convert
