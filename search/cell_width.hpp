// SPDX-License-Identifier: MIT
#pragma once
// How many cells the emulated terminal gives a character: 1 or 2, or 0 for those the
// plain line model leaves to the emulator (controls, combining, zero-width).

namespace recssh::search {

int cell_width(char32_t c);

} // namespace recssh::search
