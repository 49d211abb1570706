// SPDX-License-Identifier: MIT
#pragma once
// Where a script(1) data log's session bytes are, found by accounting rather than by
// trusting the first and last lines: header line + the timing's byte total + footer
// must be the file size. That handles -q typescripts without a header (2.25/2.26),
// killed sessions without a footer, and -a appended typescripts, where only the last
// session has timing.
#include "core/errors.hpp"
#include "core/io.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace recssh::convert {

// How far back from a position a header or footer line is looked for.
constexpr std::size_t k_script_window = 1 << 16;

// Where a data log's session bytes are: [header][untimed earlier sessions][second
// header][timed body][extra][footer].
struct LogPlan {
  std::uint64_t header = 0, untimed = 0, second_header = 0;
  std::uint64_t body = 0;  // bytes the timing describes that are present
  std::uint64_t missing = 0; // bytes the timing describes beyond the data's end
  std::uint64_t extra = 0; // bytes after the timed ones, before the footer (no timing)
  bool unknown_rest = false; // size unknown: decide about the rest when we get there
  std::string header_line, footer_line, session_header_line;
};

// The plan for the data log at `path` (opened as `in`) whose timed bytes the timing
// file totals to `timed`; what does not add up is warned about on `diag`.
LogPlan plan_log(const std::string& path, const Input& in, std::uint64_t timed, Diagnostics& diag);

} // namespace recssh::convert
