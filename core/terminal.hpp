// SPDX-License-Identifier: MIT
#pragma once
// The user's terminal: its size, and raw mode held by a guard that puts the saved
// settings back on every way out (return, exception, forwarded signal).
#include "core/event.hpp"

#include <optional>
#include <termios.h>

namespace recssh {

// The window size of the terminal on fd, or nullopt if fd is not a terminal.
std::optional<TermSize> terminal_size(int fd);
// Sets the window size of a pty (the kernel then sends SIGWINCH to its foreground group).
void set_terminal_size(int fd, TermSize size);

// Puts a terminal into raw mode (cfmakeraw) for the guard's lifetime. Does nothing when
// fd is not a terminal. The saved settings are restored with TCSAFLUSH-free TCSADRAIN so
// no typed-ahead input is thrown away.
class RawModeGuard {
public:
  explicit RawModeGuard(int fd);
  ~RawModeGuard();
  RawModeGuard(const RawModeGuard&) = delete;
  RawModeGuard& operator=(const RawModeGuard&) = delete;
  bool active() const { return m_active; }
  // The settings the terminal had before (for the child's pty), if it is a terminal.
  const termios* saved() const { return m_active ? &m_saved : nullptr; }
  void restore();

private:
  int m_fd;
  bool m_active = false;
  termios m_saved{};
};

} // namespace recssh
