// SPDX-License-Identifier: MIT
#include "search/screen_lines.hpp"

#include "play/screen.hpp"
#include "search/cell_width.hpp"

#include <algorithm>
#include <vector>

namespace recssh::search {

namespace {

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += char(c);
  } else if (c < 0x800) {
    out += char(0xC0 | (c >> 6));
    out += char(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += char(0xE0 | (c >> 12));
    out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  } else {
    out += char(0xF0 | (c >> 18));
    out += char(0x80 | ((c >> 12) & 0x3F));
    out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  }
}

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
}

namespace {

// As libvterm reads a row back: right halves of wide characters left out, blanks as
// spaces, no trailing blanks. (Once per line: written through a pointer.)
void cells_text(std::string& t, const std::u32string& cells) {
  std::size_t end = cells.size();
  while (end > 0 && (cells[end - 1] == 0 || cells[end - 1] == U' ' || cells[end - 1] == PlainLines::k_right_half)) --end;
  t.resize(end * 4);
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
  t.resize(std::size_t(p - t.data()));
}

// Draws `cells` on row `row` of a fresh screen: every character where it is, with a
// cursor move wherever writing in sequence would not put it there (a wide
// character's right half written over).
void paint_cells(std::string& out, const std::u32string& cells, int row) {
  int next = -1; // where the cursor is after the last character written
  for (int c = 0; c < int(cells.size()); ++c) {
    char32_t ch = cells[std::size_t(c)];
    if (ch == 0 || ch == PlainLines::k_right_half) continue;
    if (c != next) out += cup(row, c);
    append_utf8(out, ch);
    next = c + cell_width(ch);
  }
}

} // namespace

std::string PlainLines::paint() const {
  std::string out;
  const int row = cursor_row();
  for (int r = 0; r < row; ++r) paint_cells(out, m_above[std::size_t(r)], r);
  paint_cells(out, m_row, row);
  if (m_phantom) {
    // The last character again, to leave the wrap pending as it is.
    int c = m_cols - 1;
    if (m_row[std::size_t(c)] == k_right_half && c > 0) --c;
    out += cup(row, c);
    append_utf8(out, m_row[std::size_t(c)] ? m_row[std::size_t(c)] : U' ');
  } else {
    // The last character written, written last again: libvterm joins a combining
    // mark that comes next to it.
    if (m_last >= 0 && m_row[std::size_t(m_last)] != 0 && m_row[std::size_t(m_last)] != k_right_half) {
      out += cup(row, m_last);
      append_utf8(out, m_row[std::size_t(m_last)]);
    }
    out += cup(row, m_col);
  }
  return out;
}

std::size_t PlainLines::fail(std::size_t at) {
  // (Never in pipe mode: callers drop what they cannot show instead.)
  return at;
}

bool PlainLines::splits_wide(int first, int last) const {
  // Writing or erasing cells [first, last] would leave half of a wide character.
  if (!m_wide || m_pipe) return false;
  return (first < m_cols && m_row[std::size_t(first)] == k_right_half) ||
         (last + 1 < m_cols && m_row[std::size_t(last) + 1] == k_right_half);
}

bool PlainLines::put(char32_t c, int width, const Emit& emit) {
  if (!m_phantom && m_col + width <= m_cols && splits_wide(m_col, m_col + width - 1)) return false;
  if (width == 2) m_wide = true;
  if (m_pipe) {
    m_dirty = true;
    if (std::size_t(m_col + width) > m_row.size()) m_row.resize(std::size_t(m_col + width), 0);
    m_row[std::size_t(m_col)] = c;
    if (width == 2) m_row[std::size_t(m_col) + 1] = k_right_half;
    m_col += width;
    return true;
  }
  // libvterm: the deferred wrap, or a wide character that does not fit: a line feed
  // and column 0.
  if (m_phantom || m_col + width > m_cols) {
    linefeed(emit);
    m_col = 0;
    m_phantom = false;
  }
  m_row[std::size_t(m_col)] = c;
  if (width == 2) m_row[std::size_t(m_col) + 1] = k_right_half;
  m_last = m_col;
  m_dirty = true;
  if (m_col + width >= m_cols) m_phantom = true;
  else m_col += width;
  return true;
}

