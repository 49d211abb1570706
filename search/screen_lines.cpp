// SPDX-License-Identifier: MIT
#include "search/screen_lines.hpp"

#include "play/screen.hpp"
#include "play/cell_width.hpp"

#include <algorithm>
#include <vector>

namespace recssh::search {
using play::append_utf8;
using play::cell_width;

namespace {

// Whether bytes [at...) begin a character that draws in no cell of its own (a
// combining mark): libvterm joins it to the character before when both come in one
// write, so that character is left to the emulator too.
bool zero_width_next(std::string_view b, std::size_t at) {
  if (at >= b.size()) return false;
  auto u = [&](std::size_t k) { return static_cast<unsigned char>(b[k]); };
  char32_t c;
  if (u(at) >= 0xC2 && u(at) < 0xE0 && at + 1 < b.size()) c = char32_t(((u(at) & 0x1F) << 6) | (u(at + 1) & 0x3F));
  else if (u(at) >= 0xE0 && u(at) < 0xF0 && at + 2 < b.size())
    c = char32_t(((u(at) & 0x0F) << 12) | ((u(at + 1) & 0x3F) << 6) | (u(at + 2) & 0x3F));
  else if (u(at) >= 0xF0 && at + 3 < b.size())
    c = char32_t(((u(at) & 0x07) << 18) | ((u(at + 1) & 0x3F) << 12) | ((u(at + 2) & 0x3F) << 6) | (u(at + 3) & 0x3F));
  else
    return false;
  return c >= 0xA0 && cell_width(c) == 0;
}

std::string cup(int row, int col) { return "\x1b[" + std::to_string(row + 1) + ";" + std::to_string(col + 1) + "H"; }

} // namespace

// ---- the plain model ----

PlainLines::PlainLines(TermSize size, bool pipe) : m_cols(size.cols), m_rows(size.rows), m_pipe(pipe) {
  if (!m_pipe) m_row.assign(std::size_t(m_cols), 0);
  m_above.reserve(std::size_t(std::max(m_rows - 1, 1)));
}

void PlainLines::Rows::reserve(std::size_t capacity) {
  capacity = std::max(capacity, std::size_t(1));
  if (capacity == m_rows.size() && m_first == 0) return;
  std::vector<std::u32string> rows(capacity);
  const std::size_t keep = std::min(m_count, capacity), skip = m_count - keep;
  for (std::size_t i = 0; i < keep; ++i) rows[i] = std::move((*this)[skip + i]);
  m_rows.swap(rows);
  m_first = 0;
  m_count = keep;
}

void PlainLines::Rows::push(const std::u32string& row) {
  std::size_t slot = m_first;
  if (m_count < m_rows.size()) slot = (m_first + m_count++) % m_rows.size();
  else m_first = (m_first + 1) % m_rows.size();
  m_rows[slot] = row; // (a copy into the buffer it has)
}

void PlainLines::Rows::drop_oldest(std::size_t n) {
  n = std::min(n, m_count);
  m_first = (m_first + n) % m_rows.size();
  m_count -= n;
}

namespace {

// As libvterm reads a row back: right halves of wide characters left out, blanks as
// spaces, no trailing blanks. (Once per line: written through a pointer into `t`,
// which only grows.)
std::string_view cells_text(std::string& t, const std::u32string& cells, std::size_t end) {
  while (end > 0 && (cells[end - 1] == 0 || cells[end - 1] == U' ' || cells[end - 1] == PlainLines::k_right_half)) --end;
  if (t.size() < end * 4) t.resize(end * 4);
  char* p = t.data();
  for (std::size_t i = 0; i < end; ++i) {
    char32_t c = cells[i];
    if (c < 0x80) {
      *p++ = c ? char(c) : ' ';
    } else if (c < 0x800) {
      *p++ = char(0xC0 | (c >> 6));
      *p++ = char(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      *p++ = char(0xE0 | (c >> 12));
      *p++ = char(0x80 | ((c >> 6) & 0x3F));
      *p++ = char(0x80 | (c & 0x3F));
    } else if (c != PlainLines::k_right_half) {
      *p++ = char(0xF0 | (c >> 18));
      *p++ = char(0x80 | ((c >> 12) & 0x3F));
      *p++ = char(0x80 | ((c >> 6) & 0x3F));
      *p++ = char(0x80 | (c & 0x3F));
    }
  }
  return {t.data(), std::size_t(p - t.data())};
}

// Draws a row of cells, as libvterm holds them, on a fresh screen `screen_cols` wide.
// libvterm makes a right half (k_right_half) only by writing a wide character before
// it; where that cell holds something else now (a narrow character written over the
// left half, an erase), a wide character is written there first and the cell then
// made what it is: its character written again, or erased (ECH, which moves nothing).
class RowPainter {
public:
  RowPainter(std::string& out, const std::u32string& want, int row, int screen_cols)
      : m_out(out), m_want(want), m_have(want.size(), 0), m_row(row), m_screen_cols(screen_cols) {}

  // The cells the screen has that differ from those wanted, left to right: each fix
  // changes only its own cell, the one after it (a wide character's right half, fixed
  // next) and, for a right half, the cells before it (fixed again at once).
  void paint() {
    for (int c = 0; c < int(m_want.size()); ++c)
      if (m_have[std::size_t(c)] != m_want[std::size_t(c)]) set(c, m_want[std::size_t(c)]);
  }
  // Starts from cells as wanted but for `ch` written at `col` (paint_cursor's rewrite).
  void written(int col, char32_t ch) {
    m_have = m_want;
    note(col, ch);
  }
  void fix(int first, int end) {
    for (int c = first; c < end && c < int(m_want.size()); ++c)
      if (m_have[std::size_t(c)] != m_want[std::size_t(c)]) set(c, m_want[std::size_t(c)]);
  }

private:
  static bool wide(char32_t ch) { return ch != 0 && ch != PlainLines::k_right_half && cell_width(ch) == 2; }
  void set(int c, char32_t v) {
    if (v == 0) {
      move(c);
      m_out += "\x1b[X";
      m_have[std::size_t(c)] = 0;
    } else if (v == PlainLines::k_right_half) {
      if (c == 0) return; // (cannot be: nothing writes one there)
      const char32_t before = m_want[std::size_t(c) - 1];
      glyph(c - 1, wide(before) ? before : U'\u4E00');
      if (m_have[std::size_t(c) - 1] != before) set(c - 1, before);
    } else {
      glyph(c, v);
    }
  }
  void glyph(int c, char32_t ch) {
    move(c);
    append_utf8(m_out, ch);
    note(c, ch);
    const int width = cell_width(ch);
    // At the right edge the wrap is pending: the next write there must move first.
    m_pending_wrap = c + width >= m_screen_cols;
    m_next = m_pending_wrap ? -1 : c + width;
  }
  void note(int c, char32_t ch) {
    m_have[std::size_t(c)] = ch;
    if (wide(ch) && std::size_t(c) + 1 < m_have.size()) m_have[std::size_t(c) + 1] = PlainLines::k_right_half;
  }
  void move(int c) {
    if (c == m_next) return;
    // (A move to where the cursor already is keeps a pending wrap: away first.)
    if (m_pending_wrap) m_out += cup(m_row, c == 0 ? 1 : 0);
    m_out += cup(m_row, c);
    m_pending_wrap = false;
    m_next = c;
  }
  std::string& m_out;
  const std::u32string& m_want;
  std::u32string m_have;
  int m_row, m_screen_cols;
  int m_next = -1; // the cursor's column, where known
  bool m_pending_wrap = false;
};

} // namespace

int PlainLines::paint_cols() const {
  auto cut = [this](const std::u32string& cells) {
    const char32_t c = cells[std::size_t(m_cols) - 1];
    return c != 0 && c != k_right_half && cell_width(c) == 2;
  };
  bool any = cut(m_row);
  for (std::size_t r = 0; r < m_above.size() && !any; ++r) any = cut(m_above[r]);
  return any ? m_cols + 1 : m_cols;
}

std::string PlainLines::paint_rows() const {
  std::string out;
  const int row = cursor_row(), cols = paint_cols();
  for (int r = 0; r < row; ++r) RowPainter(out, m_above[std::size_t(r)], r, cols).paint();
  RowPainter(out, m_row, row, cols).paint();
  return out;
}

std::string PlainLines::paint_cursor() const {
  std::string out;
  const int row = cursor_row();
  if (m_phantom) {
    // The wrap pending on the last character of the row, the cursor on it (the last
    // column, or the one before under a wide character): that character again; on a
    // row scrolled up since, or erased, one as wide, erased without moving (ECH) but
    // for a right half left alone.
    const int c = m_col, width = m_cols - m_col;
    const char32_t ch = m_row[std::size_t(c)];
    // A wide character cut at the right edge: paint_rows() wrote it last, one column
    // wider, which left the wrap pending there, and the resize kept it.
    if (width == 1 && ch != 0 && ch != k_right_half && cell_width(ch) == 2) return out;
    out += cup(row, c);
    if (ch != 0 && ch != k_right_half && cell_width(ch) == width) {
      append_utf8(out, ch);
    } else {
      append_utf8(out, width == 2 ? U'\u4E00' : U' ');
      out += width == 2 && m_row[std::size_t(c) + 1] == 0 ? "\x1b[2X" : "\x1b[X";
    }
  } else {
    // The last character written, written last again where it was, for a combining
    // mark that comes next, and its cells put back as they are now (erased since...).
    // Where it is off the screen now (a resize), no mark can join it: the cursor's own
    // cell is written last instead (nothing is right before the cursor).
    Last l = m_last;
    if (l.row < 0 || l.row >= m_rows || l.col + l.width > m_cols) {
      const char32_t here = cell(row, m_col);
      l = here == 0 || here == k_right_half ? Last{row, m_col, 1, U' '} : Last{row, m_col, cell_width(here), here};
    }
    if (l.col + l.width <= m_cols) {
      out += cup(l.row, l.col);
      append_utf8(out, l.ch);
      // (A row below the cursor's is blank: the cursor moved up in a resize.)
      const std::u32string blank(std::size_t(m_cols), 0);
      const std::u32string& cells = l.row < row ? m_above[std::size_t(l.row)] : l.row == row ? m_row : blank;
      RowPainter fix(out, cells, l.row, m_cols);
      fix.written(l.col, l.ch);
      fix.fix(l.col, l.col + l.width);
    }
    // (Away and back: a character written in the last column leaves a wrap pending,
    // which only a move cancels.)
    out += cup(row, m_col == 0 ? 1 : 0) + cup(row, m_col);
  }
  return out;
}

char32_t PlainLines::cell(int row, int col) const {
  if (col < 0 || col >= m_cols) return 0;
  if (row < cursor_row()) return m_above[std::size_t(row)][std::size_t(col)];
  return row == cursor_row() ? m_row[std::size_t(col)] : 0;
}

std::size_t PlainLines::fail(std::size_t at) {
  // (Never in pipe mode: callers drop what they cannot show instead.)
  return at;
}

void PlainLines::put(char32_t c, int width, const Emit& emit) {
  if (m_pipe) {
    m_dirty = true;
    if (std::size_t(m_col) + std::size_t(width) > m_row.size()) m_row.resize(std::size_t(m_col) + std::size_t(width), 0);
    m_row[std::size_t(m_col)] = c;
    if (width == 2) m_row[std::size_t(m_col) + 1] = k_right_half;
    m_col += width;
    return;
  }
  // libvterm: the deferred wrap, or a wide character that does not fit: a line feed
  // and column 0.
  if (m_phantom || m_col + width > m_cols) {
    linefeed(emit);
    m_col = 0;
    m_phantom = false;
  }
  // Over half of a wide character, as libvterm does: the other half stays (the text
  // shows what is there).
  m_row[std::size_t(m_col)] = c;
  if (width == 2) m_row[std::size_t(m_col) + 1] = k_right_half;
  m_last = Last{cursor_row(), m_col, width, c};
  m_used = std::max(m_used, m_col + width);
  m_dirty = true;
  if (m_col + width >= m_cols) m_phantom = true;
  else m_col += width;
}

void PlainLines::linefeed(const Emit& emit) {
  if (m_pipe) {
    if (m_dirty) {
      const std::string_view text = cells_text(m_text, m_row, m_row.size());
      if (!text.empty()) emit(text);
    }
    m_row.clear();
    m_col = 0;
    m_dirty = false;
    return;
  }
  if (m_dirty) {
    const std::string_view text = cells_text(m_text, m_row, std::size_t(m_used));
    if (!text.empty()) emit(text);
  }
  bool at_bottom = int(m_above.size()) >= m_rows - 1;
  m_above.push(m_row);
  std::fill(m_row.begin(), m_row.begin() + m_used, 0);
  m_used = 0;
  m_dirty = false;
  // libvterm keeps a pending wrap when the cursor did not move (a scroll).
  if (!at_bottom) m_phantom = false;
}

void PlainLines::erase_line(int mode) {
  std::size_t from = mode == 0 ? std::size_t(m_col) : 0;
  std::size_t to = mode == 1 ? std::size_t(m_col) + 1 : m_row.size();
  if (m_pipe && mode == 0) {
    if (from < m_row.size()) m_row.resize(from);
  } else {
    to = std::min(to, m_row.size());
    for (std::size_t i = from; i < to; ++i) m_row[i] = 0;
  }
  m_dirty = true;
}

std::size_t PlainLines::feed(std::string_view b, const Emit& emit) {
  const std::size_t n = b.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto ch = static_cast<unsigned char>(b[i]);
    switch (m_st) {
    case St::text:
      if (ch >= 0x20 && ch < 0x7f) {
        if (!m_pipe && !m_phantom) {
          // A run of ASCII text up to the end of the row, as put() would write it.
          std::size_t room = std::size_t(m_cols - m_col), k = 0;
          while (k < room && i + k < n && b[i + k] >= 0x20 && b[i + k] < 0x7f) ++k;
          const bool joined = zero_width_next(b, i + k);
          if (joined) --k; // (the last one is the emulator's)
          char32_t* cells = m_row.data() + m_col;
          for (std::size_t j = 0; j < k; ++j) cells[j] = char32_t(static_cast<unsigned char>(b[i + j]));
          if (k > 0) {
            m_last = Last{cursor_row(), m_col + int(k) - 1, 1, cells[k - 1]};
            m_used = std::max(m_used, m_col + int(k));
            m_dirty = true;
            if (k == room) m_col = m_cols - 1, m_phantom = true;
            else m_col += int(k);
          }
          if (joined) return fail(i + k);
          i += k - 1;
          continue;
        }
        // (One a combining mark joins: the emulator's.)
        if (zero_width_next(b, i + 1)) return fail(i);
        put(ch, 1, emit);
        continue;
      }
      switch (ch) {
      case '\r':
        if (m_col != 0) m_col = 0, m_phantom = false;
        break;
      case '\n':
      case '\v':
      case '\f': linefeed(emit); break;
      case '\b':
        if (m_col > 0) --m_col, m_phantom = false;
        break;
      case '\t': {
        int old = m_col;
        if (m_pipe) {
          m_col = (m_col / 8 + 1) * 8;
        } else {
          while (m_col < m_cols - 1) {
            ++m_col;
            if (m_col % 8 == 0) break;
          }
        }
        if (m_col != old) m_phantom = false;
        break;
      }
      case 0x07: break; // BEL
      case 0x1b: {
        // A colour or erase-line sequence whole in this piece: done here (the state
        // machine below takes everything else, and sequences cut between pieces).
        std::size_t j = i + 2;
        if (j < n && b[i + 1] == '[') {
          while (j < n && j < i + 40 && ((b[j] >= '0' && b[j] <= '9') || b[j] == ';')) ++j;
          if (j < n && b[j] == 'm') {
            i = j;
            break;
          }
          if (j < n && b[j] == 'K' && j <= i + 3 && (j == i + 2 || (b[i + 2] >= '0' && b[i + 2] <= '2'))) {
            erase_line(j == i + 2 ? 0 : b[i + 2] - '0');
            i = j;
            break;
          }
        }
        m_st = St::esc;
        m_seq.assign(1, char(ch));
        break;
      }
      default:
        if (!m_pipe && ch >= 0xC2 && ch <= 0xF4) {
          // A character whole in this piece, decoded here (else byte by byte below).
          const int need = ch >= 0xF0 ? 3 : ch >= 0xE0 ? 2 : 1;
          if (i + std::size_t(need) < n) {
            char32_t cp = ch & (ch >= 0xF0 ? 0x07 : ch >= 0xE0 ? 0x0F : 0x1F);
            bool ok = true;
            for (int k = 1; k <= need && ok; ++k) {
              const auto cb = static_cast<unsigned char>(b[i + std::size_t(k)]);
              ok = (cb & 0xC0) == 0x80;
              cp = (cp << 6) | (cb & 0x3F);
            }
            ok = ok && cp >= (need == 1 ? 0x80u : need == 2 ? 0x800u : 0x10000u) && !(cp >= 0xD800 && cp <= 0xDFFF) &&
                 cp <= 0x10FFFF;
            const int width = ok ? cell_width(cp) : 0;
            if (width > 0 && width <= m_cols && !zero_width_next(b, i + std::size_t(need) + 1)) {
              put(cp, width, emit);
              i += std::size_t(need);
              break;
            }
          }
        }
        if (ch >= 0xC2 && ch <= 0xF4) {
          m_need = ch >= 0xF0 ? 3 : ch >= 0xE0 ? 2 : 1;
          m_cp = ch & (ch >= 0xF0 ? 0x07 : ch >= 0xE0 ? 0x0F : 0x1F);
          m_st = St::utf8;
          m_seq.assign(1, char(ch));
        } else if (!m_pipe) {
          return fail(i); // other controls, invalid UTF-8
        }
      }
      break;
    case St::utf8:
      if ((ch & 0xC0) != 0x80) {
        if (!m_pipe) return fail(i);
        m_st = St::text;
        --i; // dropped; the byte starts something new
        break;
      }
      m_cp = (m_cp << 6) | (ch & 0x3F);
      m_seq += char(ch);
      if (--m_need == 0) {
        m_st = St::text;
        bool valid = m_cp >= (m_seq.size() == 2 ? 0x80u : m_seq.size() == 3 ? 0x800u : 0x10000u) &&
                     !(m_cp >= 0xD800 && m_cp <= 0xDFFF) && m_cp <= 0x10FFFF;
        int width = valid ? cell_width(m_cp) : 0;
        if (m_pipe) {
          if (width > 0) put(m_cp, width, emit);
        } else if (width == 0 || width > m_cols || zero_width_next(b, i + 1)) {
          // The whole character goes to the emulator.
          m_seq.resize(m_seq.size() - 1);
          m_st = St::utf8;
          ++m_need;
          return fail(i);
        } else {
          put(m_cp, width, emit);
        }
        m_seq.clear();
      }
      break;
    case St::esc:
      if (ch == '[') {
        m_st = St::csi;
        m_params.clear();
        m_private = false;
        m_seq += char(ch);
      } else if (ch == ']') {
        m_st = St::osc;
        m_seq += char(ch);
      } else if (m_pipe) {
        m_st = ch == 0x1b ? St::esc : St::text;
      } else {
        return fail(i);
      }
      break;
    case St::csi:
      if ((ch >= '0' && ch <= '9') || ch == ';' || ch == ':') {
        m_params += char(ch);
      } else if (ch >= 0x3c && ch <= 0x3f && m_params.empty() && m_seq.size() == 2) {
        if (!m_pipe) return fail(i); // private sequences: modes, the alternate screen
        m_private = true;
      } else if (ch >= 0x40 && ch <= 0x7e) {
        m_st = St::text;
        if (ch == 'm' && !m_private) {
          // colours and attributes: not text
        } else if (ch == 'K' && !m_private && (m_params.empty() || m_params == "0" || m_params == "1" || m_params == "2")) {
          erase_line(m_params.empty() ? 0 : m_params[0] - '0');
        } else if (!m_pipe) {
          m_st = St::csi;
          return fail(i);
        }
        m_seq.clear();
        break;
      } else if (!m_pipe) {
        return fail(i); // intermediates, controls inside a sequence
      } else if (ch < 0x20 || ch > 0x7e) {
        m_st = St::text; // a broken sequence: dropped
        --i;
        break;
      }
      m_seq += char(ch);
      break;
    case St::osc: // a title: not on the screen
      if (ch == 0x07) {
        m_st = St::text;
        m_seq.clear();
      } else if (ch == 0x1b) {
        m_st = St::osc_esc;
        m_seq += char(ch);
      } else if (m_seq.size() < 4096) {
        m_seq += char(ch);
      } else if (!m_pipe) {
        return fail(i);
      }
      break;
    case St::osc_esc:
      if (ch == '\\') {
        m_st = St::text;
        m_seq.clear();
      } else if (!m_pipe) {
        return fail(i);
      } else {
        m_st = St::text;
        --i;
      }
      break;
    }
  }
  return all;
}

bool PlainLines::resize(TermSize size, const Emit& emit) {
  if (m_pipe) return true;
  if (m_st != St::text) return false;
  // What the screen shows is complete (the emulator emits every changed row first):
  // only the cursor's row can be changed, the rows above were emitted when left.
  finish(emit);
  // Fewer rows: libvterm keeps the cursor's row on screen by scrolling the whole screen
  // up (the rows below the cursor are blank in this model: it never moves up).
  const int row = cursor_row(), col = m_col;
  if (row >= size.rows) m_above.drop_oldest(std::size_t(row + 1 - size.rows));
  m_above.reserve(std::size_t(size.rows - 1));
  for (std::size_t r = 0; r < m_above.size(); ++r) m_above[r].resize(std::size_t(size.cols), 0);
  m_row.resize(std::size_t(size.cols), 0);
  m_used = std::min(m_used, size.cols);
  m_cols = size.cols;
  m_rows = size.rows;
  // The cursor as libvterm moves it: a pending wrap with room after it now becomes
  // the next column, the cursor is kept on screen, and a cursor that moved has no
  // wrap pending.
  if (m_phantom && m_col < m_cols - 1) m_phantom = false, ++m_col;
  if (m_col >= m_cols) m_col = m_cols - 1;
  if (m_col != col || cursor_row() != row) m_phantom = false;
  return true;
}

void PlainLines::finish(const Emit& emit) {
  if (!m_dirty) return;
  const std::string_view text = cells_text(m_text, m_row, m_pipe ? m_row.size() : std::size_t(m_used));
  if (!text.empty()) emit(text);
  m_dirty = false;
}

// ---- the emulator ----

// Follows play::Screen's changes and emits rows as they complete (the header's
// rules): rows changed since they were last emitted are dirty; a dirty row is
// emitted when the cursor leaves it, when its content moves up or down, or before
// the screen is cleared, switched or resized.
class EmulatedLines final : public play::ScreenObserver {
public:
  EmulatedLines(TermSize size, const Emit& emit)
      : m_screen(size, play::Screen::Emulation::reference), m_emit(emit), m_dirty(std::size_t(size.rows), 0) {
    m_screen.observe(this);
  }
  // Starts from what the plain model shows.
  EmulatedLines(TermSize size, const PlainLines& plain, const Emit& emit)
      : EmulatedLines(TermSize{plain.paint_cols(), size.rows}, emit) {
    m_quiet = true;
    m_screen.feed(plain.paint_rows());
    m_screen.resize(size); // (when painted wider: cuts what a resize cut)
    m_screen.feed(plain.paint_cursor());
    m_quiet = false;
    std::fill(m_dirty.begin(), m_dirty.end(), 0);
    m_dirty[std::size_t(plain.cursor_row())] = plain.dirty();
  }
  ~EmulatedLines() override { m_screen.observe(nullptr); }
  EmulatedLines(const EmulatedLines&) = delete;
  EmulatedLines& operator=(const EmulatedLines&) = delete;

