// SPDX-License-Identifier: MIT
#pragma once
// The end of a plain (uncompressed) asciicast v2 file, from its last bytes only: its
// times are absolute, so the last event line gives the duration that `recast ls`
// shows and that `recast play --at 50%` needs, without reading every line before it.
#include "core/event.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace recssh {

inline constexpr std::size_t k_tail_window = 64 << 10;

// The time of the last event line in `tail`, the last bytes of a v2 file (`whole`: the
// file itself; else the window may start inside a line, whose remains are skipped). A
// partial last line (a recorder that crashed) is skipped.
std::optional<Micros> last_time_in_tail(std::string_view tail, bool whole);

// The same from the file at `path`, which the caller knows to be a plain v2 cast, read
// through its last k_tail_window bytes; nullopt when it cannot be read, does not end
// with a complete line, or has no event line there (the caller then reads it whole).
std::optional<Micros> last_event_time(const std::string& path);

} // namespace recssh
