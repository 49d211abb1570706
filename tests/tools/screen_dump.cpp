// SPDX-License-Identifier: MIT
// The screen a terminal shows, in Screen::dump()'s comparable text form, after
//   screen_dump [--reference] COLSxROWS [FILE]   the bytes of FILE (or stdin), on a terminal of that size
//   screen_dump [--reference] --cast FILE TIME   a recording's output and resizes up to TIME (as --at)
// The first line is the size. The integration tests compare what `recast play` wrote
// (first form, at the size the second form gives) with the second form: the same
// emulator fed the recording itself. --reference emulates with libvterm's own screen
// layer instead of the player's (Screen::Emulation::reference), to compare the two.
#include "core/format.hpp"
#include "play/screen.hpp"
#include "play/time_spec.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

namespace {
int usage() {
  std::fprintf(stderr, "usage: screen_dump [--reference] COLSxROWS [FILE] | screen_dump [--reference] --cast FILE TIME\n");
  return 2;
}


void print(const recssh::play::Screen& screen) {
  std::printf("size %s\n%s", recssh::format_size(screen.size()).c_str(), screen.dump().c_str());
}

int dump_cast(const std::string& path, const std::string& when, recssh::play::Screen::Emulation emulation) {
  using namespace recssh;
  auto spec = play::parse_time_spec(when);
  if (!spec) return usage();
  Micros duration{0};
  Event e;
  if (spec->needs_duration()) {
    auto r = open_reader(path, "", ReadOptions{});
    while (r->next(e)) duration = e.time;
  }
  Micros until = spec->resolve(duration);
  auto r = open_reader(path, "", ReadOptions{});
  play::Screen screen(r->header().size, emulation);
  while (r->next(e) && e.time <= until) {
    if (e.is(code::output)) screen.feed(e.data);
    else if (e.is(code::resize))
      if (auto s = parse_size(e.data)) screen.resize(*s);
  }
  print(screen);
  return 0;
}
} // namespace

int main(int argc, char** argv) {
  auto emulation = recssh::play::Screen::Emulation::fast;
  if (argc > 1 && std::string(argv[1]) == "--reference") {
    emulation = recssh::play::Screen::Emulation::reference;
    --argc;
    ++argv;
  }
  if (argc < 2) return usage();
  if (std::string(argv[1]) == "--cast") return argc == 4 ? dump_cast(argv[2], argv[3], emulation) : usage();
  auto size = recssh::parse_size(argv[1]);
  if (!size) return usage();
  std::string bytes;
  if (argc > 2) {
    std::ifstream in(argv[2], std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  } else {
    bytes.assign(std::istreambuf_iterator<char>(std::cin), {});
  }
  recssh::play::Screen screen(*size, emulation);
  screen.feed(bytes);
  print(screen);
  return 0;
}
