// SPDX-License-Identifier: MIT
#pragma once
// Text that came from a recording or a user (a title, a command, an audit `comm`, a
// file name, a bad line quoted in an error) and is about to be shown on someone's
// terminal. A terminal acts on control characters: a title of "\e]52;c;...\a" writes
// the viewer's clipboard, "\e[2J" wipes what the message said, a bidi override
// reorders it. So everything recast prints *about* a recording goes through
// printable(); only the output stream of `cat` and `play` is written as recorded.
#include <string>
#include <string_view>

namespace recssh {

// `s` with C0 controls, DEL, C1 controls (U+0080..U+009F, which 8-bit terminals read
// as CSI, OSC, ...) and bidi/invisible formatting characters escaped: \e \n \r \t \a
// \b by name, other bytes as \xNN, characters as \u{NNNN}; invalid UTF-8 bytes as
// \xNN. Printable text, valid UTF-8 included, comes back unchanged.
std::string printable(std::string_view s);

// JSON text (valid UTF-8, as core/json writes it) with the same characters written as
// \uNNNN escapes, so that `--json` output is just as safe on a terminal and still
// parses to the same values. Outside strings such characters cannot occur.
std::string terminal_safe_json(std::string_view json);

} // namespace recssh
