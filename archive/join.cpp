// SPDX-License-Identifier: MIT
#include "archive/join.hpp"

#include "core/errors.hpp"

#include <algorithm>
#include <cmath>

namespace recssh::archive {

GapPolicy GapPolicy::parse(const std::string& text) {
  GapPolicy g;
  if (text == "keep") g.kind = Kind::keep;
  else if (text == "drop") g.kind = Kind::drop;
  else if (text.rfind("cap:", 0) == 0) {
    auto secs = parse_seconds(text.substr(4));
    if (!secs || secs->count() < 0) throw UsageError("--gap cap:SECONDS needs a number of seconds, got '" + text + "'");
    g.kind = Kind::cap;
    g.cap = *secs;
  } else {
    throw UsageError("--gap is keep, drop or cap:SECONDS, not '" + text + "'");
  }
  return g;
}

Micros GapPolicy::apply(std::optional<Micros> real, Micros default_cap) const {
  Micros r = real ? std::max(*real, Micros{0}) : Micros{-1};
  switch (kind) {
  case Kind::drop:
    return Micros{0};
  case Kind::keep:
    return r.count() >= 0 ? r : Micros{0};
  case Kind::cap:
    return r.count() >= 0 ? std::min(r, cap) : cap;
  case Kind::default_cap:
    return r.count() >= 0 ? std::min(r, default_cap) : default_cap;
  }
  return Micros{0};
}

std::string join_label(const Source& src) { return "recssh: join: " + src.name + " sha256=" + src.sha256; }

std::uint64_t Joiner::append(EventReader& r, const Source& src, Micros gap, bool reset, std::optional<Event> first) {
  Event e;
  if (!first && r.next(e)) first = e;
  const Micros base = first ? first->time : Micros{0};
  const Micros start = m_end + gap;
  m_w.write(Event::marker(start, join_label(src)));
  if (r.header().size != m_size) {
    m_size = r.header().size;
    m_w.write(Event::resize(start, m_size));
  }
  if (reset) m_w.write(Event::output(start, std::string(k_session_reset)));
  m_end = start;
  std::uint64_t n = 0;
  auto put = [&](Event& ev, std::string_view tail) {
    ev.time = start + (ev.time - base);
    if (ev.is(code::resize))
      if (auto s = parse_size(ev.data)) m_size = *s;
    m_end = std::max(m_end, ev.time);
    m_w.write(ev, tail); // the line's own bytes after the time, when it has them
    ++n;
  };
  if (first) {
    Event f = *first;
    put(f, {}); // read before the caller's decisions: its line is gone
    while (r.next(e)) put(e, r.raw_tail());
  }
  return n;
}

} // namespace recssh::archive
