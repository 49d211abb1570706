// SPDX-License-Identifier: MIT
#include "search/typed_input.hpp"

namespace recssh::search {

namespace {

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::size_t prev_char(const std::string& s, std::size_t at) {
  while (at > 0 && continuation(s[--at])) {
  }
  return at;
}

std::size_t next_char(const std::string& s, std::size_t at) {
  if (at < s.size()) ++at;
  while (at < s.size() && continuation(s[at])) ++at;
  return at;
}

} // namespace

void TypedLines::insert(std::string_view ch) {
  m_line.insert(m_cursor, ch);
  m_cursor += ch.size();
}

void TypedLines::feed(std::string_view keys, const Emit& emit) {
  for (char c : keys) {
    const auto u = static_cast<unsigned char>(c);
    switch (m_st) {
    case St::esc:
      m_st = c == '[' ? St::csi : c == 'O' ? St::ss3 : St::text;
      m_params.clear();
      continue;
    case St::csi:
      if ((c >= '0' && c <= '9') || c == ';') {
        m_params += c;
        continue;
      }
      m_st = St::text;
      if (c == 'D') m_cursor = prev_char(m_line, m_cursor);
      else if (c == 'C') m_cursor = next_char(m_line, m_cursor);
      else if (c == 'H' || (c == '~' && (m_params == "1" || m_params == "7"))) m_cursor = 0;
      else if (c == 'F' || (c == '~' && (m_params == "4" || m_params == "8"))) m_cursor = m_line.size();
      else if (c == '~' && m_params == "3" && m_cursor < m_line.size())
        m_line.erase(m_cursor, next_char(m_line, m_cursor) - m_cursor);
      continue;
    case St::ss3:
      m_st = St::text;
      if (c == 'D') m_cursor = prev_char(m_line, m_cursor);
      else if (c == 'C') m_cursor = next_char(m_line, m_cursor);
      else if (c == 'H') m_cursor = 0;
      else if (c == 'F') m_cursor = m_line.size();
      continue;
    case St::text: break;
    }
    if (!m_char.empty() || u >= 0x80) {
      if (u >= 0xC0 || !continuation(c)) m_char.clear();
      m_char += c;
      std::size_t want = (static_cast<unsigned char>(m_char[0]) >= 0xF0) ? 4
                         : (static_cast<unsigned char>(m_char[0]) >= 0xE0) ? 3
                         : (static_cast<unsigned char>(m_char[0]) >= 0xC0) ? 2
                                                                             : 1;
      if (m_char.size() >= want) {
        insert(m_char);
        m_char.clear();
      }
      continue;
    }
    switch (u) {
    case '\r':
    case '\n':
    case 0x03: // Ctrl-C: the line was typed, and abandoned
      if (!m_line.empty()) emit(m_line);
      m_line.clear();
      m_cursor = 0;
      break;
    case 0x7f:
    case 0x08: {
      std::size_t p = prev_char(m_line, m_cursor);
      m_line.erase(p, m_cursor - p);
      m_cursor = p;
      break;
    }
    case 0x15: // Ctrl-U
      m_line.erase(0, m_cursor);
      m_cursor = 0;
      break;
    case 0x17: { // Ctrl-W: blanks, then the word before them
      std::size_t p = m_cursor;
      while (p > 0 && m_line[p - 1] == ' ') --p;
      while (p > 0 && m_line[p - 1] != ' ') --p;
      m_line.erase(p, m_cursor - p);
      m_cursor = p;
      break;
    }
    case 0x0b: m_line.erase(m_cursor); break; // Ctrl-K
    case 0x01: m_cursor = 0; break;           // Ctrl-A
    case 0x05: m_cursor = m_line.size(); break; // Ctrl-E
    case 0x1b: m_st = St::esc; break;
    default:
      if (u >= 0x20) insert(std::string_view(&c, 1));
      // Other control keys (Tab, Ctrl-C, Ctrl-D...) act on the remote side only.
      break;
    }
  }
}

void TypedLines::finish(const Emit& emit) {
  if (!m_line.empty()) emit(m_line);
  m_line.clear();
  m_cursor = 0;
}

} // namespace recssh::search
