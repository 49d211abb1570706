// SPDX-License-Identifier: MIT
#include "play/cell_grid.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace recssh::play {

CellGrid::CellGrid(VTermState* state, int rows, int cols, PropFn prop, void* prop_user)
    : m_state(state), m_prop(prop), m_prop_user(prop_user), m_rows(rows), m_cols(cols) {
  // As libvterm's screen: both buffers start blank with a zeroed pen (the state's
  // reset then erases the primary one with the default pen; entering the alternate
  // screen erases that one).
  fill(m_primary, rows, cols);
  fill(m_alternate, rows, cols);
  static const VTermStateCallbacks callbacks = {&putglyph,   &movecursor, &scrollrect, &moverect,
                                                &erase,      nullptr,     &setpenattr, &settermprop,
                                                &bell,       &resize,     &setlineinfo};
  vterm_state_set_callbacks(state, &callbacks, this);
}

void CellGrid::fill(Buffer& b, int rows, int cols) const {
  Cell blank{};
  blank.pen = m_pen;
  b.cells.assign(std::size_t(rows) * std::size_t(cols), blank);
  b.rows.assign(std::size_t(rows), Row{nullptr, cols, m_pen});
  for (int r = 0; r < rows; ++r) b.rows[std::size_t(r)].cells = b.cells.data() + std::size_t(r) * std::size_t(cols);
}

// A new size keeps the top-left cells that fit; new cells are blanks with the pen.
void CellGrid::realloc(Buffer& b, int rows, int cols) const {
  Buffer n;
  fill(n, rows, cols);
  int keep_rows = std::min(rows, m_rows), keep_cols = std::min(cols, m_cols);
  for (int r = 0; r < keep_rows; ++r)
    std::copy_n(real_to(b.rows[std::size_t(r)], keep_cols), keep_cols, n.rows[std::size_t(r)].cells);
  b = std::move(n);
}

CellGrid::Cell CellGrid::cell(int row, int col) const {
  const Row& r = m_buffer->rows[std::size_t(row)];
  if (col < r.blank_from) return r.cells[col];
  Cell blank{};
  blank.pen = r.blank;
  return blank;
}

bool CellGrid::row_blank_from(int row, int col) const {
  const Row& r = m_buffer->rows[std::size_t(row)];
  for (; col < m_cols && col < r.blank_from; ++col)
    if (r.cells[col].chars[0] != 0) return false;
  return true;
}

void CellGrid::get_cell(int row, int col, VTermScreenCell& out) const {
  const Cell c = cell(row, col);
  std::copy_n(c.chars, VTERM_MAX_CHARS_PER_CELL, out.chars);
  out.attrs = VTermScreenCellAttrs{};
  out.attrs.bold = c.pen.bold;
  out.attrs.underline = c.pen.underline;
  out.attrs.italic = c.pen.italic;
  out.attrs.blink = c.pen.blink;
  out.attrs.reverse = c.pen.reverse ^ unsigned(m_global_reverse);
  out.attrs.strike = c.pen.strike;
  out.attrs.font = c.pen.font;
  out.fg = c.pen.fg;
  out.bg = c.pen.bg;
  out.width = col < m_cols - 1 && cell(row, col + 1).chars[0] == std::uint32_t(-1) ? 2 : 1;
}

int CellGrid::putglyph(VTermGlyphInfo* info, VTermPos pos, void* user) {
  auto* g = static_cast<CellGrid*>(user);
  if (pos.row < 0 || pos.row >= g->m_rows || pos.col < 0 || pos.col >= g->m_cols) return 0;
  Cell* const cells = real_to(g->row_of(pos.row), std::min(pos.col + std::max(info->width, 1), g->m_cols));
  Cell* cell = cells + pos.col;
  int i = 0;
  for (; i < VTERM_MAX_CHARS_PER_CELL && info->chars[i]; ++i) {
    cell->chars[i] = info->chars[i];
    cell->pen = g->m_pen;
  }
  if (i < VTERM_MAX_CHARS_PER_CELL) cell->chars[i] = 0;
  for (int c = 1; c < info->width && pos.col + c < g->m_cols; ++c) cells[pos.col + c].chars[0] = std::uint32_t(-1);
  cell->pen.protected_cell = info->protected_cell;
  return 1;
}

int CellGrid::erase(VTermRect rect, int selective, void* user) {
  auto* g = static_cast<CellGrid*>(user);
  // libvterm 0.1.4 erases with the whole pen (reverse, underline... too), not only
  // its colours; the pen is never protected.
  const Pen blank = g->m_pen;
  const int first = std::max(rect.start_col, 0), end = std::min(rect.end_col, g->m_cols);
  if (first >= end) return 1;
  for (int r = std::max(rect.start_row, 0); r < rect.end_row && r < g->m_rows; ++r) {
    Row& rw = g->row_of(r);
    if (!selective && end == g->m_cols) {
      // To the end of the row: the blanks before `first` written out with their own
      // pen, the rest left to be blank.
      real_to(rw, first);
      rw.blank_from = first;
      rw.blank = blank;
      continue;
    }
    Cell* row = real_to(rw, selective ? g->m_cols : end);
    if (selective) {
      for (int c = first; c < end; ++c)
        if (!row[c].pen.protected_cell) row[c].chars[0] = 0, row[c].pen = blank;
    } else {
      for (int c = first; c < end; ++c) row[c].chars[0] = 0, row[c].pen = blank;
    }
  }
  return 1;
}

