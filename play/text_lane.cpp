// SPDX-License-Identifier: MIT
#include "play/text_lane.hpp"

#include "play/cell_grid.hpp"
#include "play/cell_width.hpp"
#include "play/vterm_guard.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace recssh::play {

namespace {

bool text_byte(unsigned char c) { return c >= 0x20 && c != 0x7f; } // in the ground state, UTF-8 mode

// The bytes of the character at `k` as libvterm's decoder takes them (one for ASCII
// or a byte it does not decode).
std::size_t glyph_bytes(std::string_view s, std::size_t k) {
  char32_t cp;
  const std::size_t len = decode_utf8(s, k, cp);
  return len ? len : 1;
}

// The end of an SGR (ESC [ digits ; : m) or an erase-in-line (ESC [ digits K) that is
// whole in `s` from `k`, or 0: the sequences the lane passes or does itself.
std::size_t simple_csi(std::string_view s, std::size_t k) {
  if (k + 2 >= s.size() || s[k + 1] != '[') return 0;
  for (std::size_t i = k + 2; i < s.size() && i < k + 64; ++i) {
    const char c = s[i];
    if ((c >= '0' && c <= '9') || c == ';' || c == ':') continue;
    return c == 'm' || c == 'K' ? i + 1 : 0;
  }
  return 0;
}

// A whole UTF-8 character at `k` that libvterm may join to the one before.
bool joins(std::string_view s, std::size_t k) {
  char32_t cp;
  return decode_utf8(s, k, cp) && cell_width(cp) == 0;
}

} // namespace

void TextLane::feed(std::string_view bytes) {
  constexpr std::size_t k_piece = 16 << 10; // (libvterm decodes a run onto its stack)
  for (std::size_t done = 0; done < bytes.size();) {
    const std::size_t end = VtermGuard::split_point(bytes, done, k_piece);
    vterm_input_write(m_vt, bytes.data() + done, end - done);
    done = end;
  }
}

void TextLane::write(std::string_view s) {
  std::size_t fed = 0, k = 0;
  m_not_before = 0;
  while (k < s.size()) {
    const auto c = static_cast<unsigned char>(s[k]);
    if (m_ps == P::ground && text_byte(c) && open() && starts_apart(s, k) && cuts_alike(s, k)) {
      feed(s.substr(fed, k - fed));
      k = fed = run(s, k);
      // libvterm draws the character there (if it is one): past it, the lane may
      // start again once libvterm has it.
      if (k < s.size() && text_byte(static_cast<unsigned char>(s[k])))
        for (const std::size_t end = k + glyph_bytes(s, k); k < end; ++k) step(static_cast<unsigned char>(s[k]));
      continue;
    }
    step(c);
    ++k;
    // An HTS or TBC acts at libvterm's cursor: libvterm takes the bytes up to it
    // first, then the lane asks where that is.
    if (m_tab_op != TabOp::none) {
      feed(s.substr(fed, k - fed));
      fed = k;
      apply_tab_op();
    }
  }
  feed(s.substr(fed));
}

namespace {
std::string reset_tabs(int cols) {
  std::string t(std::size_t(std::max(cols, 0)), '0');
  for (std::size_t c = 0; c < t.size(); c += 8) t[c] = '1';
  return t;
}
} // namespace

// libvterm has just set or cleared the stop(s): the same here, at its cursor.
void TextLane::apply_tab_op() {
  const TabOp op = std::exchange(m_tab_op, TabOp::none);
  m_tabs_touched = true;
  const int cols = m_grid.cols();
  std::string tabs = m_tabs.empty() ? reset_tabs(cols) : m_tabs;
  VTermPos pos;
  vterm_state_get_cursorpos(m_state, &pos);
  if (op == TabOp::clear_all) tabs.assign(tabs.size(), '0');
  else if (pos.col >= 0 && pos.col < int(tabs.size())) tabs[std::size_t(pos.col)] = op == TabOp::set ? '1' : '0';
  m_tabs = tabs == reset_tabs(cols) ? std::string() : std::move(tabs);
}

void TextLane::resized(int cols) {
  if (m_tabs.empty()) return;
  std::string tabs = reset_tabs(cols);
  for (std::size_t c = 0; c < tabs.size() && c < m_tabs.size(); ++c) tabs[c] = m_tabs[c];
  m_tabs = tabs == reset_tabs(cols) ? std::string() : std::move(tabs);
}

