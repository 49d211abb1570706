// SPDX-License-Identifier: MIT
#pragma once
// Raw terminal output with no timing (a captured stdout, a typescript whose timing
// file is gone): one event per line at --rate lines a second, or everything at t=0
// in pieces. Size from --cols/--rows, a script(1) header, or the widest line.
#include "core/event_reader.hpp"
#include "core/io.hpp"

#include <memory>

namespace recssh::convert {

// Raw output's own option (ConvertOptions::formats).
struct RawOptions {
  double rate = 0; // lines per second (0: all at t=0)
};

// script_frame: the input is a typescript: its "Script started" line and "Script
// done" footer are not output (their size, time and exit code go to the header), and
// the bytes are kept exactly (no LF -> CR LF).
std::unique_ptr<EventReader> open_raw(Input in, const ReadOptions& options, bool script_frame);

} // namespace recssh::convert
