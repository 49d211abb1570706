// SPDX-License-Identifier: MIT
// Generates a util-linux script(1) session as 2.38 writes it, for benchmarks and
// fidelity tests: OUT.typescript (header line, body, footer) and OUT.timing, plus
// OUT.body (the body alone: what a converter must output) and OUT.total (the timing's
// sum in microseconds). Chunks are like pty reads: mostly short (keystroke echoes,
// prompts), some full 4 KiB reads (bulk output); UTF-8 characters and escape
// sequences are cut at arbitrary chunk boundaries. Deterministic for a seed.
//   gen_script OUT MEGABYTES [SEED] [classic|advanced|io]
// advanced writes O and I records (I from OUT.in, or interleaved in OUT.typescript for io)
// and a SIGWINCH now and then.
#include "bench/text_gen.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

using bench::k_colours;
using bench::Rng;

// The shared words, and two that need JSON escapes.
const char* word(Rng& r) {
  constexpr std::size_t n = sizeof bench::k_words / sizeof *bench::k_words;
  std::uint64_t i = r.below(n + 2);
  return i < n ? bench::k_words[i] : i == n ? "\"q\"" : "a\\b";
}

void text(Rng& r, std::string& out, std::size_t n) {
  while (out.size() < n) {
    int words = 3 + int(r.below(12));
    for (int i = 0; i < words; ++i) {
      if (r.below(5) == 0) out += k_colours[r.below(6)];
      out += word(r);
      out += r.below(9) == 0 ? "\t" : " ";
    }
    out += "\x1b[0m\r\n";
  }
}

FILE* open_or_die(const std::string& p) {
  FILE* f = std::fopen(p.c_str(), "wb");
  if (!f) {
    std::perror(p.c_str());
    std::exit(1);
  }
  return f;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gen_script OUT MEGABYTES [SEED] [classic|advanced|io]\n");
    return 2;
  }
  std::string out = argv[1];
  std::uint64_t target = std::strtoull(argv[2], nullptr, 10) << 20;
  Rng r{argc > 3 ? std::strtoull(argv[3], nullptr, 10) * 2654435761u + 1 : 1};
  std::string mode = argc > 4 ? argv[4] : "classic";
  bool adv = mode != "classic", io = mode == "io";
  FILE* ts = open_or_die(out + ".typescript");
  FILE* tm = open_or_die(out + ".timing");
  FILE* body = open_or_die(out + ".body");
  FILE* in = adv && !io ? open_or_die(out + ".in") : nullptr;
  const std::string header =
      "Script started on 2026-11-22 01:25:13+00:00 [COMMAND=\"bash\" TERM=\"xterm-256color\" TTY=\"/dev/pts/0\" "
      "COLUMNS=\"120\" LINES=\"40\"]\n";
  std::fputs(header.c_str(), ts);
  if (in) std::fputs(header.c_str(), in);
  if (adv) {
    std::fprintf(tm, "H 0.000000 START_TIME 2026-11-22 01:25:13+00:00\nH 0.000000 TERM xterm-256color\n"
                     "H 0.000000 COLUMNS 120\nH 0.000000 LINES 40\nH 0.000000 SHELL /bin/bash\n"
                     "H 0.000000 TIMING_LOG %s.timing\nH 0.000000 OUTPUT_LOG %s.typescript\n",
                 out.c_str(), out.c_str());
    if (in || io) std::fprintf(tm, "H 0.000000 INPUT_LOG %s\n", (out + (io ? ".typescript" : ".in")).c_str());
  }
  std::string buf;
  std::uint64_t written = 0, total_us = 0;
  std::size_t pos = 0;
  while (written < target) {
    if (buf.size() - pos < 8192) {
      buf.erase(0, pos);
      pos = 0;
      text(r, buf, 1 << 16);
    }
    std::size_t n = r.below(10) < 3 ? 4096 : 1 + r.below(160);
    if (written + n > target) n = target - written;
    std::uint64_t us = r.below(10) == 0 ? r.below(2'000'000) : r.below(3000);
    total_us += us;
    if (adv && r.below(200) == 0) {
      std::fprintf(tm, "S %llu.%06llu SIGWINCH ROWS=%d COLS=%d\n", (unsigned long long)(us / 1000000),
                   (unsigned long long)(us % 1000000), 20 + int(r.below(40)), 80 + int(r.below(100)));
      continue;
    }
    if (adv && r.below(4) == 0) {
      std::string key(1, char('a' + r.below(26)));
      std::fprintf(tm, "I %llu.%06llu 1\n", (unsigned long long)(us / 1000000), (unsigned long long)(us % 1000000));
      std::fputs(key.c_str(), io ? ts : in);
      if (io) written += 1;
      continue;
    }
    std::fprintf(tm, adv ? "O %llu.%06llu %zu\n" : "%llu.%06llu %zu\n", (unsigned long long)(us / 1000000),
                 (unsigned long long)(us % 1000000), n);
    std::fwrite(buf.data() + pos, 1, n, ts);
    std::fwrite(buf.data() + pos, 1, n, body);
    pos += n;
    written += n;
  }
  const char* footer = "\nScript done on 2026-11-22 02:25:13+00:00 [COMMAND_EXIT_CODE=\"0\"]\n";
  std::fputs(footer, ts);
  if (in) std::fputs(footer, in);
  if (adv) std::fprintf(tm, "H 0.000000 DURATION %llu.%06llu\nH 0.000000 EXIT_CODE 0\n",
                        (unsigned long long)(total_us / 1000000), (unsigned long long)(total_us % 1000000));
  std::fclose(ts);
  std::fclose(tm);
  std::fclose(body);
  if (in) std::fclose(in);
  FILE* t = open_or_die(out + ".total");
  std::fprintf(t, "%llu\n", (unsigned long long)total_us);
  std::fclose(t);
  return 0;
}