std::string TextLane::tab_stops(VTermPos cursor) const {
  const std::string tabs = m_tabs.empty() ? reset_tabs(m_grid.cols()) : m_tabs;
  std::string s = "\x1b[3g";
  for (std::size_t c = 0; c < tabs.size(); ++c)
    if (tabs[c] == '1') s += "\x1b[" + std::to_string(c + 1) + "G\x1bH";
  return s + "\x1b[" + std::to_string(cursor.row + 1) + ";" + std::to_string(cursor.col + 1) + "H";
}

std::optional<std::string> TextLane::unpainted() const {
  if (m_sticky_off) return std::nullopt;
  std::string s;
  s += char('0' + int(m_ps));
  s += char('0' + m_gl);
  s += m_g0_final ? m_g0_final : '-';
  for (char g : m_g123) s += g ? g : '-';
  s += m_single_shift ? 's' : '-';
  return s;
}

std::string TextLane::charsets() const {
  std::string s;
  if (m_g0_final) s += std::string("\x1b(") + m_g0_final;
  for (int i = 0; i < 3; ++i)
    if (m_g123[i]) s += std::string("\x1b") + m_g123_with[i] + m_g123[i];
  if (m_gl == 1) s += '\x0e';                         // SO
  else if (m_gl == 2 || m_gl == 3) s += m_gl == 2 ? "\x1bn" : "\x1bo"; // LS2, LS3
  return s;
}

// With G0 designated ASCII (ESC ( B, which ncurses and `tput sgr0` write), libvterm
// decodes a run of text that starts with an ASCII byte only up to the first byte that
// is not: the rest is a run of its own, whose combining marks it joins to the
// character before only when the cursor is right after it, not when that character
// holds a pending wrap at the edge (a run decoded whole joins them). So where the
// lane cuts libvterm's text changes the screen if an ASCII character is followed by
// a combining mark in the run; in such a run (to its end, a control or the end of
// what was given) the lane does not cut. With G0 left as reset (UTF-8), any cut
// before a character that is never joined is alike.
bool TextLane::cuts_alike(std::string_view s, std::size_t k) {
  if (m_g0 == G0::utf8) return true;
  if (k < m_not_before) return false;
  std::size_t i = k;
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return true; // the run ends
    if (c >= 0x80 && i > k && static_cast<unsigned char>(s[i - 1]) < 0x80 && joins(s, i)) break;
  }
  if (i == s.size()) return true;
  // (not again until past it)
  for (; i < s.size() && static_cast<unsigned char>(s[i]) >= 0x20 && s[i] != 0x7f; ++i) {
  }
  m_not_before = i;
  return false;
}

