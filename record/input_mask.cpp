// SPDX-License-Identifier: MIT
#include "record/input_mask.hpp"

#include <algorithm>

namespace recssh::record {
namespace {

bool printable(unsigned char c) { return c >= 0x20 && c != 0x7f; }

// The length of the key sequence at data[i] (an ESC): CSI (arrows, function keys,
// bracketed paste marks) and SS3 whole; ESC x (Alt-x) is two bytes.
std::size_t key_sequence(std::string_view data, std::size_t i) {
  std::size_t j = i + 1;
  if (j >= data.size()) return 1;
  if (data[j] == 'O') return std::min<std::size_t>(3, data.size() - i);
  if (data[j] != '[') return 2;
  for (++j; j < data.size(); ++j)
    if (data[j] >= 0x40 && data[j] <= 0x7e) return j + 1 - i;
  return data.size() - i;
}

// What a terminal would echo of a keystroke chunk: its printable runs, split where a
// control key (Tab, Backspace) or a key sequence (an arrow, Alt-x) sits, because those
// are not echoed as themselves: Tab completes, so text appears between the runs. Spaces
// are left out on both sides, as a line that wraps is echoed with padding (" \r").
std::vector<std::string> echo_expectation(std::string_view data) {
  std::vector<std::string> out(1);
  auto boundary = [&] {
    if (!out.back().empty()) out.emplace_back();
  };
  for (std::size_t i = 0; i < data.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    if (c == 0x1b) {
      i += key_sequence(data, i) - 1;
      boundary();
    } else if (c == ' ') {
    } else if (printable(c)) {
      out.back().push_back(static_cast<char>(c));
    } else {
      boundary();
    }
  }
  if (out.back().empty()) out.pop_back();
  return out;
}

bool ends_line(std::string_view data) {
  // Enter ends the secret; ^C and ^U abandon it.
  return data.find_first_of("\r\n\x03\x15") != std::string_view::npos;
}

// Tracks the alternate screen: ESC [ ? 1049 h / 1047 h / 47 h enter it, ...l leave it.
void track_alt_screen(std::string_view text, bool& alt) {
  for (std::size_t p = text.find("\x1b[?"); p != std::string_view::npos; p = text.find("\x1b[?", p + 3)) {
    std::size_t q = p + 3;
    std::size_t num_end = q;
    while (num_end < text.size() && text[num_end] >= '0' && text[num_end] <= '9') ++num_end;
    if (num_end >= text.size()) break;
    std::string_view num = text.substr(q, num_end - q);
    if (num == "1049" || num == "1047" || num == "47") {
      if (text[num_end] == 'h') alt = true;
      if (text[num_end] == 'l') alt = false;
    }
  }
}

} // namespace

std::string InputMask::mask_text(std::string_view data) {
  std::string out;
  bool in_run = false;
  for (std::size_t i = 0; i < data.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    if (c == 0x1b) { // key sequences are keys, not text: kept whole
      std::size_t n = key_sequence(data, i);
      out.append(data.substr(i, n));
      i += n - 1;
      in_run = false;
    } else if (printable(c)) {
      if (!in_run) out.push_back('*');
      in_run = true;
    } else {
      out.push_back(static_cast<char>(c));
      in_run = false;
    }
  }
  return out;
}

void InputMask::emit(Event&& e) {
  if (e.is(code::output)) {
    take_output(e);
    m_held.emplace_back(std::move(e));
    release();
    return;
  }
  if (!e.is(code::input)) {
    m_held.emplace_back(std::move(e));
    release();
    return;
  }
  Held h{std::move(e)};
  h.alt_screen = m_alt_screen;
  if (m_line_masked) {
    mask(h);
    if (ends_line(h.event.data)) m_line_masked = false;
  } else if (auto expect = echo_expectation(h.event.data); !expect.empty()) {
    h.state = Held::State::undecided;
    h.expect = std::move(expect);
  }
  m_held.push_back(std::move(h));
  release();
}

void InputMask::take_output(const Event& e) {
  track_alt_screen(e.data, m_alt_screen);
  // The printable text of the output: escape sequences (CSI, OSC, two-byte ESC x) and
  // control characters removed, as the echo may be interleaved with them.
  std::string text;
  for (char ch : e.data) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (m_esc) {
    case Esc::esc: // ESC [ is CSI, ESC ] is OSC; ESC ( B and the like end at a final byte
      m_esc = c == '[' ? Esc::csi : c == ']' ? Esc::osc : (c >= 0x30 && c <= 0x7e) ? Esc::none : Esc::esc;
      continue;
    case Esc::csi: // parameters and intermediates, then a final byte 0x40..0x7e
      if (c >= 0x40 && c <= 0x7e) m_esc = Esc::none;
      continue;
    case Esc::osc: // up to BEL or ST (ESC \)
      if (c == 0x07) m_esc = Esc::none;
      if (c == 0x1b) m_esc = Esc::esc;
      continue;
    case Esc::none:
      break;
    }
    if (c == 0x1b) m_esc = Esc::esc;
    else if (printable(c) && c != ' ') text.push_back(ch);
  }
  if (!text.empty()) feed_echo(e.time, text);
}

