// SPDX-License-Identifier: MIT
#pragma once
// util-linux script(1) timing files. Classic: "<delay> <bytes>" per output chunk.
// Advanced (2.35+): "<type> <delay> <rest>" with O (output), I (input), S (signal) and
// H (info) records. Delays are seconds with any number of decimals (',' accepted for
// pre-2.13 files written under a comma locale).
#include "core/line_reader.hpp"
#include "core/time.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace recssh::convert {

struct TimingRecord {
  char type = 'O'; // O I S H
  Micros delay{0};
  std::uint64_t size = 0;      // O, I
  std::string_view name, value; // S (SIGWINCH, "ROWS=30 COLS=100"), H (COLUMNS, "80")
};

// "<seconds>[.,]<fraction>" at s[p...] (any number of fraction digits; past the
// sixth they are dropped), advancing p. sudo's timing files use the same.
bool parse_decimal_seconds(std::string_view s, std::size_t& p, Micros& out);

// True when `head` starts like a timing file of either kind.
bool probe_script_timing(std::string_view head);

// Reads records one by one. A malformed line throws FormatError naming file:line; an
// unterminated last line that does not parse (script killed mid-write) is a warning.
class TimingReader {
public:
  TimingReader(ByteSource& source, std::string name, Diagnostics& diag);
  bool next(TimingRecord& r);
  bool advanced() const { return m_advanced; }
  std::string location() const { return m_lines.location(); }

private:
  LineReader m_lines;
  Diagnostics& m_diag;
  bool m_advanced = false;
  bool m_started = false;
};

// One pass over a whole timing file, before converting: byte totals per stream (to
// find the session's bytes in the data logs) and the H records (some are written
// last, but belong in the output header).
struct TimingSummary {
  bool advanced = false;
  std::uint64_t records = 0;
  std::uint64_t out_bytes = 0, in_bytes = 0;
  Micros duration{0};
  std::vector<std::pair<std::string, std::string>> info;
  const std::string* find(std::string_view key) const;
};

TimingSummary scan_timing(const std::string& path, Diagnostics& diag);

} // namespace recssh::convert
