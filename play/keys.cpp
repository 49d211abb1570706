// SPDX-License-Identifier: MIT
#include "play/keys.hpp"

namespace recssh::play {

namespace {
Key plain_key(char c) {
  switch (c) {
  case ' ': return Key::pause;
  case '.': return Key::step;
  case ']': return Key::next_marker;
  case '[': return Key::prev_marker;
  case '>': return Key::forward_pct;
  case '<': return Key::back_pct;
  case '+': case '=': return Key::faster;
  case '-': case '_': return Key::slower;
  case 'q': case 'Q': case '\x03': return Key::quit;
  case '?': return Key::help;
  case 't': case 'T': return Key::status;
  case '\x1a': return Key::suspend;
  case '\x0c': return Key::redraw;
  default: return Key::none;
  }
}

// CSI or SS3 arrow keys, with xterm's modifier parameter (2 = Shift).
Key arrow(std::string_view seq) {
  char final = seq.back();
  if (final != 'C' && final != 'D') return Key::none;
  bool shift = seq.find(";2") != std::string_view::npos;
  if (final == 'C') return shift ? Key::forward_pct : Key::forward;
  return shift ? Key::back_pct : Key::back;
}
} // namespace

void KeyDecoder::feed(std::string_view bytes, std::vector<Key>& out) {
  m_pending.append(bytes);
  std::size_t i = 0;
  while (i < m_pending.size()) {
    char c = m_pending[i];
    if (c != '\x1b') {
      if (Key k = plain_key(c); k != Key::none) out.push_back(k);
      ++i;
      continue;
    }
    if (i + 1 >= m_pending.size()) {
      // A lone ESC at the end of a read is the Escape key: nothing to do with it.
      if (bytes.size() == 1) ++i;
      break;
    }
    char intro = m_pending[i + 1];
    if (intro != '[' && intro != 'O') {
      ++i; // ESC + key (Alt): ignored, the key is read on its own
      continue;
    }
    std::size_t j = i + 2;
    while (j < m_pending.size() && (static_cast<unsigned char>(m_pending[j]) < 0x40 || m_pending[j] > 0x7E)) ++j;
    if (j >= m_pending.size()) {
      if (j - i > 16) i = j; // not a key sequence: drop it
      break;
    }
    if (Key k = arrow(std::string_view(m_pending).substr(i, j - i + 1)); k != Key::none) out.push_back(k);
    i = j + 1;
  }
  m_pending.erase(0, i);
}

std::string_view key_help() {
  return "space pause  . step  ]/[ marker  \u2192/\u2190 5s  >/< 10%  +/- speed  t status  q quit";
}

} // namespace recssh::play
