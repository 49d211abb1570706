// SPDX-License-Identifier: MIT
#pragma once
// Time is integer microseconds inside; decimal seconds exist only at the edges, and
// they are parsed and printed from/to text digits, never through double arithmetic.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace recssh {

using Micros = std::chrono::microseconds;

// Parses a JSON number of seconds ("1.5", "0.004328", "1e-05", "12") into µs,
// truncating below 1 µs as asciinema 3 does. Returns nullopt for anything that is not
// a finite, non-negative number below ~292,000 years. `negative` tells why it failed.
std::optional<Micros> parse_seconds(std::string_view text, bool* negative = nullptr);

// "S.ffffff" with trailing zeros trimmed but at least one decimal: 0.0, 12.3, 1.000001.
void append_seconds(std::string& out, Micros t);
std::string format_seconds(Micros t);

// "S.mmm": whole milliseconds, always three decimals (asciicast v3 intervals).
void append_millis(std::string& out, std::int64_t ms);

// Rounds absolute times to milliseconds and returns the interval since the previous
// rounded time. Because each interval is a difference of rounded absolute times, the
// sum of the intervals never drifts more than 0.5 ms from the real elapsed time
// (error diffusion), unlike per-interval rounding.
class MillisQuantizer {
public:
  std::int64_t interval_ms(Micros absolute);

private:
  std::int64_t m_prev_ms = 0;
};

// Shortest decimal that reads back as `v`, always with a '.' or exponent, like
// Python's repr (2.0 → "2.0", 2.5 → "2.5"); locale independent.
std::string format_double(double v);

// Wall-clock time (HowardHinnant date): "2026-11-22T01:55:20Z". (Day directory names
// are local days: store/layout.hpp.)
std::string format_utc_iso(std::int64_t unix_seconds);

} // namespace recssh
