// SPDX-License-Identifier: MIT
#pragma once
// Keeps typed secrets out of recordings. Through ssh there is no way to see the remote
// terminal's ECHO flag, but there is its effect: text typed at a shell or editor comes
// back in the output, a password typed at sudo, su, passwd, `read -s` or `mysql -p`
// does not. So an input event whose printable characters do not come back in the
// output within `window` is masked: its printable runs become "*", its control keys
// (Enter, Backspace, ^C) and key sequences (arrows) are kept, and a marker opens the
// masked span. "Come back" allows what terminals do to an echo: escape sequences, CR,
// LF and padding between the characters (a line wrapping, a redraw), and any text where
// a Tab was typed (completion). Once a line is masked, the rest of it (up to Enter) is
// masked at once. On the alternate screen (tmux, screen, vim, less) the same test
// holds, key by key: a password read inside a remote tmux is not echoed and is masked;
// text typed into an editor is drawn and kept; an editor's command keys (dd, j) are not
// drawn as themselves and are masked too: when unsure, mask.
//
// While an input event waits for its verdict, later events are held back too, so the
// cast stays in time order; nothing is held longer than `window`.
#include "record/event_target.hpp"

#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace recssh::record {

class InputMask final : public EventTarget {
public:
  InputMask(EventTarget& next, Micros window) : m_next(next), m_window(window) {}
  void emit(Event&& e) override;
  // Time passes: inputs that waited `window` without an echo are masked.
  void tick(Micros now);
  std::optional<Micros> deadline() const;
  // End of session: undecided inputs are masked (when in doubt, keep secrets out).
  void finish();

  static std::string mask_text(std::string_view data);

private:
  struct Held {
    explicit Held(Event e) : event(std::move(e)) {}
    Event event;
    enum class State { plain, undecided, masked } state = State::plain;
    std::vector<std::string> expect; // printable runs to see echoed, in order
    std::size_t found = 0;           // runs seen so far
    std::string seen;                // printable output since, cut to what may still match
    bool alt_screen = false;         // typed while a full-screen program ran
  };
  void take_output(const Event& e);
  void feed_echo(Micros t, std::string_view text);
  void mask(Held& h);
  void release();
  Held* first_undecided();

  EventTarget& m_next;
  Micros m_window;
  std::deque<Held> m_held;
  bool m_alt_screen = false;
  enum class Esc { none, esc, csi, osc } m_esc = Esc::none; // output stripping state
  bool m_line_masked = false; // a secret is being typed: mask until Enter
  bool m_span_open = false;   // a marker already announces the current masked run
};

} // namespace recssh::record
