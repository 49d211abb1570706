// SPDX-License-Identifier: MIT
#pragma once
// What libvterm 0.1.4 must not be given, taken out on the way in (a recording is
// written by whoever was recorded, and play and grep emulate it). Each was found by
// fuzz/fuzz_screen against a libvterm built with AddressSanitizer:
// - CSI arguments past the 16th: its parser stores them in a fixed array of 16
//   without checking the index (`ESC [ ;;;;...`, or an SGR with many colours, which
//   real prompts write), overwriting its own state and then the heap. They are
//   dropped, as xterm ignores those past its own limit; so are the digits of an
//   argument past the 9th (libvterm accumulates them in a long without a check).
// - REP (`CSI n b`, repeat the last character) after a character of width 0 or -1,
//   or none: libvterm advances by that width until it passes the count, so it never
//   ends (or writes left of the screen); after a wide one that ends a column short of
//   the edge, it writes the right half past the row. REP is kept right after a
//   character known to be one column wide (ncurses writes it just so: spaces, lines);
//   otherwise it is cancelled.
// - C1 controls written as UTF-8 text (U+0080..U+009F): libvterm gives them width -1.
//   Both bytes are dropped.
// - A UTF-8 sequence left unfinished where a text run ends (at a control, an escape,
//   or the end of a write): libvterm keeps it pending, and the next run's first byte
//   then yields two characters from one, one more than the stack array it decodes
//   into holds. An unfinished sequence cut by a control or escape is dropped; one
//   cut by the end of what was passed waits for the next pass.
// - A combining mark libvterm also counts as wide (U+302A..U+302F, U+3099..U+309A)
//   in the run of text after its character: it adds two columns to that glyph, and
//   enough of them make a glyph wider than the screen, written past the row. A NUL
//   (which libvterm skips) goes before each: a mark that starts a run joins the
//   character before it with no width, as terminals draw it.
// - A restored cursor (DECRC, and DECSET/DECRST, which 1048 and 1049 restore with)
//   is not brought inside the screen: one saved before a resize to fewer rows points
//   past the last row. A DA2 request follows each (its answer is dropped): libvterm
//   bounds the cursor after every CSI it handles, and DA2 changes nothing else.
// The guard follows the parser's states exactly as 0.1.4 moves between them (C0
// controls run inside a sequence without ending it, ESC and CAN/SUB end it, OSC and
// DCS strings end at BEL or ST), and the UTF-8 decoder's.
#include <cstddef>
#include <string>
#include <string_view>

namespace recssh::play {

class VtermGuard {
public:
  static constexpr int k_max_args = 16; // libvterm 0.1.4's CSI_ARGS_MAX
  // Appends to `out` what to give libvterm for `in` (the stream continues across
  // calls). Writing `out` in pieces is safe where a piece does not end inside a UTF-8
  // sequence (see split_point).
  void pass(std::string_view in, std::string& out);
  // Where to end a piece of at most `max` bytes of `out` from `from`: not inside a
  // UTF-8 sequence.
  static std::size_t split_point(std::string_view out, std::size_t from, std::size_t max);
  // What it holds between passes, for comparing two emulations: its state, an
  // unfinished UTF-8 sequence, and what a REP would repeat.
  std::string state() const;

private:
  enum class State { normal, esc, csi_args, csi_intermed, string, esc_in_string };
  void end_text_run(std::string& out);
  void keep_tail(const char* p, std::size_t n);
  std::size_t plain_csi(std::string_view in, std::size_t i) const;

  State m_state = State::normal;
  bool m_leader = false;       // in a CSI, before its first argument byte
  bool m_csi_plain = true;     // no leader or intermediate bytes: a REP if it ends in 'b'
  bool m_csi_private = false;  // a '?' leader: DECSET or DECRST if it ends in 'h' or 'l'
  bool m_esc_intermed = false; // an escape with an intermediate byte (not DECRC)
  int m_separators = 0;        // of the CSI under way
  int m_digits = 0;            // of its argument under way
  bool m_rep_ok = false;       // the text just before this sequence ends in a safe character
  // The UTF-8 decoder: continuation bytes still due, and the unfinished sequence's
  // bytes (held back at the end of a pass, else where it starts in `out`).
  int m_need = 0;
  std::string m_held;
  std::size_t m_lead = 0;
  // The last bytes (up to 4) of the text run under way, and where it starts in `out`.
  char m_tail[4] = {};
  std::size_t m_tail_len = 0;
  std::size_t m_run = 0;
};

} // namespace recssh::play
