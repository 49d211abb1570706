// SPDX-License-Identifier: MIT
#pragma once
// The emulated screen (libvterm): what a viewer's terminal shows after a stream of
// output, kept without drawing, and painted back as one escape-sequence string that
// reproduces it on a terminal in its initial state (contents, colours and attributes,
// cursor, alternate screen and the primary screen under it, title).
#include "core/event.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace recssh::play {

class Screen {
public:
  // fast: libvterm's state layer under our CellGrid (play); reference: libvterm's own
  // screen layer, which is slow to scroll (tests compare the two).
  enum class Emulation { fast, reference };
  explicit Screen(TermSize size, Emulation emulation = Emulation::fast);
  ~Screen();
  Screen(const Screen&) = delete;
  Screen& operator=(const Screen&) = delete;

  void feed(std::string_view bytes);
  void resize(TermSize size);
  TermSize size() const { return m_size; }

  enum class Title { keep, drop };
  // Escape sequences that turn a freshly reset terminal of size() into this screen.
  // Title::drop leaves the title out (--safe).
  std::string paint(Title title = Title::keep) const;
  // A comparable text form of everything paint() reproduces (tests, --dump): one line
  // per row with its cells and their attributes, then cursor, modes and title.
  std::string dump() const;

  bool alternate() const;
  const std::string& title() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m;
  TermSize m_size;
};

// What leaves a viewer's terminal as it was before playing: attributes reset, the
// primary screen, a visible cursor, modes a recording may have set turned off.
std::string_view terminal_cleanup();

} // namespace recssh::play
