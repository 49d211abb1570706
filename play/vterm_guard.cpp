// SPDX-License-Identifier: MIT
#include "play/vterm_guard.hpp"

#include "play/cell_width.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace recssh::play {

namespace {

// A character that libvterm 0.1.4 draws one column wide and never treats as
// combining (cell_width's table): REP repeats it within the row. (A wide one is
// repeated by whole glyphs up to the right edge and past it: REP of a wide character
// that ends one column short writes its right half outside the row.)
bool safe_last_character(std::string_view tail) {
  if (tail.empty()) return false;
  const auto last = static_cast<unsigned char>(tail.back());
  if (last >= 0x20 && last < 0x7f) return true;
  std::size_t lead = tail.size();
  while (lead > 0 && (static_cast<unsigned char>(tail[lead - 1]) & 0xC0) == 0x80) --lead;
  if (lead == 0) return false;
  const auto b = static_cast<unsigned char>(tail[lead - 1]);
  const std::size_t len = tail.size() - (lead - 1);
  std::uint32_t cp;
  if (b >= 0xC2 && b < 0xE0 && len == 2) cp = b & 0x1F;
  else if (b >= 0xE0 && b < 0xF0 && len == 3) cp = b & 0x0F;
  else if (b >= 0xF0 && b < 0xF5 && len == 4) cp = b & 0x07;
  else return false;
  for (std::size_t k = lead; k < tail.size(); ++k) cp = cp << 6 | (static_cast<unsigned char>(tail[k]) & 0x3F);
  return cp >= 0xA0 && cp <= 0x10FFFF && cell_width(cp) == 1;
}

// Continuation bytes after a lead byte, as libvterm 0.1.4's decoder counts them.
int continuations(unsigned char c) {
  if (c >= 0xC0 && c < 0xE0) return 1;
  if (c >= 0xE0 && c < 0xF0) return 2;
  if (c >= 0xF0 && c < 0xF8) return 3;
  if (c >= 0xF8 && c < 0xFC) return 4;
  if (c >= 0xFC && c < 0xFE) return 5;
  return 0;
}

// U+302A..U+302F and U+3099..U+309A (E3 80 AA..AF, E3 82 99..9A): combining marks
// that libvterm 0.1.4 also finds in its table of wide characters. In the run of text
// after the character they mark, it adds their two columns to its width: one mark
// more than half the terminal's width makes a glyph wider than the screen, written
// past the end of the row. A NUL before each ends libvterm's run there, and a mark
// that starts a run joins the character before as terminals join it (no width).
bool wide_mark(unsigned char second, unsigned char third) {
  return (second == 0x80 && third >= 0xAA && third <= 0xAF) || (second == 0x82 && (third == 0x99 || third == 0x9A));
}

// Where the text from `i` stops being only printable ASCII and whole UTF-8 characters
// that pass as they are (a C1 control or a wide mark, an unfinished or broken
// sequence, a control, DEL: the byte-by-byte path takes it).
std::size_t clean_run(std::string_view in, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(in[k]); };
  while (i < in.size()) {
    i = ascii_run_end(in, i);
    if (i == in.size()) break;
    const unsigned char c = b(i);
    const std::size_t len = c >= 0xC2 && c < 0xE0 ? 2 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xF0 && c < 0xF5 ? 4 : 0;
    if (len == 0 || i + len > in.size()) return i;
    for (std::size_t k = 1; k < len; ++k)
      if ((b(i + k) & 0xC0) != 0x80) return i;
    if (c == 0xC2 && b(i + 1) < 0xA0) return i;                  // C1
    if (c == 0xE3 && wide_mark(b(i + 1), b(i + 2))) return i;    // gets its NUL
    i += len;
  }
  return i;
}

constexpr std::string_view k_bound_cursor = "\x1b[>c";

} // namespace

