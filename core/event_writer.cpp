// SPDX-License-Identifier: MIT
#include "core/event_writer.hpp"

#include "core/event_reader.hpp"

#include <cassert>

namespace recssh {

void EventWriter::begin(const Header& h) {
  assert(m_state == State::fresh);
  do_begin(h);
  m_state = State::open;
}

void EventWriter::resume(const Header& h, Micros last) {
  assert(m_state == State::fresh);
  do_resume(h, last);
  m_state = State::open;
}

void EventWriter::write(const Event& e) {
  assert(m_state == State::open);
  do_write(e);
}

void EventWriter::write(const Event& e, std::string_view tail) {
  assert(m_state == State::open);
  if (tail.empty() || !do_write_tail(e, tail)) do_write(e);
}

void EventWriter::finish() {
  assert(m_state == State::open);
  do_finish();
  m_state = State::done;
}

std::uint64_t copy_events(EventReader& reader, EventWriter& writer) {
  writer.begin(reader.header());
  Event e;
  std::uint64_t n = 0;
  while (reader.next(e)) {
    writer.write(e);
    ++n;
  }
  writer.finish();
  return n;
}

} // namespace recssh