// Draws, moves and erases from s[from] on, for as long as what comes is what the lane
// does exactly as libvterm: characters, CR, LF (scrolling at the bottom), BS, TAB,
// erase-in-line; SGRs pass to libvterm on the way (the pen is its). Returns where
// libvterm goes on (from: nothing done), with its cursor put where the lane left it
// and the last character drawn made libvterm's own (see settle()).
std::size_t TextLane::run(std::string_view s, std::size_t from) {
  VTermPos pos;
  vterm_state_get_cursorpos(m_state, &pos);
  const int rows = m_grid.rows(), cols = m_grid.cols();
  // libvterm holds a pending wrap only with its cursor on the last column, or the one
  // before after a wide character (the guard keeps every glyph at most two wide, and
  // REP to those one wide), and there is no getter for it: not there. The lane itself
  // never draws in the last column, so it never leaves one.
  if (pos.row < 0 || pos.row >= rows || pos.col < 0 || pos.col > cols - 3) return from;
  int row = pos.row, col = pos.col;
  Anchor last;
  bool did = false;
  std::size_t k = from;
  while (k < s.size()) {
    const auto c = static_cast<unsigned char>(s[k]);
    if (c >= 0x20 && c < 0x7f) {
      // A run of ASCII at once, up to the column before the last.
      const std::size_t n = std::min(ascii_run_end(s, k) - k, std::size_t(std::max(cols - 1 - col, 0)));
      if (n == 0) break; // at the edge: libvterm wraps, or holds the wrap
      m_grid.draw_ascii(row, col, s.data() + k, int(n));
      last = {true, row, col + int(n) - 1, 1, static_cast<unsigned char>(s[k + n - 1])};
      col += int(n);
      k += n;
      did = true;
      continue;
    }
    if (c >= 0x80) {
      char32_t cp;
      const std::size_t len = decode_utf8(s, k, cp);
      const int width = len ? cell_width(cp) : 0;
      // A combining mark joins the character before (libvterm's now), anything
      // undecoded is libvterm's to decode, and at the edge it wraps.
      if (width == 0 || col + width >= cols) break;
      m_grid.draw(row, col, cp, width);
      last = {true, row, col, width, cp};
      col += width;
      k += len;
      did = true;
      continue;
    }
    if (c == '\r') {
      col = 0;
    } else if (c == '\n' || c == 0x0b || c == 0x0c) {
      if (m_newline || m_region || m_lr_margins) break;
      if (row == rows - 1) m_grid.scroll_up();
      else ++row;
    } else if (c == '\b') {
      if (col > 0) --col;
    } else if (c == '\t' && m_tabs.empty()) {
      if (col < cols - 1) col = std::min((col / 8 + 1) * 8, cols - 1);
    } else if (c == 0x1b) {
      const std::size_t end = simple_csi(s, k);
      if (end == 0) break;
      const char final = s[end - 1];
      if (final == 'm') {
        feed(s.substr(k, end - k)); // the pen: libvterm's, and the grid's through it
      } else {                       // 'K', erase in line
        const std::string_view arg = s.substr(k + 2, end - 1 - (k + 2));
        if (arg.empty() || arg == "0") m_grid.erase_cells(row, col, cols);
        else if (arg == "1") m_grid.erase_cells(row, 0, col + 1);
        else if (arg == "2") m_grid.erase_cells(row, 0, cols);
        else break;
        did = true;
      }
      k = end;
      if (!cuts_alike(s, k)) break; // libvterm's text starts here as well
      continue;
    } else {
      break;
    }
    ++k;
    did = true;
    if (!cuts_alike(s, k)) break; // (a run libvterm must take whole: see cuts_alike)
  }
  if (!did) return from;
  settle(row, col, last);
  return k;
}

// libvterm is told where the cursor is, and made to hold the last character the lane
// drew as its own (what a later combining mark joins, what REP repeats): written
// again through libvterm at its place, the cells put back as they are.
void TextLane::settle(int row, int col, const Anchor& last) {
  // (at most "ESC[rrrrr;ccccc" and a character: within std::string's own buffer)
  auto cup = [](int r, int c) { return "\x1b[" + std::to_string(r + 1) + ";" + std::to_string(c + 1) + "H"; };
  if (last.valid) {
    std::string seq = cup(last.row, last.col);
    append_utf8(seq, last.cp);
    m_grid.save(last.row, last.col, last.width);
    vterm_input_write(m_vt, seq.data(), seq.size());
    m_grid.restore();
  }
  const std::string seq = cup(row, col);
  vterm_input_write(m_vt, seq.data(), seq.size());
}

