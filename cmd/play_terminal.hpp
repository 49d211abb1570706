// SPDX-License-Identifier: MIT
#pragma once
// The player's world when it runs for a person: stdout, keys from the controlling
// terminal in raw mode, SIGINT/SIGTERM/SIGHUP as quit, SIGTSTP as suspend and
// SIGWINCH as a repaint (through a signalfd), and a terminal put back as it was on
// every way out.
#include "core/byte_stream.hpp"
#include "core/fd.hpp"
#include "core/signals.hpp"
#include "core/terminal.hpp"
#include "play/keys.hpp"
#include "play/player.hpp"

#include <deque>
#include <memory>

namespace recssh::cli {

class PlayTerminal final : public play::PlayerIo {
public:
  // interactive: keys and terminal modes (stdout is a terminal); else only output.
  explicit PlayTerminal(bool interactive);
  ~PlayTerminal() override;
  bool has_keys() const { return m_keys.valid(); }
  // The signal that ended playing (SIGTERM, SIGHUP, SIGINT from kill), or 0.
  int quit_signal() const { return m_quit_signal; }

  Micros now() override;
  play::Key wait(std::optional<Micros> deadline) override;
  void write(std::string_view bytes) override { m_out.write(bytes.data(), bytes.size()); }
  void flush() override { m_out.flush(); }
  void notice(const std::string& message) override;
  void suspend() override;
  std::optional<TermSize> viewer_size() override { return terminal_size(1); }
  void tab_stops_touched() override { m_tabs_touched = true; }

private:
  void enter();
  void leave();
  FdSink m_out;
  Fd m_keys; // /dev/tty, so that keys work while the recording comes from stdin
  std::unique_ptr<SignalFd> m_signals;
  std::unique_ptr<RawModeGuard> m_raw;
  play::KeyDecoder m_decoder;
  std::deque<play::Key> m_pending;
  int m_quit_signal = 0;
  bool m_tabs_touched = false; // put them back every 8 columns on leaving
};

} // namespace recssh::cli
