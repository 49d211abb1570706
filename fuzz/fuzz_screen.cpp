// SPDX-License-Identifier: MIT
// libFuzzer target for the terminal emulation that play and grep run on recordings
// anyone can write: libvterm (both layers), play's own cells, the player's paint and
// dump, and grep's plain line model with its hand-over to the emulator. The input is
// terminal output with resizes in it: a 0xFF byte (never in UTF-8) and the two bytes
// after it are a resize to 1 + b1 % 100 rows and 1 + b2 % 250 columns; everything
// else is fed as output, in pieces as the input has them. Nothing may crash or leak;
// without a resize, play's cells (its text lane included) must be the reference's
// (with resizes libvterm 0.1.4's state keeps what its screen layer does not: those
// are compared through the real binary, test_play.sh).
#include "play/screen.hpp"
#include "search/screen_lines.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace recssh;
  const TermSize start{.cols = 80, .rows = 24};
  play::Screen fast(start, play::Screen::Emulation::fast);
  play::Screen reference(start, play::Screen::Emulation::reference);
  std::size_t lines = 0;
  search::ScreenLines grep_lines(start, search::ScreenLines::Model::automatic,
                                 [&](Micros, std::string_view) { ++lines; });
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Micros t{0};
  std::size_t from = 0;
  auto feed = [&](std::size_t to) {
    if (to <= from) return;
    std::string_view piece = in.substr(from, to - from);
    fast.feed(piece);
    reference.feed(piece);
    grep_lines.feed(t, piece);
    t += Micros{1000};
  };
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (static_cast<unsigned char>(in[i]) != 0xFF) continue;
    feed(i);
    if (i + 2 >= in.size()) {
      from = in.size();
      break;
    }
    const TermSize size{.cols = 1 + static_cast<unsigned char>(in[i + 2]) % 250,
                        .rows = 1 + static_cast<unsigned char>(in[i + 1]) % 100};
    fast.resize(size);
    reference.resize(size);
    grep_lines.resize(t, size);
    // What a seek paints and a keyframe keeps, at every resize.
    (void)fast.paint();
    i += 2;
    from = i + 1;
  }
  feed(in.size());
  grep_lines.finish(t);
  (void)fast.paint();
  const std::string fast_dump = fast.dump(), reference_dump = reference.dump();
  if (in.find('\xFF') == std::string_view::npos && fast_dump != reference_dump) {
    std::fprintf(stderr, "fuzz_screen: play's cells differ from libvterm's screen layer\n--- fast\n%s--- reference\n%s",
                 fast_dump.c_str(), reference_dump.c_str());
    std::abort();
  }
  for (int r = 0; r < reference.size().rows; ++r) (void)reference.row_text(r);
  return 0;
}
