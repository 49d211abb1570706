// SPDX-License-Identifier: MIT
#pragma once
// What the generators (gen_cast, gen_script) build terminal text from: a small
// deterministic PRNG, words with UTF-8 of 1 to 4 bytes, and colour sequences.
#include <cstdint>

namespace bench {

struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
};

inline const char* const k_words[] = {"drwxr-xr-x", "root", "4096", "Nov", "22", "01:55", "etc", "var", "log",
                                      "café", "naïve", "✓", "日本語", "ünïcödé", "-rw-r--r--", "syslog",
                                      "kernel:", "[ OK ]", "Started", "session", "ssh", "λ", "→", "€100"};
inline const char* const k_colours[] = {"\x1b[0m",  "\x1b[1;31m", "\x1b[32m",
                                        "\x1b[1;34m", "\x1b[33m",  "\x1b[38;5;208m"};

} // namespace bench
