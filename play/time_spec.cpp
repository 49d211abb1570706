// SPDX-License-Identifier: MIT
#include "play/time_spec.hpp"

#include <cmath>
#include <cstdio>

namespace recssh::play {

Micros TimeSpec::resolve(Micros duration) const {
  switch (kind) {
  case Kind::time: return time;
  case Kind::end: return duration;
  case Kind::percent: break;
  }
  // Rounded to the microsecond: 50% of an odd duration is still one point.
  return Micros(std::llround(double(duration.count()) * percent / 100.0));
}

namespace {
std::optional<std::int64_t> parse_count(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}
} // namespace

std::optional<TimeSpec> parse_time_spec(std::string_view text) {
  TimeSpec spec;
  if (text == "end") {
    spec.kind = TimeSpec::Kind::end;
    return spec;
  }
  if (!text.empty() && text.back() == '%') {
    // Through the exact decimal parser, so "12.5%" is 12.5 and "1e3%" is refused.
    auto v = parse_seconds(text.substr(0, text.size() - 1));
    if (!v || text.find_first_of("eE") != std::string_view::npos || *v > Micros(100'000'000))
      return std::nullopt;
    spec.kind = TimeSpec::Kind::percent;
    spec.percent = double(v->count()) / 1e6;
    return spec;
  }
  // [[H:]M:]S where only the last part may have decimals; every part but the first
  // is below 60 (1:75 is more likely a typo than 2:15).
  std::int64_t whole = 0;
  std::size_t colons = 0;
  std::string_view rest = text;
  for (std::size_t pos; (pos = rest.find(':')) != std::string_view::npos; rest = rest.substr(pos + 1)) {
    auto part = parse_count(rest.substr(0, pos));
    if (!part || ++colons > 2 || (colons > 1 && *part >= 60)) return std::nullopt;
    whole = whole * 60 + *part;
  }
  if (rest.empty() || rest.find_first_of("eE+-") != std::string_view::npos) return std::nullopt;
  auto secs = parse_seconds(rest);
  if (!secs || (colons > 0 && *secs >= Micros(60'000'000))) return std::nullopt;
  spec.time = Micros(whole * 60'000'000) + *secs;
  return spec;
}

std::string format_clock(Micros t) {
  std::int64_t s = t.count() / 1'000'000;
  char buf[48];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60),
                  (long long)(s % 60));
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", (long long)(s / 60), (long long)(s % 60));
  return buf;
}

} // namespace recssh::play
