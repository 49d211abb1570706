// SPDX-License-Identifier: MIT
#pragma once
// The emulated screen (libvterm): what a viewer's terminal shows after a stream of
// output, kept without drawing, and painted back as one escape-sequence string that
// reproduces it on a terminal in its initial state (contents, colours and attributes,
// cursor, alternate screen and the primary screen under it, title).
#include "core/event.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace recssh::play {

// What changes on the screen, for consumers that follow its rows rather than paint
// them (grep, text export). Called from inside feed() and resize(), in the order the
// changes happen; rows are 0-based.
class ScreenObserver {
public:
  virtual ~ScreenObserver() = default;
  // Cells of rows [first, end) changed (written, erased, or the whole screen redrawn).
  virtual void damaged(int first, int end) = 0;
  // Rows [src, src + count) were moved to [dest, dest + count); the screen already
  // shows them at dest. `vertical` false: cells moved within their rows (inserted or
  // deleted characters).
  virtual void moved(int dest, int src, int count, bool vertical) = 0;
  // The cursor went from row `from` to row `to` (called only when the row changes).
  virtual void cursor_row(int to, int from) = 0;
  // The top row scrolled off the screen, with its text (row_text's form); `index`
  // counts the rows pushed by one scroll, from 0.
  virtual void scrolled_off(int index, std::string text) = 0;
};

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
  // Title::drop leaves the title out (--safe). Emulation::fast's ends with the
  // character sets as designated (its text lane follows them; the reference's does
  // not).
  // Tab stops: in the paint where the recording set its own (Tabs::if_set), or always
  // (a viewer's terminal that was shown other stops before).
  enum class Tabs { if_set, always };
  std::string paint(Title title = Title::keep, Tabs tabs = Tabs::if_set) const;
  // The recording set or cleared a tab stop (HTS, TBC) in what this screen was fed.
  bool tabs_touched() const;
  // A comparable text form of everything paint() reproduces (tests, --dump): one line
  // per row with its cells and their attributes, then cursor, modes and title.
  std::string dump() const;

  // The emulator's state that paint() does not reproduce (character sets, a sequence
  // under way...): two screens whose paint() and unpainted() are equal draw any later
  // output alike. nullopt where it cannot be told (tab stops set, Emulation::reference).
  std::optional<std::string> unpainted() const;

  bool alternate() const;
  const std::string& title() const;

  // The text of a row as a viewer reads it: every character of its cells (blank cells
  // as spaces, a wide character once), trailing blanks left out.
  std::string row_text(int row) const;
  int cursor_row() const;
  // Reports changes to `observer` from now on (nullptr: no more); it must outlive
  // the screen or be removed first. Only Emulation::reference reports (throws Error
  // otherwise): the observer follows libvterm's screen layer.
  void observe(ScreenObserver* observer);

private:
  struct Impl;
  std::unique_ptr<Impl> m;
  TermSize m_size;
};

// What leaves a viewer's terminal as it was before playing: attributes reset, the
// primary screen, a visible cursor, modes a recording may have set turned off, and
// with `cols` (the terminal's width) the tab stops every 8 columns, as a reset sets
// them (a paint sets the recording's, for its width only).
std::string terminal_cleanup(int cols = 0);

} // namespace recssh::play