  // Feeds bytes; stops before the final byte of a sequence that clears the screen
  // (ED), switches it (the alternate screen) or resets it (RIS), to emit what it
  // shows first.
  void feed(std::string_view b) {
    std::size_t from = 0;
    for (std::size_t i = 0; i < b.size(); ++i) {
      char ch = b[i];
      bool destroys = false;
      switch (m_scan) {
      case Scan::text:
        if (ch == '\x1b') m_scan = Scan::esc;
        break;
      case Scan::esc:
        destroys = ch == 'c';
        m_scan = ch == '[' ? Scan::csi : ch == '\x1b' ? Scan::esc : Scan::text;
        m_params.clear();
        m_private = false;
        break;
      case Scan::csi:
        if ((ch >= '0' && ch <= '9') || ch == ';') {
          if (m_params.size() < 64) m_params += ch;
        } else if (ch == '?' && m_params.empty()) {
          m_private = true;
        } else if (ch >= 0x40 && ch <= 0x7e) {
          destroys = (!m_private && ch == 'J') || (m_private && (ch == 'h' || ch == 'l') && alternate_screen());
          m_scan = Scan::text;
        } else if (ch == '\x1b') {
          m_scan = Scan::esc;
        }
        break;
      }
      if (destroys) {
        m_screen.feed(b.substr(from, i - from));
        emit_dirty(-1);
        m_quiet = true; // (its own damage and cursor moves are not new text)
        m_screen.feed(b.substr(i, 1));
        m_quiet = false;
        from = i + 1;
        // What shows now is blank, or the primary screen back, already seen.
        std::fill(m_dirty.begin(), m_dirty.end(), 0);
      }
    }
    m_screen.feed(b.substr(from));
  }
  void resize(TermSize size) {
    emit_dirty(-1);
    m_quiet = true; // (rows it moves or pushes off were just emitted)
    m_screen.resize(size);
    m_quiet = false;
    m_dirty.assign(std::size_t(size.rows), 0);
  }
  void finish() { emit_dirty(-1); }

