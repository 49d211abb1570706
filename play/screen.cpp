// SPDX-License-Identifier: MIT
#include "play/screen.hpp"

#include "core/errors.hpp"
#include "play/cell_grid.hpp"
#include "play/cell_width.hpp"
#include "play/text_lane.hpp"
#include "play/vterm_guard.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>
#include <vterm.h>

namespace recssh::play {

namespace {

void append_color(std::string& out, const VTermColor& c, bool fg) {
  if (fg ? VTERM_COLOR_IS_DEFAULT_FG(&c) : VTERM_COLOR_IS_DEFAULT_BG(&c)) return;
  if (VTERM_COLOR_IS_INDEXED(&c)) {
    int i = c.indexed.idx;
    if (i < 8) out += ';' + std::to_string((fg ? 30 : 40) + i);
    else if (i < 16) out += ';' + std::to_string((fg ? 90 : 100) + i - 8);
    else out += (fg ? ";38;5;" : ";48;5;") + std::to_string(i);
  } else {
    out += (fg ? ";38;2;" : ";48;2;") + std::to_string(c.rgb.red) + ';' + std::to_string(c.rgb.green) + ';' +
           std::to_string(c.rgb.blue);
  }
}

// The SGR that sets exactly these attributes and colours from a reset pen.
std::string sgr(const VTermScreenCellAttrs& a, const VTermColor& fg, const VTermColor& bg) {
  std::string s = "\x1b[0";
  if (a.bold) s += ";1";
  if (a.italic) s += ";3";
  if (a.underline == VTERM_UNDERLINE_SINGLE) s += ";4";
  if (a.underline == VTERM_UNDERLINE_DOUBLE) s += ";21";
  if (a.underline == VTERM_UNDERLINE_CURLY) s += ";4:3";
  if (a.blink) s += ";5";
  if (a.reverse) s += ";7";
  if (a.strike) s += ";9";
  if (a.font) s += ';' + std::to_string(10 + a.font);
  append_color(s, fg, true);
  append_color(s, bg, false);
  return s + 'm';
}

bool same_color(const VTermColor& a, const VTermColor& b) {
  if ((a.type & VTERM_COLOR_DEFAULT_MASK) != (b.type & VTERM_COLOR_DEFAULT_MASK)) return false;
  if (a.type & VTERM_COLOR_DEFAULT_MASK) return true;
  if (VTERM_COLOR_IS_INDEXED(&a) != VTERM_COLOR_IS_INDEXED(&b)) return false;
  if (VTERM_COLOR_IS_INDEXED(&a)) return a.indexed.idx == b.indexed.idx;
  return a.rgb.red == b.rgb.red && a.rgb.green == b.rgb.green && a.rgb.blue == b.rgb.blue;
}

bool same_attrs(const VTermScreenCellAttrs& a, const VTermScreenCellAttrs& b) {
  return a.bold == b.bold && a.underline == b.underline && a.italic == b.italic && a.blink == b.blink &&
         a.reverse == b.reverse && a.strike == b.strike && a.font == b.font;
}

bool is_plain_blank(const VTermScreenCell& c) {
  return (c.chars[0] == 0 || c.chars[0] == ' ') && !c.attrs.underline && !c.attrs.reverse && !c.attrs.strike &&
         VTERM_COLOR_IS_DEFAULT_BG(&c.bg) && VTERM_COLOR_IS_DEFAULT_FG(&c.fg); // (shown under DECSCNM)
}

// The SGR of the pen the terminal draws with now.
std::string pen_sgr(VTermState* state) {
  VTermScreenCellAttrs a{};
  VTermValue v;
  vterm_state_get_penattr(state, VTERM_ATTR_BOLD, &v), a.bold = v.boolean;
  vterm_state_get_penattr(state, VTERM_ATTR_ITALIC, &v), a.italic = v.boolean;
  vterm_state_get_penattr(state, VTERM_ATTR_UNDERLINE, &v), a.underline = unsigned(v.number) & 3;
  vterm_state_get_penattr(state, VTERM_ATTR_BLINK, &v), a.blink = v.boolean;
  vterm_state_get_penattr(state, VTERM_ATTR_REVERSE, &v), a.reverse = v.boolean;
  vterm_state_get_penattr(state, VTERM_ATTR_STRIKE, &v), a.strike = v.boolean;
  vterm_state_get_penattr(state, VTERM_ATTR_FONT, &v), a.font = unsigned(v.number) & 15;
  VTermValue fg, bg;
  vterm_state_get_penattr(state, VTERM_ATTR_FOREGROUND, &fg);
  vterm_state_get_penattr(state, VTERM_ATTR_BACKGROUND, &bg);
  return sgr(a, fg.color, bg.color);
}

struct Grid {
  int rows = 0, cols = 0;
  std::vector<VTermScreenCell> cells;
  VTermPos cursor{0, 0};
};

// The cells come from libvterm's screen layer (the reference) or from our CellGrid.
struct Cells {
  VTermScreen* screen = nullptr;
  const CellGrid* grid = nullptr;
  void get(int row, int col, VTermScreenCell& out) const {
    if (grid) grid->get_cell(row, col, out);
    else vterm_screen_get_cell(screen, VTermPos{row, col}, &out);
  }
};

// libvterm gives the cells' reverse attribute as shown, flipped under reverse video
// (DECSCNM); `as_set` flips it back to what the program set.
Grid capture(const Cells& cells, VTermState* state, int rows, int cols, bool as_set = false) {
  Grid g;
  g.rows = rows;
  g.cols = cols;
  g.cells.resize(std::size_t(rows) * cols);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      VTermScreenCell& cell = g.cells[std::size_t(r) * cols + c];
      cells.get(r, c, cell);
      if (as_set) cell.attrs.reverse = !cell.attrs.reverse;
    }
  vterm_state_get_cursorpos(state, &g.cursor);
  return g;
}

// Rows of cells: moves to each row, writes up to its last cell that is not a plain
// blank (the screen was cleared with the default pen), changing the pen only when a
// cell differs from the one before.
void paint_grid(std::string& out, const Grid& g) {
  for (int r = 0; r < g.rows; ++r) {
    const VTermScreenCell* row = &g.cells[std::size_t(r) * g.cols];
    int end = g.cols;
    while (end > 0 && is_plain_blank(row[end - 1])) --end;
    if (end == 0) continue;
    out += "\x1b[" + std::to_string(r + 1) + ";1H\x1b[0m";
    const VTermScreenCell* pen = nullptr;
    for (int c = 0; c < end; ++c) {
      const VTermScreenCell& cell = row[c];
      if (cell.chars[0] == uint32_t(-1)) {
        // The right half of a wide character whose left half is gone: a blank.
        out += "\x1b[0m ";
        pen = nullptr;
        continue;
      }
      if (!pen || !same_attrs(pen->attrs, cell.attrs) || !same_color(pen->fg, cell.fg) || !same_color(pen->bg, cell.bg)) {
        out += sgr(cell.attrs, cell.fg, cell.bg);
        pen = &cell;
      }
      if (cell.chars[0] == 0) {
        out += ' ';
        continue;
      }
      for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i]; ++i) append_utf8(out, cell.chars[i]);
      if (cell.width == 2) {
        ++c; // the next cell is the wide character's right half
      } else if (cell.chars[0] >= 0x1100 && c + 1 < end) {
        // A wide character whose right half was written over: the terminal has it in
        // one cell, so the cursor goes back to the next one explicitly.
        out += "\x1b[" + std::to_string(r + 1) + ";" + std::to_string(c + 2) + "H";
      }
    }
  }
  out += "\x1b[0m";
}

