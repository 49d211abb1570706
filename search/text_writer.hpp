// SPDX-License-Identifier: MIT
#pragma once
// `recast convert --to text`: the transcript as the screen showed it, one line per
// line of the screen, in the order the lines became complete (screen_lines.hpp):
// what grep searches, for people who do not use terminals. A writer in the format
// registry, so `convert -r` writes it in batch too.
namespace recssh {
class FormatRegistry;
}

namespace recssh::search {

// Adds the "text" writer to `registry` (cmd/ calls it at start, after convert's).
void register_text_writer(FormatRegistry& registry);

} // namespace recssh::search
