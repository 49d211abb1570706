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
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace recssh::search {

using Emit = std::function<void(std::string_view text)>;

// The plain line model: the cursor's row and the rows above it (what the emulator
// needs at a hand-over) as cells the way libvterm holds them (a wide character's
// right half may outlive its left, written over), libvterm's rules for wrapping,
// tabs and resizes. With
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
  // A resize as the emulator makes it (libvterm 0.1.4: rows cut or added at the
  // right and bottom, no reflow; the top pushed off when the cursor row would fall
  // outside; everything on screen complete first). false, with nothing done: a
  // sequence under way, which the emulator finishes.
  bool resize(TermSize size, const Emit& emit);

  // What the emulator starts from: the bytes of a sequence or character begun, and
  // the escape sequences that draw the screen as this model has it on a fresh one:
  // the rows, on a screen paint_cols() wide, then the cursor (its pending wrap, the
  // last character for a combining mark) once resized to this model's width. A wide
  // character cut in half at the right edge by a resize stays on libvterm's screen
  // as a left half, which only a resize can make: it is painted one column wider.
  const std::string& pending() const { return m_seq; }
  int paint_cols() const;
  std::string paint_rows() const;
  std::string paint_cursor() const;
  int cursor_row() const { return int(m_above.size()); }
  bool dirty() const { return m_dirty; } // changed since the cursor came to the row

  static constexpr char32_t k_right_half = char32_t(-1); // of a wide character

private:
  void put(char32_t c, int width, const Emit& emit);
  void erase_line(int mode);
  void linefeed(const Emit& emit);
  std::size_t fail(std::size_t at);
  int m_cols, m_rows;
  bool m_pipe;
  std::u32string m_row; // cells; 0: never written
  int m_col = 0;
  bool m_phantom = false, m_dirty = false;
  // The last character written and where (libvterm joins a combining mark that comes
  // with the cursor right after it, and never moves that place: not on a scroll, not
  // on a resize); row -1: none yet.
  struct Last {
    int row = -1, col = 0, width = 0;
    char32_t ch = 0;
  } m_last;
  char32_t cell(int row, int col) const;
  // The rows above the cursor's, oldest first, in buffers used again: a line feed
  // copies the cursor's row into the oldest when full (no allocation per line).
  class Rows {
  public:
    std::size_t size() const { return m_count; }
    std::u32string& operator[](std::size_t i) { return m_rows[(m_first + i) % m_rows.size()]; }
    const std::u32string& operator[](std::size_t i) const { return m_rows[(m_first + i) % m_rows.size()]; }
    // Room for `capacity` rows (at least size()), the newest kept.
    void reserve(std::size_t capacity);
    // A copy of `row` as the newest, the oldest dropped when full.
    void push(const std::u32string& row);
    void drop_oldest(std::size_t n);

  private:
    std::vector<std::u32string> m_rows;
    std::size_t m_first = 0, m_count = 0;
  } m_above;
  int m_used = 0; // the cursor row's cells written or erased at or after this are blank
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
