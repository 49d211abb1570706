// SPDX-License-Identifier: MIT
#pragma once
// Writers turn the event model back into a format. begin() once, write() per event,
// finish() once; the base enforces that order. Writers are dumb: every transformation
// (idle cap, shifts, joins) happens before them.
#include "core/event.hpp"
#include "core/io.hpp"

namespace recssh {

class EventReader;

class FormatOptions;
struct WriteOptions {
  bool v3_microseconds = false; // v3 intervals with µs instead of quantized ms
  // Each format's own options (FormatOptions, filled by the formats' CLI option sets);
  // nullptr: every format's defaults.
  const FormatOptions* formats = nullptr;
};

class EventWriter {
public:
  explicit EventWriter(ByteSink& sink) : m_sink(sink) {}
  virtual ~EventWriter() = default;
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  void begin(const Header& h);
  // Instead of begin(): continue a stream whose header and events up to time `last`
  // are already written (appending to an existing file).
  void resume(const Header& h, Micros last);
  void write(const Event& e);
  // Writes e using `tail` (EventReader::raw_tail of the line e came from) for all but
  // the time, when this writer's lines have that layout; otherwise write(e).
  void write(const Event& e, std::string_view tail);
  void finish();

protected:
  virtual void do_begin(const Header& h) = 0;
  virtual void do_resume(const Header&, Micros) {}
  virtual bool do_write_tail(const Event&, std::string_view) { return false; }
  virtual void do_write(const Event& e) = 0;
  virtual void do_finish() {}
  ByteSink& m_sink;

private:
  enum class State { fresh, open, done } m_state = State::fresh;
};

// Copies every event of `reader` to `writer` (begin .. finish). Returns the count.
std::uint64_t copy_events(EventReader& reader, EventWriter& writer);

} // namespace recssh
