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

// `--timestamps`, `--wall`: each line prefixed with when it became complete on the
// screen (the time grep prints for it), since the start or on the wall clock.
struct TextOptions {
  bool timestamps = false;
  bool wall = false;
};

// Adds the "text" writer to `registry` (cmd/ calls it at start, after convert's).
void register_text_writer(FormatRegistry& registry);

} // namespace recssh::search
