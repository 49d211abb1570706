// SPDX-License-Identifier: MIT
#pragma once
// --safe: output of an untrusted recording with what it could use against the viewer
// taken out, across event boundaries. Dropped: every OSC but hyperlinks to non-file
// URLs (52 clipboard, 0/1/2 title and icon, palette and colour changes and their
// queries), DCS/SOS/PM/APC strings (DECRQSS, tmux passthrough, sixel), requests the
// terminal would answer into the viewer's input (DA `CSI c`, DSR `CSI n`, DECRQM
// `CSI $p`), window manipulation (`CSI t`), bracketed paste switching and its
// markers (`CSI ?2004h`, `CSI 200~`/`201~`), and the 8-bit C1 forms of all of these.
// Colours, cursor movement and everything else a screen is drawn with pass unchanged.
#include <cstdint>
#include <string>
#include <string_view>

namespace recssh::play {

class SafeFilter {
public:
  // Appends what may be shown of `in` to `out`. A sequence split across calls is held
  // back until it is complete.
  void filter(std::string_view in, std::string& out);
  std::uint64_t dropped() const { return m_dropped; }

private:
  enum class State { text, esc, csi, osc, string, string_esc, c2 };
  void finish_csi(std::string& out);
  void finish_osc(std::string& out);
  State m_state = State::text;
  std::string m_seq; // the sequence being read, from its introducer
  bool m_overlong = false;
  std::uint64_t m_dropped = 0;
};

} // namespace recssh::play
