// SPDX-License-Identifier: MIT
#pragma once
// BSD / macOS `script -r`: records of a 24-byte header (u64 length, u64 seconds, u32
// microseconds, u32 direction 's' start, 'i' input, 'o' output, 'e' end; the
// writer's byte order, detected from the direction field) and the payload.
#include "core/event_reader.hpp"
#include "core/io.hpp"

#include <memory>

namespace recssh::convert {

bool probe_bsd_script(std::string_view head);
std::unique_ptr<EventReader> open_bsd_script(Input in, const ReadOptions& options);

} // namespace recssh::convert
