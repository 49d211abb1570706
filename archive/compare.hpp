// SPDX-License-Identifier: MIT
#pragma once
// Independent checks that an output holds exactly the events of its inputs, run
// before any input is removed: re-read everything and compare event for event.
// (Integrity of recordings against tampering is another matter: seal/verify.)
#include "core/errors.hpp"

#include <string>
#include <vector>

namespace recssh::archive {

// `copy` has the same header size and the same events (code, data, time) as `original`
// (gzip or not, v2 or v3 with µs times). Throws Error naming the first difference.
void verify_same_events(const std::string& original, const std::string& copy);

// `merged` is, segment by segment, the events of `inputs` in order: each segment opens
// with the input's join marker, may have an "r" and a terminal reset, then has every
// event of the input with the same code and data, shifted by one constant.
void verify_merged(const std::string& merged, const std::vector<std::string>& inputs);

} // namespace recssh::archive
