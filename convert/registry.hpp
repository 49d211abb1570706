// SPDX-License-Identifier: MIT
#pragma once
// Adds the legacy formats of convert/ to the one format registry (after the asciicast
// formats, so probing tries those first). Programs call it once at start.
namespace recssh::convert {

void register_formats();

} // namespace recssh::convert