void dump_color(std::string& out, const VTermColor& c, bool fg) {
  if (fg ? VTERM_COLOR_IS_DEFAULT_FG(&c) : VTERM_COLOR_IS_DEFAULT_BG(&c)) return;
  if (VTERM_COLOR_IS_INDEXED(&c)) out += (fg ? " f" : " b") + std::to_string(c.indexed.idx);
  else
    out += (fg ? " f#" : " b#") + std::to_string(c.rgb.red) + "," + std::to_string(c.rgb.green) + "," +
           std::to_string(c.rgb.blue);
}

void dump_grid(std::string& out, const Grid& g, bool reverse_video) {
  for (int r = 0; r < g.rows; ++r) {
    std::string text, attrs;
    std::string prev;
    for (int c = 0; c < g.cols; ++c) {
      const VTermScreenCell& cell = g.cells[std::size_t(r) * g.cols + c];
      if (cell.chars[0] == uint32_t(-1)) {
        // An orphaned right half (its left half erased): libvterm keeps a marker
        // with stale attributes; a terminal shows a default blank.
        text += ' ';
        std::string a = reverse_video ? " rev" : "";
        if (a != prev) attrs += " " + std::to_string(c) + ":" + (a.empty() ? "-" : a);
        prev = a;
        continue;
      }
      if (cell.chars[0] == 0) text += ' ';
      else
        for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i]; ++i) append_utf8(text, cell.chars[i]);
      // Attributes of blanks that no one can see (fg, bold) do not count.
      bool blank = cell.chars[0] == 0 || cell.chars[0] == ' ';
      std::string a = sgr(cell.attrs, cell.fg, cell.bg);
      if (blank) {
        a.clear();
        if (cell.attrs.reverse) a += " rev";
        if (cell.attrs.underline) a += " ul";
        if (cell.attrs.strike) a += " st";
        dump_color(a, cell.bg, false);
        if (cell.attrs.reverse) dump_color(a, cell.fg, true);
      }
      if (a != prev) attrs += " " + std::to_string(c) + ":" + (a.empty() ? "-" : a.substr(a[0] == '\x1b' ? 1 : 0));
      prev = a;
      if (cell.width == 2) ++c;
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "|" + attrs + "\n";
  }
}

