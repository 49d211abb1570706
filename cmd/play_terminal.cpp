// SPDX-License-Identifier: MIT
#include "cmd/play_terminal.hpp"

#include "core/printable.hpp"
#include "play/screen.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace recssh::cli {

PlayTerminal::PlayTerminal(bool interactive) : m_out(1, "<stdout>") {
  if (!interactive) return;
  int fd = ::open("/dev/tty", O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd >= 0) m_keys = Fd(fd);
  m_signals =
      std::make_unique<SignalFd>(std::initializer_list<int>{SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGQUIT, SIGWINCH});
  enter();
}

PlayTerminal::~PlayTerminal() {
  try {
    if (m_signals) leave();
  } catch (...) {
    // Writing the reset failed (the terminal is gone): nothing left to restore.
  }
}

void PlayTerminal::enter() {
  if (m_keys.valid()) m_raw = std::make_unique<RawModeGuard>(m_keys.get());
}

void PlayTerminal::leave() {
  const std::optional<TermSize> size = m_tabs_touched ? terminal_size(1) : std::nullopt;
  const std::string reset = play::terminal_cleanup(size ? size->cols : 0);
  m_out.write(reset.data(), reset.size());
  m_out.flush();
  m_raw.reset();
}

Micros PlayTerminal::now() {
  return std::chrono::duration_cast<Micros>(std::chrono::steady_clock::now().time_since_epoch());
}

play::Key PlayTerminal::wait(std::optional<Micros> deadline) {
  for (;;) {
    if (!m_pending.empty()) {
      play::Key k = m_pending.front();
      m_pending.pop_front();
      return k;
    }
    int timeout = -1;
    if (deadline) {
      Micros left = *deadline - now();
      if (left < Micros(0)) left = Micros(0);
      timeout = int((left.count() + 999) / 1000);
    }
    pollfd fds[2] = {{m_keys.get(), POLLIN, 0}, {m_signals ? m_signals->fd() : -1, POLLIN, 0}};
    int r = ::poll(fds, 2, timeout);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw_errno("poll");
    if (r == 0) return play::Key::none;
    if (fds[1].revents & POLLIN) {
      while (auto s = m_signals->read()) {
        if (s->signo == SIGTSTP) {
          m_pending.push_back(play::Key::suspend);
        } else if (s->signo == SIGWINCH) {
          // (several in a row while a window is dragged: one repaint)
          if (m_pending.empty() || m_pending.back() != play::Key::resized) m_pending.push_back(play::Key::resized);
        } else {
          m_pending.push_back(play::Key::quit);
          if (!m_quit_signal) m_quit_signal = s->signo;
        }
      }
      continue;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[256];
      ssize_t n = ::read(m_keys.get(), buf, sizeof buf);
      if (n <= 0) {
        m_keys.close(); // the terminal went away: no more keys, play on
        continue;
      }
      std::vector<play::Key> keys;
      m_decoder.feed(std::string_view(buf, std::size_t(n)), keys);
      m_pending.insert(m_pending.end(), keys.begin(), keys.end());
      if (m_pending.empty() && deadline && now() >= *deadline) return play::Key::none;
    }
  }
}

void PlayTerminal::notice(const std::string& message) {
  m_out.flush();
  std::fprintf(stderr, "%s: %s%s", program_name().c_str(), printable(message).c_str(), m_raw ? "\r\n" : "\n");
}

void PlayTerminal::suspend() {
  // The shell gets its terminal back as it was; then we stop as ^Z would have.
  leave();
  ::kill(0, SIGSTOP);
  enter();
}

} // namespace recssh::cli
