// SPDX-License-Identifier: MIT
// Generates a large, realistic asciicast v2 recording for benchmarks and tests:
// keystroke echoes, coloured prompts, UTF-8 text, long command outputs, occasional
// input, resize and marker events. Deterministic for a given seed.
//   gen_cast OUT MEGABYTES [SEED] [PROFILE]
// PROFILE "mixed" (default): outputs of 1-16 KiB, ~3.7 KB per event on average;
// "small": outputs of 64 B-1 KiB, ~300 B per event, the size asciinema PR #747
// reports for real interactive sessions (70,000 events in 20 MB); "fullscreen": a
// top-like program redrawing the alternate screen with cursor addressing; "log": the
// "mixed" session with plain log lines for its command output (ASCII, no colours),
// as `journalctl` or `tail -f` of a service's log writes them.
#include "core/cast_writer.hpp"
#include "core/io.hpp"

#include "bench/text_gen.hpp"

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <string>

namespace {
class CountingSink final : public recssh::ByteSink {
public:
  explicit CountingSink(recssh::ByteSink& below) : m_below(below) {}
  void write(const char* p, std::size_t n) override {
    bytes += n;
    m_below.write(p, n);
  }
  void flush() override { m_below.flush(); }
  std::uint64_t bytes = 0;

private:
  recssh::ByteSink& m_below;
};

using bench::k_colours;
using bench::k_words;
using bench::Rng;

std::string line(Rng& r) {
  std::string s;
  int words = 3 + int(r.below(12));
  for (int i = 0; i < words; ++i) {
    if (r.below(6) == 0) s += k_colours[r.below(6)];
    s += k_words[r.below(sizeof k_words / sizeof *k_words)];
    s += r.below(5) == 0 ? "\t" : " ";
  }
  s += "\x1b[0m\r\n";
  return s;
}

std::string log_line(Rng& r, std::uint64_t t) {
  static const char* const hosts[] = {"bastion", "db-1", "web-3"};
  static const char* const units[] = {"sshd[812]", "kernel", "systemd[1]", "cron[2204]", "nginx[977]"};
  static const char* const texts[] = {"Accepted publickey for op from 10.0.4.17 port 51234 ssh2: ED25519 SHA256:q3Xb",
                                      "[UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.9 DST=10.0.0.5 LEN=60 PROTO=TCP DPT=23",
                                      "Started session-4711.scope - Session 4711 of User op.",
                                      "(root) CMD (run-parts --report /etc/cron.hourly)",
                                      "10.0.4.17 - - \"GET /api/v1/health HTTP/1.1\" 200 17 \"-\" \"curl/7.88.1\"",
                                      "pam_unix(sshd:session): session closed for user op"};
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "Dec  4 %02u:%02u:%02u ", unsigned(t / 3600000000 % 24),
                unsigned(t / 60000000 % 60), unsigned(t / 1000000 % 60));
  return std::string(stamp) + hosts[r.below(3)] + " " + units[r.below(5)] + ": " + texts[r.below(6)] + "\r\n";
}
} // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gen_cast OUT MEGABYTES [SEED] [mixed|small|fullscreen|log]\n");
    return 2;
  }
  std::uint64_t target = std::strtoull(argv[2], nullptr, 10) << 20;
  Rng rng{argc > 3 ? std::strtoull(argv[3], nullptr, 10) | 1 : 88172645463325252ull};
  const bool small = argc > 4 && std::string(argv[4]) == "small";
  const bool fullscreen = argc > 4 && std::string(argv[4]) == "fullscreen";
  const bool log = argc > 4 && std::string(argv[4]) == "log";
  const std::uint64_t out_min = small ? 64 : 1024, out_span = small ? 960 : 15 * 1024;
  int fd = ::open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    std::perror(argv[1]);
    return 1;
  }
  recssh::FdSink file(fd, argv[1]);
  CountingSink sink(file);
  recssh::CastV2Writer w(sink);
  recssh::Header h;
  h.size = {120, 40};
  h.timestamp = 1795311637;
  h.env = {{"SHELL", "/bin/bash"}, {"TERM", "xterm-256color"}};
  w.begin(h);
  std::uint64_t t = 0;
  std::string data;
  if (fullscreen) {
    // A top-like program on the alternate screen: a frame a second, every row drawn
    // with cursor addressing (what only the emulator can follow), until the size is
    // reached; then the primary screen back and a prompt.
    w.write(recssh::Event{recssh::Micros{0}, "o", "$ top\r\n\x1b[?1049h\x1b[H\x1b[2J"});
    while (sink.bytes < target) {
      t += 1000000;
      data = "\x1b[H\x1b[1mtop - up 12 days, load average: 0.42\x1b[m\x1b[K";
      for (int row = 2; row <= 40; ++row) {
        data += "\x1b[" + std::to_string(row) + ";1H";
        data += std::to_string(1000 + rng.below(9000)) + " " + k_words[rng.below(sizeof k_words / sizeof *k_words)];
        data += " " + std::to_string(rng.below(100)) + ".0 ";
        data += line(rng);
        data.resize(data.size() - 2); // (no CR LF: the next row is addressed)
        data += "\x1b[K";
      }
      w.write(recssh::Event{recssh::Micros{std::int64_t(t)}, "o", data});
    }
    w.write(recssh::Event{recssh::Micros{std::int64_t(t + 1000)}, "o", "\x1b[?1049l$ "});
    w.finish();
    sink.flush();
    return ::close(fd) == 0 ? 0 : 1;
  }
  while (sink.bytes < target) {
    std::uint64_t kind = rng.below(100);
    data.clear();
    const char* code = "o";
    if (kind < 35) { // keystroke echo
      data.assign(1, char('a' + rng.below(26)));
      t += 50000 + rng.below(200000);
    } else if (kind < 40) { // typed input
      code = "i";
      data.assign(1, char('a' + rng.below(26)));
      t += 1000;
    } else if (kind < 65) { // prompt
      data = "\x1b[1;32mop@bastion\x1b[0m:\x1b[1;34m~/logs\x1b[0m$ ";
      t += 1000 + rng.below(5000);
    } else if (kind < 99) { // command output: lines, sized by the profile
      std::uint64_t want = out_min + rng.below(out_span);
      while (data.size() < want) data += log ? log_line(rng, t) : line(rng);
      t += 200 + rng.below(3000);
    } else if (rng.below(2) == 0) {
      code = "r";
      data = std::to_string(80 + rng.below(120)) + "x" + std::to_string(24 + rng.below(40));
    } else {
      code = "m";
      data = "checkpoint";
    }
    w.write(recssh::Event{recssh::Micros{std::int64_t(t)}, code, data});
  }
  w.finish();
  sink.flush();
  return ::close(fd) == 0 ? 0 : 1;
}
