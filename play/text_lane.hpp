// SPDX-License-Identifier: MIT
#pragma once
// Output emulated into the cells directly, around libvterm: most output is runs of
// printable characters and line ends, and libvterm spends most of an emulation
// decoding them one by one and calling back for each. The lane does text (exactly as
// libvterm's putglyph would), CR, LF (scrolling at the bottom of the screen), BS, TAB
// and erase-in-line in the CellGrid itself; SGRs go to libvterm on the way (the pen is
// libvterm's, the grid follows it). Anything else ends the lane's turn: libvterm is
// told where the cursor is (CUP) and given the last character the lane drew, written
// again in its place with the cells kept as they are, so that what a later combining
// mark joins and what REP repeats is its own; then it takes the bytes from there.
//
// The lane acts only where that is certain to be what libvterm would do: in its
// parser's ground state; not within two columns of the right edge (libvterm wraps
// there, or holds a pending wrap) nor at a character libvterm may join to the one
// before (one cell_width does not give 1 or 2); and only while none of what changes
// how text and line ends are drawn is in force: a G0 or GL character set other than
// UTF-8 or ASCII, a single shift, insert mode, origin mode, character protection
// (DECSCA), double-width lines, and for LF and TAB: LNM, a scrolling region, left/right
// margin mode, tab stops other than the reset's. Those are followed as libvterm's
// parser reads the bytes; where following one exactly would take more than its bytes
// (DECSCA, a double-width line) the lane stays off for good: it is only ever slower,
// never different. Where libvterm's text may be cut matters too (see cuts_alike).
// The unit tests compare the cells with libvterm's own screen on random output.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vterm.h>

namespace recssh::play {

class CellGrid;

class TextLane {
public:
  TextLane(VTerm* vt, VTermState* state, CellGrid& grid) : m_vt(vt), m_state(state), m_grid(grid) {}
  // Gives libvterm `bytes` (whole UTF-8 characters where a write ends: the guard's
  // output), drawing what it can itself.
  void write(std::string_view bytes);
  // The state libvterm's parser keeps that a paint does not reproduce, as far as the
  // lane follows it (the character sets and which is in GL, a single shift, whether
  // a sequence is under way), for comparing two emulations; nullopt where what it
  // follows cannot tell (DECSCA or a double-width line seen).
  std::optional<std::string> unpainted() const;
  // What designates the character sets as they are and puts the one in GL there
  // (nothing when they are as reset): for a paint, which cells alone do not carry.
  std::string charsets() const;
  // What sets the tab stops as they are (all cleared, then one HTS per stop, every 8
  // columns when as reset) and puts the cursor back at `cursor`: for a paint.
  std::string tab_stops(VTermPos cursor) const;
  // The tab stops are not the reset's; an HTS or a TBC was ever seen.
  bool tabs_set() const { return !m_tabs.empty(); }
  bool tabs_touched() const { return m_tabs_touched; }
  // After libvterm's screen took `cols` columns: it keeps the stops of the columns
  // that stay and gives new ones the reset's.
  void resized(int cols);

private:
  struct Anchor {
    bool valid = false;
    int row = 0, col = 0, width = 0;
    char32_t cp = 0;
  };
  std::size_t run(std::string_view s, std::size_t from);
  void settle(int row, int col, const Anchor& last);
  bool cuts_alike(std::string_view s, std::size_t k);
  void step(unsigned char c);
  void feed(std::string_view bytes);
  void apply_tab_op();
  bool open() const {
    return m_gl == 0 && m_g0 != G0::other && !m_single_shift && !m_insert && !m_origin && !m_sticky_off;
  }

  VTerm* m_vt;
  VTermState* m_state;
  CellGrid& m_grid;
  // libvterm's parser (parser.c), as far as the lane needs it.
  enum class P { ground, esc, csi_leader, csi_args, csi_intermed, string, esc_in_string } m_ps = P::ground;
  char m_intermed = 0;   // the first intermediate byte of an escape or CSI
  int m_intermeds = 0;   // how many
  char m_leader = 0;     // of a CSI
  int m_arg = 0;         // the CSI argument under way
  int m_arg0 = -1;       // its first one (-1: not given or not yet read)
  int m_args = 0;        // how many were read
  // An argument of the CSI was 4, 6, 20, 69; any was given.
  bool m_arg_4 = false, m_arg_6 = false, m_arg_20 = false, m_arg_69 = false, m_any_arg = false;
  // State that changes how libvterm draws text.
  int m_gl = 0;               // the set in GL (SO, SI, LS2, LS3)
  enum class G0 { utf8, ascii, other } m_g0 = G0::utf8; // UTF-8: the reset's
  char m_g0_final = 0;        // the final byte G0 was designated with (0: reset)
  char m_g123[3] = {};        // those of G1, G2, G3 (0: reset)
  char m_g123_with[3] = {};   // and the intermediate byte that did it (94 or 96 characters)
  std::size_t m_not_before = 0; // (cuts_alike: a run where the lane does not cut)
  bool m_single_shift = false; // SS2 or SS3 waits for a character
  bool m_insert = false;      // IRM
  bool m_origin = false;      // DECOM
  // What a line feed or a tab the lane makes itself needs: no LNM, no scrolling region
  // or left/right margin mode, the tab stops as reset left them (every 8 columns).
  bool m_newline = false, m_region = false, m_lr_margins = false;
  // The tab stops, one byte per column ('1' a stop), kept only while they differ
  // from the reset's (empty: every 8 columns). HTS and TBC act at libvterm's cursor,
  // which the lane asks for once libvterm has the bytes up to them (m_tab_op).
  std::string m_tabs;
  enum class TabOp : char { none, set, clear, clear_all } m_tab_op = TabOp::none;
  bool m_tabs_touched = false;
  bool m_sticky_off = false;  // DECSCA or a double-width line was seen
};

} // namespace recssh::play