  void damaged(int first, int end) override {
    for (int r = std::max(first, 0); r < end && r < int(m_dirty.size()); ++r) m_dirty[std::size_t(r)] = 1;
  }
  void moved(int dest, int src, int count, bool vertical) override {
    if (m_quiet) return;
    if (!vertical) {
      damaged(dest, dest + count);
      return;
    }
    // The content of src+k is at dest+k now; what was dirty there is complete.
    std::vector<char> was(m_dirty);
    for (int k = 0; k < count; ++k)
      if (src + k < int(was.size()) && was[std::size_t(src) + std::size_t(k)]) emit(m_screen.row_text(dest + k));
    for (int k = 0; k < count; ++k)
      if (dest + k < int(m_dirty.size())) m_dirty[std::size_t(dest) + std::size_t(k)] = 0;
    // The rows it left are erased next (damaged), as blanks.
  }
  void cursor_row(int to, int) override {
    if (!m_quiet) emit_dirty(to);
  }
  void scrolled_off(int index, std::string text) override {
    if (m_quiet || index >= int(m_dirty.size()) || !m_dirty[std::size_t(index)]) return;
    m_dirty[std::size_t(index)] = 0;
    emit(text);
  }

private:
  bool alternate_screen() const {
    std::size_t pos = 0;
    while (pos <= m_params.size()) {
      std::size_t end = std::min(m_params.find(';', pos), m_params.size());
      std::string_view p(m_params.data() + pos, end - pos);
      if (p == "47" || p == "1047" || p == "1049") return true;
      pos = end + 1;
    }
    return false;
  }
  // Every dirty row but `keep`, top to bottom.
  void emit_dirty(int keep) {
    for (int r = 0; r < int(m_dirty.size()); ++r) {
      if (r == keep || !m_dirty[std::size_t(r)]) continue;
      m_dirty[std::size_t(r)] = 0;
      emit(m_screen.row_text(r));
    }
  }
  void emit(const std::string& text) {
    if (!text.empty()) m_emit(text);
  }
  play::Screen m_screen;
  const Emit& m_emit;
  std::vector<char> m_dirty;
  bool m_quiet = false;
  enum class Scan { text, esc, csi } m_scan = Scan::text;
  std::string m_params;
  bool m_private = false;
};

// ---- one stream ----

namespace {

// libvterm scrolls a one-row screen by erasing it, unseen: two rows at least; and
// play::Screen emulates a one-column terminal two wide.
TermSize usable(TermSize s) { return TermSize{std::max(s.cols, 2), std::max(s.rows, 2)}; }

} // namespace

ScreenLines::ScreenLines(TermSize size, Model model, Sink sink)
    : m_size(usable(size)), m_model(model), m_sink(std::move(sink)),
      m_emit([this](std::string_view text) { m_sink(m_time, text); }), m_plain(m_size, model == Model::pipe) {
  if (m_model == Model::emulator) m_emu = std::make_unique<EmulatedLines>(m_size, m_emit);
}

ScreenLines::~ScreenLines() = default;

void ScreenLines::hand_over() { m_emu = std::make_unique<EmulatedLines>(m_size, m_plain, m_emit); }

void ScreenLines::feed(Micros time, std::string_view bytes) {
  m_time = time;
  if (m_emu) {
    m_emu->feed(bytes);
    return;
  }
  std::size_t at = m_plain.feed(bytes, m_emit);
  if (at == PlainLines::all) return;
  hand_over();
  // In one write: libvterm 0.1.4 loses a character whose bytes come in two.
  m_emu->feed(m_plain.pending() + std::string(bytes.substr(at)));
}

void ScreenLines::resize(Micros time, TermSize size) {
  m_time = time;
  size = usable(size);
  if (m_model == Model::pipe || size == m_size) return;
  if (!m_emu && !m_plain.resize(size, m_emit)) {
    hand_over();
    m_emu->feed(m_plain.pending());
  }
  if (m_emu) m_emu->resize(size);
  m_size = size;
}

void ScreenLines::finish(Micros time) {
  m_time = time;
  if (m_emu) m_emu->finish();
  else m_plain.finish(m_emit);
}

} // namespace recssh::search
