// SPDX-License-Identifier: MIT
#pragma once
#include "core/event_reader.hpp"
#include "core/io.hpp"

namespace recssh {

// Writes the data of every event with `code` ("o" for `cat`) to `out`, no timing.
// Returns the number of bytes written.
std::uint64_t dump_stream(EventReader& reader, std::string_view code, ByteSink& out);

} // namespace recssh
