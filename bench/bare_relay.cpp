// SPDX-License-Identifier: MIT
// The cheapest relay that can stand where recssh stands in a local forward: it accepts
// on a loopback TCP port, connects to ssh's private Unix socket and moves the bytes
// both ways with splice(2), so they never enter user space, and records nothing.
// bench/forward.sh runs it next to plain ssh and recssh: what it costs is what any
// design that puts a process in the forwarding path costs on this machine, before
// recording a byte.
//   bare_relay PORT UNIX_SOCKET   (one connection at a time, until killed)
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

namespace {

class Fd {
public:
  explicit Fd(int fd = -1) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  Fd(Fd&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd& operator=(Fd&&) = delete;
  [[nodiscard]] int get() const { return m_fd; }

private:
  int m_fd;
};

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "bare_relay: error: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

// One direction, until its end-of-file (then the FIN is passed on) or an error.
void pump(int from, int to) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) die("pipe2");
  const Fd in(p[0]), out(p[1]);
  constexpr std::size_t chunk = 1 << 20;
  ::fcntl(out.get(), F_SETPIPE_SZ, static_cast<int>(chunk)); // (a smaller pipe only means more calls)
  for (;;) {
    ssize_t n = ::splice(from, nullptr, out.get(), nullptr, chunk, SPLICE_F_MOVE);
    if (n <= 0) break;
    while (n > 0) {
      const ssize_t w = ::splice(in.get(), nullptr, to, nullptr, static_cast<std::size_t>(n), SPLICE_F_MOVE);
      if (w <= 0) return;
      n -= w;
    }
  }
  ::shutdown(to, SHUT_WR);
}

Fd connect_unix(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    errno = ENAMETOOLONG;
    die(path.c_str());
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  // ssh makes its socket once it has logged in: wait for it, up to a minute.
  for (int tries = 0; tries < 1200; ++tries) {
    Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return fd;
    ::usleep(50'000);
  }
  die(path.c_str());
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bare_relay PORT UNIX_SOCKET\n");
    return 2;
  }
  const Fd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const int one = 1;
  ::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[1])));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener.get(), 16) != 0)
    die(argv[1]);
  for (;;) {
    const Fd client(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (client.get() < 0) die("accept");
    const Fd ssh = connect_unix(argv[2]);
    std::thread up(pump, client.get(), ssh.get());
    pump(ssh.get(), client.get());
    up.join();
  }
}
