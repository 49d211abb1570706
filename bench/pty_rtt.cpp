// SPDX-License-Identifier: MIT
// Keystroke round trip through a pty: a byte written to the master comes back from
// `cat` (raw mode, so every byte is echoed at once), N times; the median and the 99th
// percentile, for a bare `cat` and for `cat` under `recast rec`.
//   pty_rtt N RECAST
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <poll.h>
#include <pty.h>
#include <string>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <vector>

namespace {

struct Result {
  double median_us, p99_us;
};

bool read_byte(int fd, char& c) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, 5000) != 1) return false;
  return read(fd, &c, 1) == 1;
}

Result measure(const std::vector<std::string>& argv, int n) {
  int master = -1;
  termios raw{};
  cfmakeraw(&raw);
  winsize ws{24, 80, 0, 0};
  pid_t pid = forkpty(&master, nullptr, &raw, &ws);
  if (pid < 0) { perror("forkpty"); std::exit(1); }
  if (pid == 0) {
    std::vector<char*> a;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    execvp(a[0], a.data());
    _exit(127);
  }
  // Wait until the chain is up: a byte comes back.
  char c;
  for (int tries = 0;; ++tries) {
    if (write(master, "s", 1) != 1) std::exit(1);
    if (read_byte(master, c)) break;
    if (tries > 10) { std::fprintf(stderr, "no echo from %s\n", argv[0].c_str()); std::exit(1); }
  }
  usleep(200000);
  tcflush(master, TCIFLUSH);
  while (true) { // drain
    pollfd p{master, POLLIN, 0};
    if (poll(&p, 1, 50) != 1) break;
    if (read(master, &c, 1) != 1) break;
  }
  std::vector<double> us;
  for (int i = 0; i < n; ++i) {
    char out = static_cast<char>('a' + i % 26);
    auto t0 = std::chrono::steady_clock::now();
    if (write(master, &out, 1) != 1) break;
    if (!read_byte(master, c)) break;
    auto t1 = std::chrono::steady_clock::now();
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  if (write(master, "\x04", 1) < 0) {}
  close(master);
  kill(pid, SIGHUP);
  waitpid(pid, nullptr, 0);
  std::sort(us.begin(), us.end());
  if (us.empty()) return {0, 0};
  return {us[us.size() / 2], us[us.size() * 99 / 100]};
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 3) { std::fprintf(stderr, "usage: pty_rtt N RECAST\n"); return 2; }
  int n = std::atoi(argv[1]);
  std::string recast = argv[2];
  Result bare = measure({"sh", "-c", "stty raw -echo; exec cat"}, n);
  Result rec = measure({recast, "rec", "-q", "--overwrite", "-c", "stty raw -echo; exec cat", "/dev/null"}, n);
  std::printf("keystroke round trip, %d keys: bare pty median %.1f us (p99 %.1f); under recast rec median %.1f us "
              "(p99 %.1f); added by the recorder: %.1f us median (target <= 200 us)\n",
              n, bare.median_us, bare.p99_us, rec.median_us, rec.p99_us, rec.median_us - bare.median_us);
  return 0;
}