void TextLane::step(unsigned char c) {
  if (c == 0x00 || c == 0x7f) return;
  if (c == 0x18 || c == 0x1a) {
    m_ps = P::ground;
    return;
  }
  if (c == 0x1b) {
    m_intermeds = 0;
    m_ps = m_ps == P::string ? P::esc_in_string : P::esc;
    return;
  }
  if (c < 0x20 && !(c == 0x07 && m_ps == P::string)) { // C0 controls run in any state
    if (c == 0x0e) m_gl = 1; // SO
    if (c == 0x0f) m_gl = 0; // SI
    return;
  }
  switch (m_ps) {
  case P::ground:
    if (c < 0x80) m_single_shift = false; // an ASCII character takes a single shift
    return;
  case P::string:
    if (c == 0x07) m_ps = P::ground;
    return;
  case P::esc_in_string:
    if (c == '\\') {
      m_ps = P::ground;
      return;
    }
    m_ps = P::esc;
    [[fallthrough]];
  case P::esc:
    if (c == 'P' || c == ']') {
      m_ps = P::string;
    } else if (c == '[') {
      m_ps = P::csi_leader;
      m_leader = 0;
      m_intermeds = 0;
      m_arg = -1;
      m_arg0 = -1;
      m_args = 0;
      m_arg_4 = m_arg_6 = m_arg_20 = m_arg_69 = m_any_arg = false;
    } else if (c >= 0x20 && c <= 0x2f) {
      if (m_intermeds++ == 0) m_intermed = char(c);
    } else if (m_intermeds == 0 && c >= 0x40 && c < 0x60) {
      if (c == 'N' || c == 'O') m_single_shift = true; // SS2, SS3
      if (c == 'H') m_tab_op = TabOp::set;             // HTS
      m_ps = P::ground;
    } else if (c >= 0x30 && c < 0x7f) {
      if (m_intermeds == 0) {
        if (c == 'c') { // RIS
          m_gl = 0;
          m_g0 = G0::utf8;
          m_g0_final = 0;
          m_g123[0] = m_g123[1] = m_g123[2] = 0;
          m_g123_with[0] = m_g123_with[1] = m_g123_with[2] = 0;
          m_single_shift = m_insert = m_origin = false;
          m_newline = m_region = m_lr_margins = false;
          m_tabs.clear();
        }
        if (c == 'n') m_gl = 2; // LS2
        if (c == 'o') m_gl = 3; // LS3
      } else if (m_intermeds == 1 && m_intermed == '(') {
        m_g0 = c == 'B' ? G0::ascii : G0::other;
        m_g0_final = char(c);
      } else if (m_intermeds == 1 && std::string_view(")*+-./").find(m_intermed) != std::string_view::npos) {
        const int set = (m_intermed == ')' || m_intermed == '-') ? 0 : (m_intermed == '*' || m_intermed == '.') ? 1 : 2;
        m_g123[set] = char(c);
        m_g123_with[set] = m_intermed;
      } else if (m_intermeds == 1 && m_intermed == '#' && (c == '3' || c == '4' || c == '6')) {
        m_sticky_off = true;
      }
      m_ps = P::ground;
    }
    return;
  case P::csi_leader:
    if (c >= 0x3c && c <= 0x3f) {
      m_leader = m_leader == 0 ? char(c) : '!'; // ('!': more than one, which libvterm ignores)
      return;
    }
    m_ps = P::csi_args;
    [[fallthrough]];
  case P::csi_args:
    if (c >= '0' && c <= '9') {
      m_arg = (m_arg < 0 ? 0 : m_arg) * 10 + (c - '0');
      return;
    }
    m_arg_4 = m_arg_4 || m_arg == 4;
    m_arg_6 = m_arg_6 || m_arg == 6;
    m_arg_20 = m_arg_20 || m_arg == 20;
    m_arg_69 = m_arg_69 || m_arg == 69;
    m_any_arg = m_any_arg || m_arg >= 0;
    if (m_args++ == 0) m_arg0 = m_arg;
    m_arg = -1;
    if (c == ';' || c == ':') return;
    m_ps = P::csi_intermed;
    [[fallthrough]];
  case P::csi_intermed:
    if (c >= 0x20 && c <= 0x2f) {
      if (m_intermeds++ == 0) m_intermed = char(c);
      return;
    }
    m_ps = P::ground;
    if (c < 0x40 || c > 0x7e) return; // not a CSI after all
    if (m_intermeds == 1 && m_intermed == '"' && c == 'q') m_sticky_off = true; // DECSCA
    // TBC, as libvterm 0.1.4 has it: its first argument, 0 at the cursor, 3 or 5 all
    // (1, 2, 4 and the rest do nothing; DECST8C, CSI ? 5 W, it does not know).
    if (c == 'g' && m_leader == 0 && m_intermeds == 0) {
      if (m_arg0 <= 0) m_tab_op = TabOp::clear;
      else if (m_arg0 == 3 || m_arg0 == 5) m_tab_op = TabOp::clear_all;
    }
    if (m_intermeds == 0 && (c == 'h' || c == 'l')) {
      if (m_leader == 0 && m_arg_4) m_insert = c == 'h';
      if (m_leader == 0 && m_arg_20) m_newline = c == 'h';
      if (m_leader == '?' && m_arg_6) m_origin = c == 'h';
      if (m_leader == '?' && m_arg_69) m_lr_margins = c == 'h';
    }
    if (c == 'r') { // DECSTBM: only one with no arguments at all surely leaves none
      if (m_leader == 0 && m_intermeds == 0 && !m_any_arg) m_region = false;
      else if (m_any_arg) m_region = true;
    }
    return;
  }
}

} // namespace recssh::play
