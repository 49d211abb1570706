// SPDX-License-Identifier: MIT
#pragma once
// The cells of the emulated screen, kept by us under libvterm's state layer instead of
// by its screen layer. libvterm 0.1.4's screen moves every cell of the scroll region
// for each line feed at the bottom margin (a memmove of rows x cols cells): half the
// time of emulating ordinary output. Here a scroll of whole rows rotates row pointers
// and clears the rows that come in. Clearing is lazy too: a row keeps the column from
// which it is blank and the pen it was blanked with, and cells are written out only
// when something is drawn there (most lines that scroll in are erased whole, then
// written a few dozen columns in: erasing every cell was a tenth of an emulation).
// Everything else does what libvterm's screen layer does, so that the cells read
// back are the same (the reference test compares them).
#include <cstdint>
#include <vector>
#include <vterm.h>

namespace recssh::play {

class CellGrid {
public:
  // Installs itself as `state`'s callbacks; settermprop goes on to `prop` after it.
  using PropFn = int (*)(VTermProp, VTermValue*, void*);
  CellGrid(VTermState* state, int rows, int cols, PropFn prop, void* prop_user);
  CellGrid(const CellGrid&) = delete;
  CellGrid& operator=(const CellGrid&) = delete;

  // What vterm_screen_get_cell gives for this position on the screen shown now.
  void get_cell(int row, int col, VTermScreenCell& out) const;

  int rows() const { return m_rows; }
  // What libvterm's own line feed at the bottom of the screen does (no region): the
  // rows up by one, a blank row with the pen at the bottom.
  void scroll_up() { scrollrect(VTermRect{0, m_rows, 0, m_cols}, 1, 0, this); }
  // What an erase-in-line does to columns [from, to) of a row: blanks with the pen.
  void erase_cells(int row, int from, int to) { erase(VTermRect{row, row + 1, from, to}, 0, this); }
  // Keeps cells [col, col + n) of a row (n <= 2) to put back with restore(), around
  // a write of libvterm's that must leave no trace.
  void save(int row, int col, int n) {
    m_saved_at = {row, col};
    m_saved_n = n;
    for (int i = 0; i < n; ++i) m_saved[i] = cell(row, col + i);
  }
  void restore() {
    Cell* cells = real_to(row_of(m_saved_at.row), m_saved_at.col + m_saved_n);
    for (int i = 0; i < m_saved_n; ++i) cells[m_saved_at.col + i] = m_saved[i];
  }
  int cols() const { return m_cols; }
  // One character drawn by the text lane (play/text_lane.hpp) instead of libvterm:
  // what putglyph does for it, with the pen in force and no protection.
  void draw(int row, int col, std::uint32_t ch, int width) {
    Cell* cell = real_to(row_of(row), col + width) + col;
    cell->chars[0] = ch;
    cell->chars[1] = 0;
    cell->pen = m_pen;
    if (width == 2) cell[1].chars[0] = std::uint32_t(-1);
  }
  // The same for `n` one-column ASCII characters from `col` (within the row).
  void draw_ascii(int row, int col, const char* s, int n) {
    Row& r = row_of(row);
    Cell* cell = real_to(r, col) + col; // (the cells drawn are written whole below)
    if (col + n > r.blank_from) r.blank_from = col + n;
    for (int j = 0; j < n; ++j) {
      cell[j].chars[0] = static_cast<unsigned char>(s[j]);
      cell[j].chars[1] = 0;
      cell[j].pen = m_pen;
    }
  }

private:
  struct Pen {
    VTermColor fg{}, bg{};
    unsigned bold : 1 = 0, underline : 2 = 0, italic : 1 = 0, blink : 1 = 0, reverse : 1 = 0, strike : 1 = 0,
        font : 4 = 0, protected_cell : 1 = 0;
  };
  struct Cell {
    std::uint32_t chars[VTERM_MAX_CHARS_PER_CELL];
    Pen pen;
  };
  // A row of `cells`: from `blank_from` on its cells are blanks with `blank`, whatever
  // the cells there hold.
  struct Row {
    Cell* cells = nullptr;
    int blank_from = 0;
    Pen blank{};
  };
  // Rows point into `cells`: scrolling reorders the rows.
  struct Buffer {
    std::vector<Cell> cells;
    std::vector<Row> rows;
  };

  Row& row_of(int row) { return m_buffer->rows[std::size_t(row)]; }
  // The row's cells, those before `end` written out.
  static Cell* real_to(Row& r, int end) {
    for (; r.blank_from < end; ++r.blank_from) {
      r.cells[r.blank_from].chars[0] = 0;
      r.cells[r.blank_from].pen = r.blank;
    }
    return r.cells;
  }
  // A cell to change in place (its row written out whole).
  Cell* at(int row, int col) { return real_to(row_of(row), m_cols) + col; }
  // What the cell holds (for a blank one: no character, the row's blank pen).
  Cell cell(int row, int col) const;
  void fill(Buffer& b, int rows, int cols) const;
  void realloc(Buffer& b, int rows, int cols) const;
  bool row_blank_from(int row, int col) const;

  static int putglyph(VTermGlyphInfo* info, VTermPos pos, void* user);
  static int movecursor(VTermPos, VTermPos, int, void*) { return 1; }
  static int scrollrect(VTermRect rect, int downward, int rightward, void* user);
  static int moverect(VTermRect dest, VTermRect src, void* user);
  static int erase(VTermRect rect, int selective, void* user);
  static int setpenattr(VTermAttr attr, VTermValue* val, void* user);
  static int settermprop(VTermProp prop, VTermValue* val, void* user);
  static int bell(void*) { return 1; }
  static int resize(int rows, int cols, VTermPos* delta, void* user);
  static int setlineinfo(int row, const VTermLineInfo* now, const VTermLineInfo* before, void* user);

  VTermState* m_state;
  PropFn m_prop;
  void* m_prop_user;
  int m_rows, m_cols;
  Pen m_pen;
  bool m_global_reverse = false;
  Buffer m_primary, m_alternate;
  Buffer* m_buffer = &m_primary;
  Cell m_saved[2]{};
  VTermPos m_saved_at{0, 0};
  int m_saved_n = 0;
};

} // namespace recssh::play
