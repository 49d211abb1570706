// SPDX-License-Identifier: MIT
#pragma once
// Where in a recording: `--at`, `--until`. Seconds ("90", "2.5"), minutes and hours
// ("1:30", "01:02:03.5"), a share of the duration ("50%"), or the end ("end").
#include "core/time.hpp"

#include <optional>
#include <string_view>

namespace recssh::play {

struct TimeSpec {
  enum class Kind { time, percent, end };
  Kind kind = Kind::time;
  Micros time{0};    // Kind::time: since the start of the recording
  double percent = 0; // Kind::percent: 0..100

  // The time in a recording of `duration` (percent and end need it).
  Micros resolve(Micros duration) const;
  bool needs_duration() const { return kind != Kind::time; }
};

// Parses a TIME as above; nullopt when it is not one (the caller says what was wrong).
std::optional<TimeSpec> parse_time_spec(std::string_view text);

// "1:02:03" or "2:03" (hours only when there are some), whole seconds.
std::string format_clock(Micros t);

} // namespace recssh::play
