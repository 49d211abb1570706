// SPDX-License-Identifier: MIT
#include "core/event_reader.hpp"

#include <charconv>

namespace recssh {

EventReader::EventReader(ReadOptions options) : m_opts(options) {}

bool EventReader::next(Event& e) {
  for (;;) {
    try {
      if (!do_next(e)) return false;
      check(e);
      m_last = e.time;
      return true;
    } catch (const FormatError& err) {
      if (!m_opts.skip_bad || !err.recoverable()) throw;
      ++m_skipped;
      diagnostics().warn(err.location(), err.message() + " (skipped)");
    }
  }
}

void EventReader::check(Event& e) {
  if (e.code.empty()) throw FormatError(location(), "empty event code");
  if (e.time < m_last) {
    // Seen in asciinema 2.x appends; the order of events is kept, time is clamped.
    warn("time goes backwards (" + format_seconds(e.time) + " after " + format_seconds(m_last) +
         "); clamped to " + format_seconds(m_last));
    e.time = m_last;
  }
  if (e.code == code::resize && !parse_size(e.data))
    throw FormatError(location(), "invalid resize \"" + e.data + "\" (expected COLSxROWS)");
  if (e.code == code::exit) {
    int status = 0;
    auto [p, ec] = std::from_chars(e.data.data(), e.data.data() + e.data.size(), status);
    if (e.data.empty() || ec != std::errc{} || p != e.data.data() + e.data.size())
      throw FormatError(location(), "invalid exit status \"" + e.data + "\" (expected a number)");
  }
}

VectorReader::VectorReader(Header h, std::vector<Event> events, ReadOptions o)
    : EventReader(o), m_events(std::move(events)) {
  m_header = std::move(h);
}

bool VectorReader::do_next(Event& e) {
  if (m_pos >= m_events.size()) return false;
  e = m_events[m_pos++];
  return true;
}

std::string VectorReader::do_location() const { return "<memory>:" + std::to_string(m_pos); }

} // namespace recssh
