// SPDX-License-Identifier: MIT
#include "core/time.hpp"

#include <charconv>
#include <date/date.h>
#include <limits>

namespace recssh {

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
        return Micros(static_cast<std::int64_t>(sec * 1000000 + frac * scale[d]));
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
  constexpr std::uint64_t limit = std::uint64_t(std::numeric_limits<std::int64_t>::max()) / 2;
  if (e >= 0) {
    if (e > 18) return std::nullopt;
    std::uint64_t v = mant;
    for (int k = 0; k < e; ++k) {
      if (v > limit / 10) return std::nullopt;
      v *= 10;
    }
    return Micros{std::int64_t(v)};
  }
  std::uint64_t v = mant;
  for (int k = 0; k < -e && v != 0; ++k) v /= 10;
  return Micros{std::int64_t(v)};
}

void append_seconds(std::string& out, Micros t) {
  std::int64_t us = t.count();
  if (us < 0) {
    out += '-';
    us = -us;
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
  std::int64_t ms = (absolute.count() + 500) / 1000;
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
  return date::format("%Y-%m-%dT%H:%M:%SZ", sys_seconds{seconds{unix_seconds}});
}

} // namespace recssh
