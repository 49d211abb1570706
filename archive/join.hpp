// SPDX-License-Identifier: MIT
#pragma once
// Putting recordings one after another on one timeline (append and merge): the pause
// at each join follows a gap policy, a marker names the source and its SHA-256, an
// "r" event follows a size change, and optionally a terminal reset keeps the next
// session's prompt off the previous one's last line.
#include "core/event_reader.hpp"
#include "core/event_writer.hpp"

#include <optional>

namespace recssh::archive {

// The pause between the last event of one recording and the first of the next.
struct GapPolicy {
  enum class Kind { keep, cap, drop, default_cap } kind = Kind::default_cap;
  Micros cap{0};
  // "keep", "drop" or "cap:SECONDS"; throws UsageError.
  static GapPolicy parse(const std::string& text);
  // The pause to use, given the real one (if both recordings have timestamps) and the
  // default cap (the idle limit, or what the command defaults to).
  Micros apply(std::optional<Micros> real, Micros default_cap) const;
};

struct Source {
  std::string name;   // shown in the join marker
  std::string sha256; // of the file as stored
};

class Joiner {
public:
  // `end`: the time of the last event already written; `size`: the current size.
  Joiner(EventWriter& writer, Micros end, TermSize size) : m_w(writer), m_end(end), m_size(size) {}
  // Writes the events of `r` after a pause of `gap`: marker, "r" if the size differs,
  // the reset if asked, then every event shifted. `first` is r's first event if the
  // caller already took it (to compute the gap). Returns the number of events copied.
  std::uint64_t append(EventReader& r, const Source& src, Micros gap, bool reset, std::optional<Event> first);
  Micros end() const { return m_end; }
  TermSize size() const { return m_size; }

private:
  EventWriter& m_w;
  Micros m_end;
  TermSize m_size;
};

// The join marker's text: "recssh: join: NAME sha256=HEX".
std::string join_label(const Source& src);

// The terminal reset written between sessions in a merge: attributes off, leave the
// alternate screen, show the cursor, and a fresh line.
inline constexpr std::string_view k_session_reset = "\x1b[0m\x1b[?1049l\x1b[?25h\r\n";

} // namespace recssh::archive
