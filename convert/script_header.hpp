// SPDX-License-Identifier: MIT
#pragma once
// The first and last lines util-linux script(1) writes into its data logs
// ("Script started on ...", "Script done on ..."), in every version's layout and the
// translations we know. They are parsed when they can be and treated as opaque
// otherwise: a converter only needs them to know where the session's bytes begin.
#include "core/event.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace recssh::convert {

struct ScriptHeader {
  std::optional<std::int64_t> timestamp; // ISO forms only (2.30+); %c/ctime are ambiguous
  std::optional<TermSize> size;          // COLUMNS/LINES (2.33+)
  std::optional<std::string> term, tty, command;
};

// "Script started on ..." in English or a known translation (BSD's too).
bool is_script_start_line(std::string_view line);
// "Script done on ..." likewise (without the LF that precedes it).
bool is_script_done_line(std::string_view line);
ScriptHeader parse_script_start(std::string_view line);
// COMMAND_EXIT_CODE="N" (2.33+) or BSD's "Command exit status: N".
std::optional<int> parse_script_exit(std::string_view line);
// "YYYY-MM-DD HH:MM:SS" with "+HH:MM", "+HHMM" or "Z" (local time with its offset)
// found anywhere in `text`, as Unix seconds.
std::optional<std::int64_t> find_iso_time(std::string_view text);

} // namespace recssh::convert
