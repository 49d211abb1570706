// SPDX-License-Identifier: MIT
#include "core/time.hpp"

#include <charconv>
#include <cmath>
#include <date/date.h>
#include <limits>

namespace recssh {

std::string max_time_text() {
  return "at most 100 years (" + std::to_string(k_max_time.count() / 1'000'000) + " s)";
}

std::optional<Micros> seconds_to_micros(double seconds) {
  // The comparison is false for nan, so nan and ±inf are refused here too.
  if (!(seconds >= 0 && seconds <= k_max_seconds)) return std::nullopt;
  return Micros(std::llround(seconds * 1e6));
}

std::optional<Micros> add_times(Micros total, Micros delta) {
  // Both at most k_max_time: the sum cannot overflow before it is compared.
  if (total.count() < 0 || delta.count() < 0 || total + delta > k_max_time) return std::nullopt;
  return total + delta;
}

bool valid_unix_time(double seconds) { return seconds >= 0 && seconds <= double(k_max_unix_time); }

std::optional<Micros> parse_seconds(std::string_view s, bool* negative) {
  if (negative) *negative = false;
  {
    // The form every writer produces, "S" or "S.ffffff" (at most 6 decimals): exact
    // without the general path's mantissa and exponent.
    std::size_t k = 0;
    std::uint64_t sec = 0;
    while (k < s.size() && k < 12 && s[k] >= '0' && s[k] <= '9') sec = sec * 10 + unsigned(s[k++] - '0');
    if (k > 0 && (k == s.size() || s[k] == '.')) {
      std::uint64_t frac = 0;
      std::size_t d = 0;
      if (k < s.size()) {
        ++k;
        while (k < s.size() && d < 7 && s[k] >= '0' && s[k] <= '9') frac = frac * 10 + unsigned(s[k++] - '0'), ++d;
      }
      if (k == s.size() && d <= 6 && (d > 0 || s.back() != '.')) {
        static constexpr std::uint64_t scale[] = {1000000, 100000, 10000, 1000, 100, 10, 1};
        const std::uint64_t us = sec * 1000000 + frac * scale[d]; // 12 digits: < 10^18
        if (us > std::uint64_t(k_max_time.count())) return std::nullopt;
        return Micros(static_cast<std::int64_t>(us));
      }
    }
  }
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') {
    // "-0" and "-0.0" are zero; anything else negative is refused.
    bool all_zero = true;
    for (std::size_t j = 1; j < s.size() && s[j] != 'e' && s[j] != 'E'; ++j)
      if (s[j] >= '1' && s[j] <= '9') all_zero = false;
    if (!all_zero) {
      if (negative) *negative = true;
      return std::nullopt;
    }
    ++i;
  }
  // Collect up to 19 significant digits as an integer mantissa and track the
  // decimal exponent; digits beyond that cannot matter at µs resolution for any
  // time in range.
  std::uint64_t mant = 0;
  int digits = 0;
  int exp10 = 0;
  bool any = false;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    any = true;
    if (digits < 19) {
      if (mant != 0 || s[i] != '0') {
        mant = mant * 10 + unsigned(s[i] - '0');
        ++digits;
      }
    } else {
      ++exp10;
    }
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    bool frac = false;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      frac = true;
      if (digits < 19) {
        if (mant != 0 || s[i] != '0') {
          mant = mant * 10 + unsigned(s[i] - '0');
          ++digits;
        }
        --exp10;
      }
    }
    if (!frac) return std::nullopt;
  }
  if (!any) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    long e = 0;
    bool edigits = false;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      edigits = true;
      if (e < 100000) e = e * 10 + (s[i] - '0');
    }
    if (!edigits) return std::nullopt;
    exp10 += int(neg ? -e : e);
  }
  if (i != s.size()) return std::nullopt;
  if (mant == 0) return Micros{0};
  // value = mant * 10^exp10 seconds = mant * 10^(exp10+6) µs, truncated.
  int e = exp10 + 6;
  constexpr std::uint64_t limit = std::uint64_t(k_max_time.count());
  std::uint64_t v = mant;
  if (e >= 0) {
    if (e > 18) return std::nullopt;
    for (int k = 0; k < e; ++k) {
      if (v > limit / 10) return std::nullopt;
      v *= 10;
    }
  } else {
    for (int k = 0; k < -e && v != 0; ++k) v /= 10;
  }
  if (v > limit) return std::nullopt; // 19 digits with no exponent are up to 2^64 - 1
  return Micros{std::int64_t(v)};
}

void append_seconds(std::string& out, Micros t) {
  // The magnitude as unsigned: -INT64_MIN does not overflow there.
  std::uint64_t us = static_cast<std::uint64_t>(t.count());
  if (t.count() < 0) {
    out += '-';
    us = 0 - us;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, us / 1000000);
  (void)ec;
  out.append(buf, end);
  out += '.';
  int frac = int(us % 1000000);
  char f[6];
  for (int k = 5; k >= 0; --k) {
    f[k] = char('0' + frac % 10);
    frac /= 10;
  }
  int n = 6;
  while (n > 1 && f[n - 1] == '0') --n;
  out.append(f, std::size_t(n));
}

std::string format_seconds(Micros t) {
  std::string s;
  append_seconds(s, t);
  return s;
}

void append_millis(std::string& out, std::int64_t ms) {
  if (ms < 0) { // never from a quantizer of times in range; kept well-formed anyway
    out += '-';
    append_millis(out, ms == std::numeric_limits<std::int64_t>::min() ? std::numeric_limits<std::int64_t>::max() : -ms);
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, ms / 1000);
  (void)ec;
  out.append(buf, end);
  int frac = int(ms % 1000);
  out += '.';
  out += char('0' + frac / 100);
  out += char('0' + frac / 10 % 10);
  out += char('0' + frac % 10);
}

std::int64_t MillisQuantizer::interval_ms(Micros absolute) {
  // Rounded half up without adding first (no overflow near the type's end).
  const std::int64_t us = absolute.count();
  std::int64_t ms = us / 1000 + (us % 1000 >= 500 ? 1 : 0);
  std::int64_t d = ms - m_prev_ms;
  m_prev_ms = ms;
  return d;
}

std::string format_double(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  std::string s(buf, end);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

std::string format_utc_iso(std::int64_t unix_seconds) {
  using namespace std::chrono;
  // The calendar arithmetic overflows far out; readers keep timestamps in range.
  if (unix_seconds < -k_max_unix_time || unix_seconds > k_max_unix_time) return std::to_string(unix_seconds) + " s";
  return date::format("%Y-%m-%dT%H:%M:%SZ", sys_seconds{seconds{unix_seconds}});
}

} // namespace recssh
