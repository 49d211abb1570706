// SPDX-License-Identifier: MIT
#pragma once
// The player's keys, decoded from what a terminal in raw mode sends.
#include <string>
#include <string_view>
#include <vector>

namespace recssh::play {

enum class Key {
  none,
  pause,         // space
  step,          // .
  next_marker,   // ]
  prev_marker,   // [
  forward,       // →: +5 s
  back,          // ←: -5 s
  forward_pct,   // Shift+→ or >: +10%
  back_pct,      // Shift+← or <: -10%
  faster,        // +
  slower,        // -
  quit,          // q, Ctrl-C
  help,          // ?
  status,        // t
  suspend,       // Ctrl-Z
  redraw,        // Ctrl-L
  resized,       // the viewer's terminal changed size (SIGWINCH, not a key)
};

// Bytes in, keys out; an escape sequence split across reads is completed by the next.
class KeyDecoder {
public:
  void feed(std::string_view bytes, std::vector<Key>& out);

private:
  std::string m_pending;
};

// The one-line help (`?`).
std::string_view key_help();

} // namespace recssh::play