// What a viewer reads in a row of cells: blanks as spaces, a wide character once,
// no trailing blanks.
std::string cells_text(const VTermScreenCell* cells, int cols) {
  std::string text;
  for (int c = 0; c < cols; ++c) {
    const VTermScreenCell& cell = cells[c];
    if (cell.chars[0] == uint32_t(-1)) continue; // the right half of a wide character
    if (cell.chars[0] == 0) {
      text += ' ';
      continue;
    }
    for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i]; ++i) append_utf8(text, cell.chars[i]);
    if (cell.width == 2) ++c;
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

} // namespace

struct Screen::Impl {
  VTerm* vt = nullptr;
  VTermState* state = nullptr;
  std::unique_ptr<CellGrid> grid; // Emulation::fast
  std::unique_ptr<TextLane> lane; // with the grid
  Cells cells;
  bool alt = false;
  bool cursor_visible = true;
  bool reverse = false;
  std::string title;
  // The primary screen as it was when the alternate one was entered: libvterm keeps
  // it, but has no way to read it back.
  Grid primary;
  std::string primary_pen; // saved with the cursor by 1049h, restored by 1049l
  // What DECSC (or 1049h) saved last: libvterm has one slot and no way to read it.
  struct Saved {
    VTermPos pos{0, 0};
    std::string pen;
    bool visible = true;
    bool valid = false;
  } saved;
  std::string region; // the last DECSTBM that set a scrolling region
  // Modes that change how later output draws (libvterm has no getter for them).
  bool autowrap = true; // DECAWM
  bool insert = false;  // IRM
  bool newline = false; // LNM
  bool have_primary = false;
  // Finding "CSI ? ... h" that enters the alternate screen, across feeds.
  enum class Scan { text, esc, csi, private_csi } scan = Scan::text;
  std::string params;

