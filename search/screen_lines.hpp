// SPDX-License-Identifier: MIT
#pragma once
// The lines a viewer saw, in the order they became complete on screen: a row is
// complete when the cursor leaves it (a newline, a wrap, a cursor move), when its
// content scrolls, and when the screen it is on is about to be cleared or left; a
// row only ever overwritten in place (a progress bar's 10%) never is. Blank rows
// are not lines.
//
// Two ways to get there, with the same results: a plain line model for output that
// only writes text, CR, LF, BS, TAB, colours and erase-line (nearly all of a shell
// session), and the emulated screen (play::Screen, libvterm) for everything else.
// The plain model hands over to the emulator, with what the screen shows, at the
// first byte it cannot show itself; from there the emulator follows the stream.
#include "core/event.hpp"

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace recssh::search {

using Emit = std::function<void(std::string_view text)>;

// The plain line model: the cursor's row as cells, the rows above it as text (what
// the emulator needs at a hand-over), libvterm's rules for wrapping and tabs. With
// `pipe` (output that never went to a terminal: exec sessions), a line has no width,
// LF also returns the carriage, and escape sequences are dropped.
class PlainLines {
public:
  PlainLines(TermSize size, bool pipe);
  static constexpr std::size_t all = std::string_view::npos;
  // Emits the lines completed by `bytes`. Returns `all`, or the offset of the first
  // byte this model cannot show (never with `pipe`): the rest goes to the emulator,
  // after pending().
  std::size_t feed(std::string_view bytes, const Emit& emit);
  void finish(const Emit& emit);

  // What the emulator starts from: the bytes of a sequence or character begun, and
  // the escape sequences that draw the screen as this model has it (rows, cursor,
  // pending wrap) on a fresh one.
  const std::string& pending() const { return m_seq; }
  std::string paint() const;
  int cursor_row() const { return int(m_above.size()); }
  bool dirty() const { return m_dirty; } // changed since the cursor came to the row

  static constexpr char32_t k_right_half = char32_t(-1); // of a wide character

private:
  // false (nothing done): it would split a wide character, which is the emulator's.
  bool put(char32_t c, int width, const Emit& emit);
  bool erase_line(int mode);
  bool splits_wide(int first, int last) const;
  void linefeed(const Emit& emit);
  std::size_t fail(std::size_t at);
  int m_cols, m_rows;
  bool m_pipe;
  std::u32string m_row; // cells; 0: never written
  int m_col = 0;
  bool m_phantom = false, m_dirty = false;
  bool m_wide = false; // the row holds a wide character
  int m_last = -1;      // the column of the last character written on this row
  std::deque<std::u32string> m_above; // the rows above the cursor's, as cells
  enum class St { text, esc, csi, osc, osc_esc, utf8 } m_st = St::text;
  std::string m_seq;    // bytes of the sequence or character under way
  std::string m_params; // of a CSI
  bool m_private = false;
  char32_t m_cp = 0;
  int m_need = 0;
  std::string m_text; // scratch
};

class EmulatedLines;

// One output stream's lines, with times: the plain model until the stream needs the
// emulator (Model::automatic), the emulator from the start (Model::emulator, for
// comparing the two), or the pipe model (exec sessions' stdout and stderr).
class ScreenLines {
public:
  enum class Model { automatic, emulator, pipe };
  using Sink = std::function<void(Micros time, std::string_view text)>;
  ScreenLines(TermSize size, Model model, Sink sink);
  ~ScreenLines();
  ScreenLines(const ScreenLines&) = delete;
  ScreenLines& operator=(const ScreenLines&) = delete;
  void feed(Micros time, std::string_view bytes);
  void resize(Micros time, TermSize size);
  void finish(Micros time);
  bool emulating() const { return m_emu != nullptr; }

private:
  void hand_over();
  TermSize m_size;
  Model m_model;
  Sink m_sink;
  Micros m_time{0};
  Emit m_emit;
  PlainLines m_plain;
  std::unique_ptr<EmulatedLines> m_emu;
};

} // namespace recssh::search
