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

// The one bound on every time and duration read from a file, a flag or the config:
// 100 years. int64 µs overflow at ~292,000 years, so with this bound the sum of two
// times, a time in nanoseconds (a player's clock) and a time times a few thousand all
// fit, and arithmetic on times read never overflows; no recording lasts a century, so
// a bigger value is corruption or an attack. Readers check each value and each running
// sum (of v3 intervals, delays) against it where they parse, naming file:line.
inline constexpr Micros k_max_time{std::int64_t(36'524) * 86'400 * 1'000'000}; // 36,524 days
inline constexpr double k_max_seconds = double(k_max_time.count()) / 1e6;
// How errors name it: "at most 100 years (3155673600 s)".
std::string max_time_text();

// Parses a JSON number of seconds ("1.5", "0.004328", "1e-05", "12") into µs,
// truncating below 1 µs as asciinema 3 does. Returns nullopt for anything that is not
// a finite, non-negative number up to k_max_time. `negative` tells why it failed.
std::optional<Micros> parse_seconds(std::string_view text, bool* negative = nullptr);

// Seconds given as a double (a header's idle_time_limit, a flag) in µs, rounded;
// nullopt unless finite, >= 0 and at most k_max_seconds.
std::optional<Micros> seconds_to_micros(double seconds);

// total + delta, or nullopt when it would pass k_max_time; both must be in
// [0, k_max_time] (a running sum of intervals or delays, checked at each step).
std::optional<Micros> add_times(Micros total, Micros delta);

// Unix times (header timestamps, wall-clock stamps of legacy logs) are kept between
// 1970 and the end of year 9999, which every calendar routine can format.
inline constexpr std::int64_t k_max_unix_time = 253'402'300'799;
bool valid_unix_time(double seconds);

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