  static int settermprop(VTermProp prop, VTermValue* val, void* user) {
    auto* self = static_cast<Impl*>(user);
    switch (prop) {
    case VTERM_PROP_ALTSCREEN:
      self->alt = val->boolean;
      if (!self->alt) self->have_primary = false;
      break;
    case VTERM_PROP_CURSORVISIBLE: self->cursor_visible = val->boolean; break;
    case VTERM_PROP_REVERSE: self->reverse = val->boolean; break;
    case VTERM_PROP_TITLE: self->title.assign(val->string); break;
    default: break;
    }
    return 1;
  }
  // What libvterm answers (device attributes, status reports) is dropped, except the
  // answer to a query of ours.
  std::string reply;
  bool capturing = false;
  static void on_output(const char* p, size_t n, void* user) {
    auto* self = static_cast<Impl*>(user);
    if (self->capturing && self->reply.size() < 256) self->reply.append(p, n);
  }
  // The scrolling region ('r': first row, end row) or the margins in force ('s':
  // first column, end column), asked of libvterm with DECRQSS: it has no getter,
  // and following every way a sequence can be written is not safe to rely on here.
  std::pair<int, int> query_margins(char which) {
    reply.clear();
    capturing = true;
    const char q[] = {'\x1b', 'P', '$', 'q', which, '\x1b', '\\'};
    write(q, sizeof q);
    capturing = false;
    // ESC P 1 $ r FIRST ; END which ESC backslash
    int first = 0, end = -1;
    std::size_t at = reply.find("1$r");
    if (at == std::string::npos || std::sscanf(reply.c_str() + at + 3, "%d;%d", &first, &end) != 2) return {0, -1};
    return {first - 1, end};
  }

  // For the observer (ScreenObserver); libvterm calls these from inside a write.
  ScreenObserver* observer = nullptr;
  int pushed = 0; // rows pushed off the top by the scroll under way
  static int on_damage(VTermRect r, void* user) {
    auto* self = static_cast<Impl*>(user);
    if (self->observer) self->observer->damaged(r.start_row, r.end_row);
    return 1;
  }
  static int on_moverect(VTermRect dest, VTermRect src, void* user) {
    auto* self = static_cast<Impl*>(user);
    self->pushed = 0;
    if (self->observer)
      self->observer->moved(dest.start_row, src.start_row, src.end_row - src.start_row,
                            dest.start_row != src.start_row);
    return 1; // moved, not damaged: the observer knows what it moved
  }
  static int on_movecursor(VTermPos pos, VTermPos old, int, void* user) {
    auto* self = static_cast<Impl*>(user);
    if (self->observer && pos.row != old.row) self->observer->cursor_row(pos.row, old.row);
    return 1;
  }
  static int on_pushline(int cols, const VTermScreenCell* cells, void* user) {
    auto* self = static_cast<Impl*>(user);
    if (self->observer) self->observer->scrolled_off(self->pushed++, cells_text(cells, cols));
    return 1;
  }

  void snapshot_primary() {
    int rows = 0, cols = 0;
    vterm_get_size(vt, &rows, &cols);
    primary = capture(cells, state, rows, cols, reverse);
    primary_pen = pen_sgr(state);
    have_primary = true;
  }

