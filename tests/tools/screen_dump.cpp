// SPDX-License-Identifier: MIT
// screen_dump COLSxROWS [FILE]: the screen a terminal of that size shows after the
// bytes of FILE (or stdin), in Screen::dump()'s comparable text form. The integration
// tests compare what `recast play` wrote with this, so a seek is checked against the
// same emulator fed the whole output.
#include "play/screen.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: screen_dump COLSxROWS [FILE]\n");
    return 2;
  }
  auto size = recssh::parse_size(argv[1]);
  if (!size) {
    std::fprintf(stderr, "screen_dump: bad size %s\n", argv[1]);
    return 2;
  }
  std::string bytes;
  if (argc > 2) {
    std::ifstream in(argv[2], std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  } else {
    bytes.assign(std::istreambuf_iterator<char>(std::cin), {});
  }
  recssh::play::Screen screen(*size);
  screen.feed(bytes);
  std::fputs(screen.dump().c_str(), stdout);
  return 0;
}
