// SPDX-License-Identifier: MIT
#pragma once
// util-linux script(1): a timing file (classic or advanced) and its data logs
// (typescript / -O output log, -I input log, or one -B combined log). Either the
// timing file or a data log may be named; the others are found by name (see
// script_files.hpp) or given with --timing/--log-out/--log-in/--log-io. Where the
// session's bytes are in each log is script_log_plan.hpp's; the earlier sessions of
// an appended typescript are kept, as untimed output at t=0 behind a marker, never
// dropped.
#include "convert/script_files.hpp"
#include "core/event_reader.hpp"
#include "core/io.hpp"

#include <memory>
#include <string>

namespace recssh::convert {

// script(1)'s own options (ConvertOptions::formats): the companion files, found by
// name when not given.
struct ScriptOptions {
  std::string timing, log_out, log_in, log_io;
  bool legacy_timing = false; // script(1) <= 2.24: delays belong to the previous chunk
};

// `in` is the timing file or a data log; options.convert names the rest.
std::unique_ptr<EventReader> open_script(Input in, const ReadOptions& options);

} // namespace recssh::convert