  // libvterm 0.1.4 keeps the scrolling region and margins across a resize and clamps
  // only their far ends: a region whose top is past the new bottom (or a left margin
  // past the new right edge) makes the next scroll move a negative number of rows,
  // overwriting memory outside the screen, from a recording anyone can write. Such a
  // region is reset before the resize, as xterm resets them on every resize: region,
  // margins and origin mode, with the cursor put back (each reset homes it). A region
  // that still fits is left as libvterm keeps it. The observer sees no round trip.
  void fit_margins(TermSize from, TermSize to) {
    // DECRQSS answers the end of the screen for "no region" (libvterm keeps none for
    // a region as large as the screen): that one follows the new size.
    auto [top, bottom] = query_margins('r');
    auto [left, right] = query_margins('s');
    if (bottom >= from.rows) bottom = to.rows;
    if (right >= from.cols) right = to.cols;
    if (std::min(bottom, to.rows) > top && std::min(right, to.cols) > left) {
      region = top == 0 && bottom >= to.rows
                   ? std::string()
                   : "\x1b[" + std::to_string(top + 1) + ";" + std::to_string(std::min(bottom, to.rows)) + "r";
      return;
    }
    VTermPos pos;
    vterm_state_get_cursorpos(state, &pos);
    ScreenObserver* quiet = std::exchange(observer, nullptr);
    const std::string seq = "\x1b[?6l\x1b[r\x1b[s\x1b[" + std::to_string(pos.row + 1) + ";" +
                            std::to_string(pos.col + 1) + "H";
    write(seq.data(), seq.size());
    observer = quiet;
    region.clear();
  }

  // A DEC private mode as libvterm has it now (DECRQM): 1 set, 2 reset, 0 unknown.
  int query_mode(int mode) {
    reply.clear();
    capturing = true;
    const std::string q = "\x1b[?" + std::to_string(mode) + "$p";
    write(q.data(), q.size());
    capturing = false;
    int number = 0, value = 0;
    std::size_t at = reply.find("[?");
    if (at == std::string::npos || std::sscanf(reply.c_str() + at + 2, "%d;%d", &number, &value) != 2) return 0;
    return number == mode ? value : 0;
  }

  // libvterm 0.1.4 keeps the primary screen's rows below the cursor visible on a
  // resize to fewer rows by moving everything up, the cursor too, without stopping
  // at the top: with more such rows than the new height the cursor ends above the
  // screen, and the next character is written outside it. The rows that push it off
  // (those as far below the cursor as the new height reaches, and further) are
  // erased first: they would be cut off anyway once the cursor stays on the top row,
  // which is where libvterm then leaves it.
  void keep_cursor_on_screen(TermSize from, TermSize to) {
    if (alt || to.rows >= from.rows) return;
    VTermPos pos;
    vterm_state_get_cursorpos(state, &pos);
    int row = from.rows - 1;
    for (VTermScreenCell cell; row >= to.rows; --row) {
      if (row == pos.row) break;
      int col = 0;
      for (; col < from.cols; ++col) {
        cells.get(row, col, cell);
        if (cell.chars[0] != 0) break;
      }
      if (col < from.cols) break;
    }
    if (row + 1 - to.rows <= pos.row) return;
    auto cup = [](int r, int c) { return "\x1b[" + std::to_string(r + 1) + ";" + std::to_string(c + 1) + "H"; };
    const bool origin = query_mode(6) == 1;
    std::string seq = origin ? "\x1b[?6l" : "";
    seq += cup(pos.row + to.rows, 0) + "\x1b[J";
    if (origin) {
      const int top = query_margins('r').first, left = query_margins('s').first;
      seq += "\x1b[?6h" + cup(pos.row - top, pos.col - left);
    } else {
      seq += cup(pos.row, pos.col);
    }
    ScreenObserver* quiet = std::exchange(observer, nullptr);
    write(seq.data(), seq.size());
    observer = quiet;
  }

  void save_cursor() {
    vterm_state_get_cursorpos(state, &saved.pos);
    saved.pen = pen_sgr(state);
    saved.visible = cursor_visible;
    saved.valid = true;
  }

