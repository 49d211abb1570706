// SPDX-License-Identifier: MIT
#include "play/text_lane.hpp"

#include "play/cell_grid.hpp"
#include "play/cell_width.hpp"
#include "play/vterm_guard.hpp"

#include <charconv>

namespace recssh::play {

namespace {

bool text_byte(unsigned char c) { return c >= 0x20 && c != 0x7f; } // in the ground state, UTF-8 mode

// A whole, shortest-form UTF-8 character of U+0080 and up at `s[k]`, or 0.
std::size_t decode(std::string_view s, std::size_t k, char32_t& cp) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(k);
  std::size_t len;
  if (c >= 0xC2 && c < 0xE0) len = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c < 0xF0) len = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c < 0xF5) len = 4, cp = c & 0x07;
  else return 0;
  if (k + len > s.size()) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    if ((b(k + i) & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (b(k + i) & 0x3F);
  }
  if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return len;
}

// The bytes of the character at `k` as libvterm's decoder takes them (one for ASCII
// or a byte it does not decode).
std::size_t glyph_bytes(std::string_view s, std::size_t k) {
  char32_t cp;
  const std::size_t len = decode(s, k, cp);
  return len ? len : 1;
}

// A whole UTF-8 character at `k` that libvterm may join to the one before.
bool joins(std::string_view s, std::size_t k) {
  char32_t cp;
  return decode(s, k, cp) && cell_width(cp) == 0;
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
      k = fed = draw(s, k);
      // libvterm draws the character there (if it is one): past it, the lane may
      // start again once libvterm has it.
      if (k < s.size() && text_byte(static_cast<unsigned char>(s[k])))
        for (const std::size_t end = k + glyph_bytes(s, k); k < end; ++k) step(static_cast<unsigned char>(s[k]));
      continue;
    }
    step(c);
    ++k;
  }
  feed(s.substr(fed));
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

// Draws characters from s[from] on; returns where libvterm goes on (from: nothing
// drawn), with its cursor put there.
std::size_t TextLane::draw(std::string_view s, std::size_t from) {
  VTermPos pos;
  vterm_state_get_cursorpos(m_state, &pos);
  const int cols = m_grid.cols();
  // libvterm holds a pending wrap only with its cursor on the last column, or the one
  // before after a wide character (the guard keeps every glyph at most two wide, and
  // REP to those one wide), and there is no getter for it: not there.
  if (pos.row < 0 || pos.row >= m_grid.rows() || pos.col < 0 || pos.col > cols - 3) return from;
  // The character held back: drawn once the next one is known not to join it.
  std::size_t held = 0;
  int held_col = 0, held_width = 0;
  char32_t held_cp = 0;
  bool holding = false, drew = false;
  std::size_t k = from;
  int at = pos.col; // where the next character goes
  while (k < s.size()) {
    const auto c = static_cast<unsigned char>(s[k]);
    if (c >= 0x20 && c < 0x7f) {
      // A run of ASCII: all but its last character drawn at once, that one held.
      const std::size_t n = std::min(ascii_run_end(s, k) - k, std::size_t(std::max(cols - 1 - at, 0)));
      if (n >= 2) {
        if (holding) m_grid.draw(pos.row, held_col, held_cp, held_width);
        for (std::size_t j = 0; j + 1 < n; ++j) m_grid.draw(pos.row, at + int(j), static_cast<unsigned char>(s[k + j]), 1);
        drew = true;
        holding = true;
        held = k + n - 1;
        held_col = at + int(n) - 1;
        held_width = 1;
        held_cp = static_cast<unsigned char>(s[held]);
        k += n;
        at += int(n);
        continue;
      }
    }
    char32_t cp = c;
    std::size_t len = 1;
    int width = 1;
    if (c >= 0x80) {
      len = decode(s, k, cp);
      width = len ? cell_width(cp) : 0;
    } else if (c < 0x20 || c == 0x7f) {
      width = 0;
    }
    if (width == 0) break; // not a character the lane knows never to join the one before
    if (holding) {
      m_grid.draw(pos.row, held_col, held_cp, held_width);
      drew = true;
      holding = false;
    }
    if (at + width >= cols) break; // at the edge: libvterm wraps, or holds the wrap
    holding = true;
    held = k;
    held_col = at;
    held_width = width;
    held_cp = cp;
    k += len;
    at += width;
  }
  if (!drew) return from;
  if (holding) {
    // Before a character that may join it, or at the end of what was given: libvterm
    // draws the held one.
    k = held;
    at = held_col;
  }
  char cha[16] = "\x1b[";
  char* end = std::to_chars(cha + 2, cha + sizeof cha - 1, at + 1).ptr;
  *end++ = 'G';
  vterm_input_write(m_vt, cha, std::size_t(end - cha));
  return k;
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
      m_arg_4 = m_arg_6 = false;
    } else if (c >= 0x20 && c <= 0x2f) {
      if (m_intermeds++ == 0) m_intermed = char(c);
    } else if (m_intermeds == 0 && c >= 0x40 && c < 0x60) {
      if (c == 'N' || c == 'O') m_single_shift = true; // SS2, SS3
      m_ps = P::ground;
    } else if (c >= 0x30 && c < 0x7f) {
      if (m_intermeds == 0) {
        if (c == 'c') { // RIS
          m_gl = 0;
          m_g0 = G0::utf8;
          m_single_shift = m_insert = m_origin = false;
        }
        if (c == 'n') m_gl = 2; // LS2
        if (c == 'o') m_gl = 3; // LS3
      } else if (m_intermeds == 1 && m_intermed == '(') {
        m_g0 = c == 'B' ? G0::ascii : G0::other;
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
    if (m_intermeds == 0 && (c == 'h' || c == 'l')) {
      if (m_leader == 0 && m_arg_4) m_insert = c == 'h';
      if (m_leader == '?' && m_arg_6) m_origin = c == 'h';
    }
    return;
  }
}

} // namespace recssh::play
