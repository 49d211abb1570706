// SPDX-License-Identifier: MIT
#pragma once
// How many cells the emulated terminal gives a character: 1 or 2, or 0 for those
// only the emulator itself may draw (controls, combining, zero-width). Never 1 or 2
// for a character libvterm joins to the one before (its text lane and grep's plain
// line model rely on that). And the character-level UTF-8 they and the screen share.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace recssh::play {

int cell_width(char32_t c);

// Where the printable ASCII (0x20..0x7E) from `text[at]` ends: eight bytes at a time
// (SWAR: none below 0x20, none above 0x7E), the bulk of terminal output being such
// runs. Inline: the runs are often a few words long, between colours.
inline std::size_t ascii_run_end(std::string_view text, std::size_t at) {
  constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  while (at + 8 <= text.size()) {
    std::uint64_t x;
    std::memcpy(&x, text.data() + at, 8);
    const std::uint64_t below = (x - ones * 0x20) & ~x & highs, above = ((x + ones) | x) & highs;
    if (const std::uint64_t stop = below | above) {
      // The first byte flagged is exact (a borrow or carry only flags bytes after it):
      // it is where the run ends.
      if constexpr (std::endian::native == std::endian::little) return at + std::size_t(std::countr_zero(stop) / 8);
      else return at + std::size_t(std::countl_zero(stop) / 8);
    }
    at += 8;
  }
  while (at < text.size() && static_cast<unsigned char>(text[at]) >= 0x20 && static_cast<unsigned char>(text[at]) < 0x7f)
    ++at;
  return at;
}

// A whole, shortest-form UTF-8 character of U+0080 and up at `text[at]`: its length,
// with the code point in `cp`; 0 if there is none (ASCII, a broken or cut sequence).
std::size_t decode_utf8(std::string_view text, std::size_t at, char32_t& cp);
void append_utf8(std::string& out, char32_t c);

// Whether the text at `text[at]` starts with a character libvterm never joins to the
// one before (printable ASCII, or a whole UTF-8 character cell_width gives 1 or 2):
// libvterm's text may be cut into writes there. Elsewhere a cut between a character
// and a combining mark makes libvterm join them differently (a mark that comes in a
// later write joins as a width-0 mark even when it is a wide one).
bool starts_apart(std::string_view text, std::size_t at);

} // namespace recssh::play
