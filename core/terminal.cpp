// SPDX-License-Identifier: MIT
#include "core/terminal.hpp"

#include "core/errors.hpp"

#include <cerrno>
#include <cstring>
#include <sys/ioctl.h>
#include <unistd.h>

namespace recssh {

std::optional<TermSize> terminal_size(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0 || ws.ws_row == 0) return std::nullopt;
  return TermSize{ws.ws_col, ws.ws_row};
}

void set_terminal_size(int fd, TermSize size) {
  winsize ws{};
  ws.ws_col = static_cast<unsigned short>(size.cols);
  ws.ws_row = static_cast<unsigned short>(size.rows);
  ::ioctl(fd, TIOCSWINSZ, &ws); // best effort: a pty that is gone needs no size
}

RawModeGuard::RawModeGuard(int fd) : m_fd(fd) {
  if (!::isatty(fd) || ::tcgetattr(fd, &m_saved) != 0) return;
  termios raw = m_saved;
  ::cfmakeraw(&raw);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  if (::tcsetattr(fd, TCSADRAIN, &raw) != 0)
    throw Error(std::string("cannot put the terminal into raw mode: ") + std::strerror(errno));
  m_active = true;
}

RawModeGuard::~RawModeGuard() { restore(); }

void RawModeGuard::restore() {
  if (!m_active) return;
  // Retry on EINTR: a signal arriving now must not leave the terminal raw.
  while (::tcsetattr(m_fd, TCSADRAIN, &m_saved) != 0 && errno == EINTR) {
  }
  m_active = false;
}

} // namespace recssh