std::size_t VtermGuard::split_point(std::string_view out, std::size_t from, std::size_t max) {
  const std::size_t end = std::min(out.size(), from + max);
  if (end == out.size()) return end;
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(out[k]); };
  // Best right after a control: libvterm ends its text there anyway, so the cut
  // changes nothing. Else before a character it never joins to the one before; else
  // after ASCII (its decoder holds nothing); else before a lead byte (a piece that
  // starts with one cannot yield two characters from one byte); else before a
  // continuation byte (nor can that), which libvterm may lose.
  for (std::size_t k = end; k > from && end - k < max / 2; --k)
    if (byte(k - 1) < 0x20) return k;
  for (std::size_t k = end; k > from && end - k < 64; --k)
    if (starts_apart(out, k)) return k;
  for (std::size_t k = end; k > from && end - k < 64; --k)
    if (byte(k - 1) < 0x80) return k;
  for (std::size_t k = end; k > from && end - k < 64; --k)
    if (byte(k) >= 0xC0) return k;
  return end;
}

// The last 4 bytes of the tail so far followed by p[0, n).
void VtermGuard::keep_tail(const char* p, std::size_t n) {
  if (n >= 4) {
    std::memcpy(m_tail, p + n - 4, 4);
    m_tail_len = 4;
    return;
  }
  const std::size_t keep = std::min(m_tail_len, 4 - n);
  std::memmove(m_tail, m_tail + (m_tail_len - keep), keep);
  std::memcpy(m_tail + keep, p, n);
  m_tail_len = keep + n;
}

// A control or an escape ends the text run: an unfinished sequence goes, and what REP
// would repeat is known.
void VtermGuard::end_text_run(std::string& out) {
  if (m_need > 0) {
    out.resize(m_lead);
    m_need = 0;
  }
  const std::size_t n = std::min<std::size_t>(out.size() - m_run, 4);
  keep_tail(out.data() + out.size() - n, n);
}

// The end of a CSI at in[i] (ESC [) that passes as it is, whole in `in`: arguments
// only (digits, ';', ':'), at most k_max_args of them and 9 digits each, and a final
// byte that needs nothing done (not REP, whose safety depends on what came before).
// 0: not one (the byte-by-byte path takes it). Most of them are SGRs.
std::size_t VtermGuard::plain_csi(std::string_view in, std::size_t i) const {
  if (i + 2 >= in.size() || in[i + 1] != '[') return 0;
  int separators = 0, digits = 0;
  for (std::size_t k = i + 2; k < in.size(); ++k) {
    const auto c = static_cast<unsigned char>(in[k]);
    if (c >= '0' && c <= '9') {
      if (++digits > 9) return 0;
    } else if (c == ';' || c == ':') {
      if (++separators >= k_max_args) return 0;
      digits = 0;
    } else {
      return c >= 0x40 && c <= 0x7e && c != 'b' ? k + 1 : 0;
    }
  }
  return 0;
}

std::string VtermGuard::state() const {
  std::string s;
  s += char('0' + int(m_state));
  s += m_rep_ok ? 'r' : '-';
  s += std::to_string(m_need) + ":" + m_held + ":";
  s.append(m_tail, m_tail_len);
  return s;
}