  // Every byte for libvterm goes through the guard (play/vterm_guard.hpp), then in
  // pieces: libvterm 0.1.4 decodes a run of text into an array on the stack (one
  // uint32_t per character), so megabytes in one write would overflow it.
  VtermGuard guard;
  std::string guarded;
  void write(const char* p, std::size_t n) {
    guarded.clear();
    guard.pass(std::string_view(p, n), guarded);
    if (lane) {
      lane->write(guarded);
      if (guarded.capacity() > (1u << 20)) guarded = std::string();
      return;
    }
    constexpr std::size_t k_piece = 16 << 10;
    for (std::size_t done = 0; done < guarded.size();) {
      const std::size_t end = VtermGuard::split_point(guarded, done, k_piece);
      vterm_input_write(vt, guarded.data() + done, end - done);
      done = end;
    }
    if (guarded.capacity() > (1u << 20)) guarded = std::string(); // keep memory flat
  }

  // Feeds bytes, stopping just before the final byte of a DECSET that enters the
  // alternate screen (1047, 1049) to keep the primary screen first, and noting the
  // state libvterm cannot give back (DECSC, DECSTBM, modes).
  void feed(std::string_view b) {
    std::size_t from = 0;
    for (std::size_t i = 0; i < b.size(); ++i) {
      char ch = b[i];
      switch (scan) {
      case Scan::text: {
        // Most output is text: go to the next ESC at once.
        const void* esc = ch == '\x1b' ? b.data() + i : std::memchr(b.data() + i, '\x1b', b.size() - i);
        if (!esc) {
          i = b.size();
          break;
        }
        i = std::size_t(static_cast<const char*>(esc) - b.data());
        scan = Scan::esc;
        break;
      }
      case Scan::esc:
        if (ch == '7') {
          // DECSC: what it saved is read back right after it.
          write(b.data() + from, i + 1 - from);
          from = i + 1;
          save_cursor();
        }
        if (ch == 'c') { // RIS: everything back to the start
          saved.valid = false;
          region.clear();
          autowrap = true;
          insert = newline = false;
        }
        scan = ch == '[' ? Scan::csi : ch == '\x1b' ? Scan::esc : Scan::text;
        params.clear();
        break;
      case Scan::csi:
        if (ch == '?' && params.empty()) {
          scan = Scan::private_csi;
        } else if ((ch >= '0' && ch <= '9') || ch == ';') {
          if (params.size() < 64) params += ch;
        } else {
          // DECSTBM: kept as written, to be written again by paint().
          if (ch == 'r') region = params.empty() ? std::string() : "\x1b[" + params + "r";
          if (ch == 'h' || ch == 'l') {
            if (has_param("4")) insert = ch == 'h';
            if (has_param("20")) newline = ch == 'h';
          }
          scan = ch == '\x1b' ? Scan::esc : Scan::text;
        }
        break;
      case Scan::private_csi:
        if ((ch >= '0' && ch <= '9') || ch == ';') {
          if (params.size() < 64) params += ch;
          break;
        }
        scan = ch == '\x1b' ? Scan::esc : Scan::text;
        if ((ch == 'h' || ch == 'l') && has_param("7")) autowrap = ch == 'h';
        if (ch == 'h' && enters_alternate()) {
          // Everything before it first: it may have left the alternate screen.
          write(b.data() + from, i - from);
          from = i;
          // 1049 saves the cursor as DECSC does, even on the alternate screen.
          if (has_param("1049")) save_cursor();
          if (!alt) snapshot_primary();
        }
        break;
      }
    }
    write(b.data() + from, b.size() - from);
  }

  bool has_param(std::string_view want) const {
    std::size_t pos = 0;
    while (pos <= params.size()) {
      std::size_t end = params.find(';', pos);
      if (end == std::string::npos) end = params.size();
      if (std::string_view(params.data() + pos, end - pos) == want) return true;
      pos = end + 1;
    }
    return false;
  }

  bool enters_alternate() const {
    std::size_t pos = 0;
    while (pos <= params.size()) {
      std::size_t end = params.find(';', pos);
      if (end == std::string::npos) end = params.size();
      std::string_view p(params.data() + pos, end - pos);
      // (libvterm 0.1.4 has no 47, which xterm treats as 1047.)
      if (p == "1047" || p == "1049") return true;
      pos = end + 1;
    }
    return false;
  }
};

