// SPDX-License-Identifier: MIT
#include "play/safe_filter.hpp"

namespace recssh::play {

namespace {
constexpr std::size_t k_max_seq = 4096; // longer sequences are dropped, not buffered
}

void SafeFilter::finish_csi(std::string& out) {
  // m_seq is ESC [ params intermediates final.
  std::string_view s(m_seq);
  std::string_view body = s.substr(2, s.size() - 3);
  char final = s.back();
  bool drop = m_overlong || final == 't' || final == 'c' || final == 'n';
  if (final == 'p' && body.find('$') != std::string_view::npos) drop = true;
  if (final == '~' && (body == "200" || body == "201")) drop = true;
  if ((final == 'h' || final == 'l') && !body.empty() && body[0] == '?') {
    std::string_view p = body.substr(1);
    for (std::size_t pos = 0; pos <= p.size();) {
      std::size_t end = p.find(';', pos);
      if (end == std::string_view::npos) end = p.size();
      if (p.substr(pos, end - pos) == "2004") drop = true;
      pos = end + 1;
    }
  }
  if (drop) ++m_dropped;
  else out += m_seq;
}

void SafeFilter::finish_osc(std::string& out) {
  // Only hyperlinks (OSC 8 ; params ; URI) to something other than a local file.
  std::string_view s(m_seq);
  bool keep = !m_overlong && s.substr(0, 4) == "\x1b]8;";
  if (keep) {
    std::size_t uri = s.find(';', 4);
    std::string_view rest = uri == std::string_view::npos ? std::string_view{} : s.substr(uri + 1);
    if (uri == std::string_view::npos || rest.substr(0, 5) == "file:" || rest.substr(0, 5) == "FILE:") keep = false;
  }
  if (keep) out += m_seq;
  else ++m_dropped;
}

void SafeFilter::filter(std::string_view in, std::string& out) {
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char ch = in[i];
    const auto u = static_cast<unsigned char>(ch);
    switch (m_state) {
    case State::text:
      if (ch == '\x1b') {
        m_state = State::esc;
        m_seq.assign(1, ch);
      } else if (u == 0xC2) {
        m_state = State::c2; // maybe a C1 control in UTF-8
      } else {
        // Plain text runs go out in one piece.
        std::size_t j = i;
        while (j < in.size() && in[j] != '\x1b' && static_cast<unsigned char>(in[j]) != 0xC2) ++j;
        out.append(in.data() + i, j - i);
        i = j - 1;
      }
      break;
    case State::c2:
      // U+0090 DCS, U+0098 SOS, U+009E PM, U+009F APC, U+009B CSI, U+009D OSC: the
      // same as their ESC forms for terminals that honour them; never shown.
      if (u == 0x90 || u == 0x98 || u == 0x9E || u == 0x9F) {
        m_state = State::string;
        ++m_dropped;
      } else if (u == 0x9B) {
        m_state = State::csi;
        m_seq = "\x1b[";
      } else if (u == 0x9D) {
        m_state = State::osc;
        m_seq = "\x1b]";
      } else {
        out += '\xC2';
        m_state = State::text;
        --i; // read again as text
      }
      break;
    case State::esc:
      m_overlong = false;
      if (ch == '[') {
        m_state = State::csi;
        m_seq += ch;
      } else if (ch == ']') {
        m_state = State::osc;
        m_seq += ch;
      } else if (ch == 'P' || ch == 'X' || ch == '^' || ch == '_') {
        m_state = State::string;
        ++m_dropped;
      } else if (ch == '\x1b') {
        out += m_seq; // a lone ESC, then another
      } else if (ch == '\\') {
        m_state = State::text; // a stray ST ends nothing: dropped
      } else {
        out += m_seq;
        out += ch;
        m_state = State::text;
      }
      break;
    case State::csi:
      if (u >= 0x40 && u <= 0x7E) {
        m_seq += ch;
        finish_csi(out);
        m_state = State::text;
      } else if (ch == '\x18' || ch == '\x1a') {
        m_state = State::text; // CAN, SUB: the sequence is cancelled
      } else if (ch == '\x1b') {
        m_state = State::esc; // an unfinished sequence is abandoned
        m_seq.assign(1, ch);
      } else if (m_seq.size() < k_max_seq) {
        m_seq += ch;
      } else {
        m_overlong = true;
      }
      break;
    case State::osc:
      if (ch == '\x07' || u == 0x9C) {
        m_seq += '\x07';
        finish_osc(out);
        m_state = State::text;
      } else if (ch == '\x1b') {
        m_state = State::string_esc; // ST (ESC \) ends it
        if (m_seq.size() < k_max_seq) m_seq += ch;
      } else if (ch == '\x18' || ch == '\x1a') {
        m_state = State::text;
        ++m_dropped;
      } else if (m_seq.size() < k_max_seq) {
        m_seq += ch;
      } else {
        m_overlong = true;
      }
      break;
    case State::string:
      if (ch == '\x1b') {
        m_state = State::string_esc;
        m_seq.clear();
      } else if (ch == '\x18' || ch == '\x1a' || u == 0x9C) {
        m_state = State::text;
      }
      break;
    case State::string_esc:
      if (!m_seq.empty() && m_seq[0] == '\x1b' && m_seq.size() > 1 && m_seq[1] == ']') {
        // in an OSC
        if (ch == '\\') {
          m_seq += ch;
          finish_osc(out);
          m_state = State::text;
        } else {
          ++m_dropped; // ESC in an OSC aborts it; the ESC starts the next sequence
          m_state = State::esc;
          m_seq.assign(1, '\x1b');
          --i;
          m_state = State::esc;
        }
        break;
      }
      if (ch == '\\') {
        m_state = State::text;
      } else {
        // ESC ends the string without ST (as in a terminal) and starts a sequence;
        // the ESC that ended it is not shown.
        m_state = State::esc;
        m_seq.assign(1, '\x1b');
        if (ch != '\x1b') --i;
      }
      break;
    }
  }
}

} // namespace recssh::play