void VtermGuard::pass(std::string_view in, std::string& out) {
  out.reserve(out.size() + in.size() + m_held.size());
  m_run = out.size();
  if (!m_held.empty()) {
    m_lead = out.size();
    out += m_held;
    m_held.clear();
  }
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (m_state == State::normal && c >= 0x20 && c != 0x7f) {
      // Text, the bulk of any output: ASCII runs are copied whole. Only whole UTF-8
      // sequences go out, so libvterm's decoder never holds one where a piece ends:
      // one cut by another byte is dropped (libvterm would show U+FFFD for it).
      if (m_need > 0 && (c < 0x80 || c >= 0xC0)) {
        out.resize(m_lead);
        m_need = 0;
      }
      if (m_need == 0) {
        // A run of printable ASCII and whole UTF-8 characters that need nothing done
        // (no C1 control, no wide mark) goes out in one piece.
        const std::size_t j = clean_run(in, i);
        if (j > i) {
          out.append(in.data() + i, j - i);
          i = j - 1;
          continue;
        }
      }
      if (c < 0x80) {
        out += static_cast<char>(c);
        continue;
      }
      if (c >= 0xC0) {
        m_need = continuations(c);
        m_lead = out.size();
      } else if (m_need > 0 && --m_need == 0) {
        const auto lead = static_cast<unsigned char>(out[m_lead]);
        if (lead == 0xC2 && c < 0xA0) {
          out.resize(m_lead); // U+0080..U+009F: a C1 control as text
          continue;
        }
        if (lead == 0xE3 && out.size() == m_lead + 2 && wide_mark(static_cast<unsigned char>(out[m_lead + 1]), c))
          out.insert(m_lead, 1, '\0'); // (NUL ends libvterm's text run; it draws nothing)
      }
      out += static_cast<char>(c);
      continue;
    }
    if ((c == 0x00 || c == 0x7f) && m_state != State::normal) { // skipped by the parser
      out += static_cast<char>(c);
      continue;
    }
    if (m_state == State::normal) {
      end_text_run(out);
      m_rep_ok = c == 0x1b && safe_last_character(std::string_view(m_tail, m_tail_len));
      m_tail_len = 0;
      if (c == 0x1b) {
        // An SGR and the like: whole, as it is.
        if (const std::size_t end = plain_csi(in, i)) {
          out.append(in.data() + i, end - i);
          i = end - 1;
          m_run = out.size();
          continue;
        }
      }
    }
    out += static_cast<char>(c);
    if (c == 0x18 || c == 0x1a) { // CAN, SUB: back to text
      m_state = State::normal;
      m_run = out.size();
      continue;
    }
    if (c == 0x1b) {
      m_state = m_state == State::string ? State::esc_in_string : State::esc;
      m_esc_intermed = false;
      continue;
    }
    if ((c < 0x20 && !(c == 0x07 && m_state == State::string)) || c == 0x7f) { // run, state kept
      if (m_state == State::normal) m_run = out.size();
      continue;
    }
    switch (m_state) {
    case State::normal: break;
    case State::esc_in_string:
      if (c == '\\') {
        m_state = State::normal;
        break;
      }
      m_state = State::esc;
      [[fallthrough]];
    case State::esc:
      if (c == '[') {
        m_state = State::csi_args;
        m_leader = true;
        m_csi_plain = true;
        m_csi_private = false;
        m_separators = 0;
        m_digits = 0;
      } else if (c == 'P' || c == ']') {
        m_state = State::string;
      } else if (c >= 0x20 && c <= 0x2f) {
        m_esc_intermed = true;
      } else if (c < 0x80) {
        // The escape is done (a byte from 0x80 up is skipped).
        m_state = State::normal;
        if (c == '8' && !m_esc_intermed) out += k_bound_cursor; // DECRC
      }
      break;
    case State::csi_args:
      if (m_leader && c >= 0x3c && c <= 0x3f) {
        m_csi_plain = false;
        m_csi_private = m_csi_private || c == '?';
        break;
      }
      m_leader = false;
      if (c >= '0' && c <= '9') {
        // A digit of an argument past the last, or past the 9th of one (libvterm's
        // long would overflow: a value it masks to 31 bits anyway).
        if (m_separators >= k_max_args || ++m_digits > 9) out.pop_back();
        break;
      }
      if (c == ':' || c == ';') {
        m_digits = 0;
        if (++m_separators >= k_max_args) out.pop_back();
        break;
      }
      m_state = State::csi_intermed;
      [[fallthrough]];
    case State::csi_intermed:
      if (c >= 0x20 && c <= 0x2f) {
        m_csi_plain = false;
        break;
      }
      m_state = State::normal; // a final byte, or not a CSI at all
      if (c == 'b' && m_csi_plain && !m_rep_ok) {
        out.back() = '\x18'; // REP with nothing safe to repeat: CAN ends it instead
      } else if ((c == 'h' || c == 'l') && m_csi_private) {
        out += k_bound_cursor;
      }
      break;
    case State::string:
      if (c == 0x07) m_state = State::normal; // BEL ends OSC and DCS
      break;
    }
    if (m_state == State::normal) m_run = out.size();
  }
  if (m_state == State::normal) {
    // The run goes on in the next pass: an unfinished sequence waits for it there.
    if (m_need > 0) {
      m_held.assign(out, m_lead, std::string::npos);
      out.resize(m_lead);
    }
    const std::size_t n = std::min<std::size_t>(out.size() - m_run, 4);
    keep_tail(out.data() + out.size() - n, n);
  }
}

} // namespace recssh::play
