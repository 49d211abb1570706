// SPDX-License-Identifier: MIT
#pragma once
// The idle cap (-i, the header's idle_time_limit): the one rule for how long a gap
// between two events plays, shared by the player and the second emulation of a long
// seek, whose play times must agree with the player's to the microsecond.
#include "core/time.hpp"

#include <optional>

namespace recssh::play {

inline Micros idle_capped(Micros gap, const std::optional<Micros>& limit) {
  return limit && gap > *limit ? *limit : gap;
}

} // namespace recssh::play
