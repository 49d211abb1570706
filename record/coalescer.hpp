// SPDX-License-Identifier: MIT
#pragma once
// Gathers the tiny chunks a pty delivers (a spinner writes a few bytes every few ms)
// into one event per `max_delay` or `max_bytes`, whichever comes first. The event gets
// the time of its first chunk, so playback shifts by less than max_delay. Bytes are
// decoded to UTF-8 here, per stream, so a character split between reads stays whole.
#include "core/utf8.hpp"
#include "record/event_target.hpp"

#include <optional>

namespace recssh::record {

struct CoalesceLimits {
  Micros max_delay{10'000};
  std::size_t max_bytes = 64 * 1024;
};

class Coalescer {
public:
  Coalescer(std::string code, CoalesceLimits limits) : m_code(std::move(code)), m_limits(limits) {}
  void add(Micros t, std::string_view bytes, EventTarget& out);
  // When the pending event must be emitted at the latest; nullopt when none is pending.
  std::optional<Micros> deadline() const;
  void flush(EventTarget& out);  // emit what is pending now
  void finish(EventTarget& out); // end of stream: also a dangling partial character

private:
  std::string m_code;
  CoalesceLimits m_limits;
  Utf8Decoder m_decoder;
  std::string m_text; // decoded, pending
  std::optional<Micros> m_first;
  Micros m_last{0};
};

} // namespace recssh::record