namespace {
// libvterm 0.1.4 dereferences a null pointer when a wide character meets a terminal
// one column wide: such a recording is emulated two columns wide (and with at least
// one row), which shows the same text.
TermSize emulable(TermSize size) { return {std::max(size.cols, 2), std::max(size.rows, 1)}; }
} // namespace

Screen::Screen(TermSize size, Emulation emulation) : m(std::make_unique<Impl>()), m_size(emulable(size)) {
  size = m_size;
  m->vt = vterm_new(size.rows, size.cols);
  if (!m->vt) throw Error("cannot create a terminal emulator of " + format_size(size));
  vterm_set_utf8(m->vt, 1);
  vterm_output_set_callback(m->vt, &Impl::on_output, m.get());
  if (emulation == Emulation::fast) {
    m->state = vterm_obtain_state(m->vt);
    m->grid = std::make_unique<CellGrid>(m->state, size.rows, size.cols, &Impl::settermprop, m.get());
    m->cells.grid = m->grid.get();
    m->lane = std::make_unique<TextLane>(m->vt, m->state, *m->grid);
    vterm_state_reset(m->state, 1);
  } else {
    // The reference: libvterm's screen layer, whose callbacks also feed an observer.
    VTermScreen* screen = vterm_obtain_screen(m->vt);
    m->state = vterm_obtain_state(m->vt);
    m->cells.screen = screen;
    static const VTermScreenCallbacks callbacks = {&Impl::on_damage, &Impl::on_moverect, &Impl::on_movecursor,
                                                   &Impl::settermprop, nullptr, nullptr, &Impl::on_pushline, nullptr};
    vterm_screen_set_callbacks(screen, &callbacks, m.get());
    vterm_screen_enable_altscreen(screen, 1);
    vterm_screen_reset(screen, 1);
  }
  // A real terminal restores the defaults when nothing was saved; libvterm restores a
  // zeroed state (a black-on-black pen). Saving once at start makes them agree.
  vterm_input_write(m->vt, "\x1b" "7", 2);
}

Screen::~Screen() { vterm_free(m->vt); }

void Screen::feed(std::string_view bytes) { m->feed(bytes); }

std::optional<std::string> Screen::unpainted() const {
  if (!m->lane) return std::nullopt;
  auto lane = m->lane->unpainted();
  if (!lane) return std::nullopt;
  return *lane + "|" + m->guard.state() + "|" + char('0' + int(m->scan)) + m->params;
}

void Screen::resize(TermSize size) {
  size = emulable(size);
  if (size == m_size) return;
  m->fit_margins(m_size, size);
  m->keep_cursor_on_screen(m_size, size);
  m_size = size;
  vterm_set_size(m->vt, size.rows, size.cols);
  if (m->lane) m->lane->resized(size.cols);
  m->have_primary = false; // libvterm reflows it; our copy would be the old size
}

bool Screen::alternate() const { return m->alt; }

std::string Screen::row_text(int row) const {
  std::vector<VTermScreenCell> cells(std::size_t(std::max(m_size.cols, 0)));
  for (int c = 0; c < m_size.cols; ++c) m->cells.get(row, c, cells[std::size_t(c)]);
  return cells_text(cells.data(), m_size.cols);
}

int Screen::cursor_row() const {
  VTermPos pos;
  vterm_state_get_cursorpos(m->state, &pos);
  return pos.row;
}

void Screen::observe(ScreenObserver* observer) {
  // The observer follows the screen layer's callbacks: only the reference has them.
  if (observer && !m->cells.screen) throw Error("a screen observer needs Screen::Emulation::reference");
  m->observer = observer;
}
const std::string& Screen::title() const { return m->title; }

bool Screen::tabs_touched() const { return m->lane && m->lane->tabs_touched(); }

