// SPDX-License-Identifier: MIT
#include "core/event_reader.hpp"

#include <charconv>
#include <utility>

namespace recssh {

EventReader::EventReader(ReadOptions options) : m_opts(options) {}

// One record from `read`, checked; a malformed one is skipped and counted with
// skip_bad (or thrown).
template <class E, class Read> EventReader::Pulled EventReader::pull_one(E& e, Read read) {
  try {
    if (!read(e)) return Pulled::end;
    check(e.time, e.code, e.data);
    m_last = e.time;
    return Pulled::event;
  } catch (const FormatError& err) {
    if (!m_opts.skip_bad || !err.recoverable()) throw;
    ++m_skipped;
    diagnostics().warn(err.location(), err.message() + " (skipped)");
    return Pulled::skipped;
  }
}

// The next event, past skipped records: the loop next() and next_view() run.
template <class E, class Read> bool EventReader::pull(E& e, Read read) {
  for (;;) {
    switch (pull_one(e, read)) {
    case Pulled::event: return true;
    case Pulled::end: return false;
    case Pulled::skipped: break;
    }
  }
}

bool EventReader::next(Event& e) {
  return pull(e, [this](Event& x) { return do_next(x); });
}

bool EventReader::next_view(EventView& v) {
  return pull(v, [this](EventView& x) { return do_next_view(x); });
}

bool EventReader::next_views(std::vector<EventView>& out, std::size_t max) {
  out.clear();
  if (m_deferred) std::rethrow_exception(std::exchange(m_deferred, nullptr));
  if (m_ended) return false;
  auto read = [this](EventView& x) { return do_next_view(x); };
  EventView v;
  if (!pull(v, read)) return false;
  out.push_back(v);
  // One record at a time, asking before each read: a skipped record must not carry
  // the reader into a new buffer either.
  while (out.size() < max && views_stay_valid()) {
    try {
      const Pulled got = pull_one(v, read);
      if (got == Pulled::end) {
        m_ended = true;
        break;
      }
      if (got == Pulled::event) out.push_back(v);
    } catch (...) {
      m_deferred = std::current_exception();
      break;
    }
  }
  return true;
}

bool EventReader::do_next_view(EventView& v) {
  if (!do_next(m_scratch)) return false;
  v = {m_scratch.time, m_scratch.code, m_scratch.data};
  return true;
}

void EventReader::check(Micros& time, std::string_view code, std::string_view data) {
  if (code.empty()) throw FormatError(location(), "empty event code");
  // Every reader parses within range; this holds it for all of them (and for
  // arithmetic in readers, such as a shift). Not recoverable: the timeline is lost.
  if (time < Micros(0) || time > k_max_time)
    throw FormatError(location(), "event time " + format_seconds(time) + " s out of range (" + max_time_text() + ")",
                      false);
  if (time < m_last) {
    // Seen in asciinema 2.x appends; the order of events is kept, time is clamped.
    warn("time goes backwards (" + format_seconds(time) + " after " + format_seconds(m_last) +
         "); clamped to " + format_seconds(m_last));
    time = m_last;
  }
  if (code == code::resize && !parse_size(data))
    throw FormatError(location(), "invalid resize \"" + std::string(data) + "\" (expected COLSxROWS)");
  if (code == code::exit) {
    int status = 0;
    auto [p, ec] = std::from_chars(data.data(), data.data() + data.size(), status);
    if (data.empty() || ec != std::errc{} || p != data.data() + data.size())
      throw FormatError(location(), "invalid exit status \"" + std::string(data) + "\" (expected a number)");
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