int CellGrid::moverect(VTermRect dest, VTermRect src, void* user) {
  auto* g = static_cast<CellGrid*>(user);
  int cols = src.end_col - src.start_col;
  int downward = src.start_row - dest.start_row;
  auto move_row = [&](int r) {
    Cell* from = real_to(g->row_of(r + downward), std::min(src.end_col, g->m_cols));
    Cell* to = real_to(g->row_of(r), std::min(dest.end_col, g->m_cols));
    std::memmove(to + dest.start_col, from + src.start_col, std::size_t(cols) * sizeof(Cell));
  };
  // In the order that reads each row before it is overwritten.
  if (downward < 0)
    for (int r = dest.end_row - 1; r >= dest.start_row; --r) move_row(r);
  else
    for (int r = dest.start_row; r < dest.end_row; ++r) move_row(r);
  return 1;
}

int CellGrid::scrollrect(VTermRect rect, int downward, int rightward, void* user) {
  auto* g = static_cast<CellGrid*>(user);
  // (libvterm 0.1.4 keeps a scroll region past a resize to fewer rows: stay inside.)
  rect.end_row = std::min(rect.end_row, g->m_rows);
  rect.end_col = std::min(rect.end_col, g->m_cols);
  if (rect.start_row >= rect.end_row || rect.start_col >= rect.end_col) return 1;
  int height = rect.end_row - rect.start_row;
  if (rightward == 0 && downward != 0 && std::abs(downward) < height && rect.start_col == 0 &&
      rect.end_col == g->m_cols) {
    // Whole rows: the same cells as moving them and erasing the rows uncovered, by
    // turning the row pointers.
    auto first = g->m_buffer->rows.begin() + rect.start_row, last = g->m_buffer->rows.begin() + rect.end_row;
    VTermRect uncovered = rect;
    if (downward == 1) { // a line feed at the bottom: by hand, as std::rotate goes by swaps
      const Row top = *first;
      std::move(first + 1, last, first);
      *(last - 1) = top;
      uncovered.start_row = rect.end_row - 1;
    } else if (downward > 0) {
      std::rotate(first, first + downward, last);
      uncovered.start_row = rect.end_row - downward;
    } else {
      std::rotate(first, last + downward, last);
      uncovered.end_row = rect.start_row - downward;
    }
    erase(uncovered, 0, user);
    return 1;
  }
  vterm_scroll_rect(rect, downward, rightward, &moverect, &erase, user);
  return 1;
}

int CellGrid::setpenattr(VTermAttr attr, VTermValue* val, void* user) {
  Pen& p = static_cast<CellGrid*>(user)->m_pen;
  switch (attr) {
  case VTERM_ATTR_BOLD: p.bold = val->boolean ? 1 : 0; return 1;
  case VTERM_ATTR_UNDERLINE: p.underline = unsigned(val->number) & 3; return 1;
  case VTERM_ATTR_ITALIC: p.italic = val->boolean ? 1 : 0; return 1;
  case VTERM_ATTR_BLINK: p.blink = val->boolean ? 1 : 0; return 1;
  case VTERM_ATTR_REVERSE: p.reverse = val->boolean ? 1 : 0; return 1;
  case VTERM_ATTR_STRIKE: p.strike = val->boolean ? 1 : 0; return 1;
  case VTERM_ATTR_FONT: p.font = unsigned(val->number) & 15; return 1;
  case VTERM_ATTR_FOREGROUND: p.fg = val->color; return 1;
  case VTERM_ATTR_BACKGROUND: p.bg = val->color; return 1;
  default: return 0;
  }
}

int CellGrid::settermprop(VTermProp prop, VTermValue* val, void* user) {
  auto* g = static_cast<CellGrid*>(user);
  if (prop == VTERM_PROP_ALTSCREEN) g->m_buffer = val->boolean ? &g->m_alternate : &g->m_primary;
  if (prop == VTERM_PROP_REVERSE) g->m_global_reverse = val->boolean;
  return g->m_prop ? g->m_prop(prop, val, g->m_prop_user) : 1;
}

int CellGrid::setlineinfo(int row, const VTermLineInfo* now, const VTermLineInfo* before, void* user) {
  // A line made double-width (DECDWL, DECDHL) shows half as many cells: libvterm's
  // screen erases the right half.
  if (now->doublewidth && (now->doublewidth != before->doublewidth || now->doubleheight != before->doubleheight)) {
    int cols = static_cast<CellGrid*>(user)->m_cols;
    erase(VTermRect{row, row + 1, cols / 2, cols}, 0, user);
  }
  return 1;
}

int CellGrid::resize(int rows, int cols, VTermPos* delta, void* user) {
  auto* g = static_cast<CellGrid*>(user);
  bool alternate = g->m_buffer == &g->m_alternate;
  if (!alternate && rows < g->m_rows) {
    // As libvterm: with fewer rows, the primary screen's content moves up by as many
    // rows as are not blank (or hold the cursor) below the new bottom.
    VTermPos cursor;
    vterm_state_get_cursorpos(g->m_state, &cursor);
    int row = g->m_rows - 1;
    for (; row >= rows; --row)
      if (!g->row_blank_from(row, 0) || cursor.row == row) break;
    int first_blank = row + 1;
    if (first_blank > rows) {
      scrollrect(VTermRect{0, g->m_rows, 0, g->m_cols}, first_blank - rows, 0, user);
      delta->row -= first_blank - rows;
    }
  }
  g->realloc(g->m_primary, rows, cols);
  g->realloc(g->m_alternate, rows, cols);
  g->m_rows = rows;
  g->m_cols = cols;
  return 1;
}

} // namespace recssh::play