void PlainLines::linefeed(const Emit& emit) {
  if (m_pipe) {
    if (m_dirty) {
      cells_text(m_text, m_row);
      if (!m_text.empty()) emit(m_text);
    }
    m_row.clear();
    m_col = 0;
    m_dirty = false;
    return;
  }
  if (m_dirty) {
    cells_text(m_text, m_row);
    if (!m_text.empty()) emit(m_text);
  }
  bool at_bottom = int(m_above.size()) >= m_rows - 1;
  m_above.push_back(m_row);
  if (int(m_above.size()) > m_rows - 1) m_above.pop_front();
  std::fill(m_row.begin(), m_row.end(), 0);
  m_wide = false;
  m_last = -1;
  m_dirty = false;
  // libvterm keeps a pending wrap when the cursor did not move (a scroll).
  if (!at_bottom) m_phantom = false;
}

bool PlainLines::erase_line(int mode) {
  std::size_t from = mode == 0 ? std::size_t(m_col) : 0;
  std::size_t to = mode == 1 ? std::size_t(m_col) + 1 : m_row.size();
  if (splits_wide(int(from), int(to) - 1)) return false;
  if (m_pipe && mode == 0) {
    if (from < m_row.size()) m_row.resize(from);
  } else {
    to = std::min(to, m_row.size());
    for (std::size_t i = from; i < to; ++i) m_row[i] = 0;
  }
  m_dirty = true;
  return true;
}

std::size_t PlainLines::feed(std::string_view b, const Emit& emit) {
  const std::size_t n = b.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto ch = static_cast<unsigned char>(b[i]);
    switch (m_st) {
    case St::text:
      if (ch >= 0x20 && ch < 0x7f) {
        if (!m_pipe && !m_wide && !m_phantom) {
          // A run of ASCII text up to the end of the row, as put() would write it.
          std::size_t room = std::size_t(m_cols - m_col), k = 0;
          while (k < room && i + k < n && b[i + k] >= 0x20 && b[i + k] < 0x7f) ++k;
          const bool joined = zero_width_next(b, i + k);
          if (joined) --k; // (the last one is the emulator's)
          char32_t* cells = m_row.data() + m_col;
          for (std::size_t j = 0; j < k; ++j) cells[j] = char32_t(static_cast<unsigned char>(b[i + j]));
          if (k > 0) {
            m_last = m_col + int(k) - 1;
            m_dirty = true;
            if (k == room) m_col = m_cols - 1, m_phantom = true;
            else m_col += int(k);
          }
          if (joined) return fail(i + k);
          i += k - 1;
          continue;
        }
        // (Half a wide character, or one a combining mark joins: the emulator's.)
        if (zero_width_next(b, i + 1) || !put(ch, 1, emit)) return fail(i);
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
      case 0x1b:
        m_st = St::esc;
        m_seq.assign(1, char(ch));
        break;
      default:
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
        } else if (width == 0 || width > m_cols || zero_width_next(b, i + 1) || !put(m_cp, width, emit)) {
          // The whole character goes to the emulator.
          m_seq.resize(m_seq.size() - 1);
          m_st = St::utf8;
          ++m_need;
          return fail(i);
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
        } else if (ch == 'K' && !m_private && (m_params.empty() || m_params == "0" || m_params == "1" || m_params == "2") &&
                   erase_line(m_params.empty() ? 0 : m_params[0] - '0')) {
          // erased
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

void PlainLines::finish(const Emit& emit) {
  if (!m_dirty) return;
  cells_text(m_text, m_row);
  if (!m_text.empty()) emit(m_text);
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
  EmulatedLines(TermSize size, const PlainLines& plain, const Emit& emit) : EmulatedLines(size, emit) {
    m_quiet = true;
    m_screen.feed(plain.paint());
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
      if (src + k < int(was.size()) && was[std::size_t(src + k)]) emit(m_screen.row_text(dest + k));
    for (int k = 0; k < count; ++k)
      if (dest + k < int(m_dirty.size())) m_dirty[std::size_t(dest + k)] = 0;
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

// libvterm scrolls a one-row screen by erasing it, unseen: two rows at least.
TermSize usable(TermSize s) { return TermSize{s.cols, std::max(s.rows, 2)}; }

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
  if (!m_emu) {
    // (A resize moves and cuts rows as libvterm decides: the emulator's job.)
    hand_over();
    m_emu->feed(m_plain.pending());
  }
  m_emu->resize(size);
  m_size = size;
}

void ScreenLines::finish(Micros time) {
  m_time = time;
  if (m_emu) m_emu->finish();
  else m_plain.finish(m_emit);
}

} // namespace recssh::search