// Each undecided input looks for its expected runs, in order, in the output that
// arrived within its window: each run as one piece (escape sequences, CR, LF and spaces
// between its characters do not count), anything between two runs (a Tab's completion).
// Inputs do not consume output (a redraw may show several at once).
void InputMask::feed_echo(Micros t, std::string_view text) {
  for (auto& h : m_held) {
    if (h.state != Held::State::undecided || t > h.event.time + m_window) continue;
    h.seen.append(text);
    while (h.found < h.expect.size()) {
      const std::string& want = h.expect[h.found];
      auto p = h.seen.find(want);
      if (p == std::string::npos) {
        if (h.seen.size() >= want.size()) h.seen.erase(0, h.seen.size() - (want.size() - 1));
        break;
      }
      h.seen.erase(0, p + want.size());
      ++h.found;
    }
    if (h.found == h.expect.size()) h.state = Held::State::plain;
  }
}

InputMask::Held* InputMask::first_undecided() {
  for (auto& h : m_held)
    if (h.state == Held::State::undecided) return &h;
  return nullptr;
}

void InputMask::mask(Held& h) {
  h.state = Held::State::masked;
  h.event.data = mask_text(h.event.data);
}

std::optional<Micros> InputMask::deadline() const {
  for (const auto& h : m_held)
    if (h.state == Held::State::undecided) return h.event.time + m_window;
  return std::nullopt;
}

void InputMask::tick(Micros now) {
  // Inputs are decided in order; one that timed out masks the rest of its line (on
  // the main screen, where a line is what a shell or a password prompt reads).
  bool masking = false;
  for (auto& h : m_held) {
    if (!h.event.is(code::input)) continue;
    if (h.state == Held::State::undecided && (masking || now >= h.event.time + m_window)) {
      mask(h);
      // A full-screen program (tmux, vim) takes keys one by one: judged one by one.
      masking = !h.alt_screen && !ends_line(h.event.data);
    } else if (masking && h.state == Held::State::plain) {
      // A control-only key on a masked line (Backspace): keep it, the line stays masked.
      masking = !ends_line(h.event.data);
    } else if (h.state == Held::State::undecided) {
      break;
    }
  }
  if (masking) m_line_masked = true;
  release();
}

void InputMask::finish() {
  for (auto& h : m_held)
    if (h.state == Held::State::undecided) mask(h);
  release();
}

void InputMask::release() {
  while (!m_held.empty() && m_held.front().state != Held::State::undecided) {
    Held& h = m_held.front();
    if (h.event.is(code::input)) {
      if (h.state == Held::State::masked && !m_span_open) {
        m_next.emit(Event::marker(h.event.time, "recssh: input masked (not echoed)"));
        m_span_open = true;
      } else if (h.state == Held::State::plain && !h.expect.empty()) {
        m_span_open = false; // echoed typing ends the masked run
      }
    }
    m_next.emit(std::move(h.event));
    m_held.pop_front();
  }
}

} // namespace recssh::record