std::string Screen::paint(Title title, Tabs tabs) const {
  // From whatever the viewer's terminal shows (a jump back may leave the alternate
  // screen): primary screen, no scroll region, normal video, cleared.
  // (The pen is reset after 1049l: leaving the alternate screen restores the pen
  // saved on entering it, which on a fresh terminal is black on black, not default.)
  // The cursor is shown before 1049h saves it, for the same reason.
  std::string out = "\x1b[?1049l\x1b[0m\x1b[?25h\x1b[?5l\x1b[r\x1b[H\x1b[2J";
  if (m->alt) {
    if (m->have_primary) {
      paint_grid(out, m->primary);
      out += "\x1b[" + std::to_string(m->primary.cursor.row + 1) + ";" + std::to_string(m->primary.cursor.col + 1) + "H";
      out += m->primary_pen;
    }
    // 1049 saves the primary cursor, switches and clears the alternate screen.
    out += "\x1b[?1049h\x1b[0m\x1b[H\x1b[2J";
  }
  Grid g = capture(m->cells, m->state, m_size.rows, m_size.cols, m->reverse);
  paint_grid(out, g);
  // After the cells: with insert mode on, painting them would shift them.
  if (!m->autowrap) out += "\x1b[?7l";
  if (m->insert) out += "\x1b[4h";
  if (m->newline) out += "\x1b[20h";
  out += m->region;
  if (m->saved.valid) {
    out += "\x1b[" + std::to_string(m->saved.pos.row + 1) + ";" + std::to_string(m->saved.pos.col + 1) + "H";
    out += m->saved.pen;
    out += m->saved.visible ? "\x1b[?25h" : "\x1b[?25l";
    out += "\x1b" "7";
  }
  if (m->reverse) out += "\x1b[?5h";
  if (title == Title::keep && !m->title.empty()) out += "\x1b]2;" + m->title + "\x07";
  out += "\x1b[" + std::to_string(g.cursor.row + 1) + ";" + std::to_string(g.cursor.col + 1) + "H";
  out += m->cursor_visible ? "\x1b[?25h" : "\x1b[?25l";
  // The pen the recording left set, for the next output to draw with.
  out += pen_sgr(m->state);
  // Last: the tab stops and the character sets change how later text is drawn, not
  // what is there now (a recording that set its own tab stops, or designated line
  // drawing once and shifts to it with SO).
  if (m->lane && (tabs == Tabs::always || m->lane->tabs_set())) out += m->lane->tab_stops(g.cursor);
  if (m->lane) out += m->lane->charsets();
  return out;
}

std::string Screen::dump() const {
  std::string out;
  if (m->alt && m->have_primary) {
    out += "[primary]\n";
    dump_grid(out, m->primary, false);
  }
  out += m->alt ? "[alternate]\n" : "[screen]\n";
  Grid g = capture(m->cells, m->state, m_size.rows, m_size.cols);
  dump_grid(out, g, m->reverse);
  out += "cursor " + std::to_string(g.cursor.row) + "," + std::to_string(g.cursor.col) +
         (m->cursor_visible ? " visible" : " hidden") + (m->reverse ? " reverse-video" : "") + "\n";
  out += "title " + m->title + "\n";
  return out;
}

std::string terminal_cleanup(int cols) {
  // SGR reset, primary screen, cursor shown, no mouse reporting, no bracketed paste,
  // normal cursor and keypad keys, normal video, the character set shifted back and
  // G0 as reset (a recording left in line drawing), then with the cursor saved: no
  // scroll region, the tab stops; then a new line.
  std::string out = "\x0f\x1b(B\x1b[0m\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l"
                    "\x1b[?2004l\x1b[?1l\x1b>\x1b[?5l\x1b" "7\x1b[r";
  if (cols > 0) {
    out += "\x1b[3g";
    for (int c = 0; c < cols; c += 8) out += "\x1b[" + std::to_string(c + 1) + "G\x1bH";
  }
  return out + "\x1b" "8\r\n";
}

} // namespace recssh::play
