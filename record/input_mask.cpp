// SPDX-License-Identifier: MIT
#include "record/input_mask.hpp"

namespace recssh::record {
namespace {

bool printable(unsigned char c) { return c >= 0x20 && c != 0x7f; }

// The characters of a keystroke chunk that a terminal would echo: printable bytes
// outside escape sequences (arrow keys send ESC [ A, which comes back differently).
std::string echo_expectation(std::string_view data) {
  std::string out;
  for (std::size_t i = 0; i < data.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    if (c == 0x1b) return {}; // a key sequence: no echo to expect
    if (printable(c)) out.push_back(static_cast<char>(c));
  }
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
  for (char ch : data) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (printable(c)) {
      if (!in_run) out.push_back('*');
      in_run = true;
    } else {
      out.push_back(ch);
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
  if (!e.is(code::input) || m_alt_screen) {
    m_held.emplace_back(std::move(e));
    release();
    return;
  }
  Held h{std::move(e)};
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
    else if (printable(c)) text.push_back(ch);
  }
  if (!text.empty()) feed_echo(e.time, text);
}

// Each undecided input looks for its expected text in the output that arrived within
// its window; inputs do not consume output (a redraw may show several at once).
void InputMask::feed_echo(Micros t, std::string_view text) {
  for (auto& h : m_held) {
    if (h.state != Held::State::undecided || t > h.event.time + m_window) continue;
    h.seen.append(text);
    if (h.seen.find(h.expect) != std::string::npos) {
      h.state = Held::State::plain;
      continue;
    }
    std::size_t keep = h.expect.size() - 1;
    if (h.seen.size() > keep) h.seen.erase(0, h.seen.size() - keep);
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
  // Inputs are decided in order; one that timed out masks the rest of its line.
  bool masking = false;
  for (auto& h : m_held) {
    if (!h.event.is(code::input)) continue;
    if (h.state == Held::State::undecided && (masking || now >= h.event.time + m_window)) {
      mask(h);
      masking = !ends_line(h.event.data);
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
