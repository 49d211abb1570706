// SPDX-License-Identifier: MIT
#include "record/coalescer.hpp"

namespace recssh::record {

void Coalescer::add(Micros t, std::string_view bytes, EventTarget& out) {
  if (bytes.empty()) return;
  if (!m_first) m_first = t;
  m_last = t;
  m_decoder.feed(bytes, m_text);
  if (m_text.size() >= m_limits.max_bytes || m_limits.max_delay.count() == 0) flush(out);
}

std::optional<Micros> Coalescer::deadline() const {
  if (!m_first) return std::nullopt;
  return *m_first + m_limits.max_delay;
}

void Coalescer::flush(EventTarget& out) {
  if (!m_first) return;
  Micros t = *m_first;
  m_first.reset();
  if (m_text.empty()) {
    // Only part of a character so far: keep waiting for the rest, but from now.
    if (m_decoder.has_pending()) m_first = t;
    return;
  }
  Event e{t, m_code, {}};
  e.data.swap(m_text);
  // Keep the buffer's capacity for the next event instead of reallocating each time.
  m_text.reserve(std::min(e.data.capacity(), m_limits.max_bytes + 64));
  out.emit(std::move(e));
}

void Coalescer::finish(EventTarget& out) {
  if (m_decoder.has_pending()) {
    if (!m_first) m_first = m_last;
    m_decoder.finish(m_text);
  }
  flush(out);
}

} // namespace recssh::record
