// SPDX-License-Identifier: MIT
#include "core/cast_fast.hpp"

#include <array>
#include <cstring>
#include <simdjson.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace recssh {

namespace {

inline bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

inline const char* skip_ws(const char* p, const char* end) {
  while (p < end && is_ws(*p)) ++p;
  return p;
}

inline bool digit(char c) { return c >= '0' && c <= '9'; }

// A JSON number token, strictly by the grammar; returns its end or nullptr.
const char* scan_number(const char* p, const char* end) {
  if (p < end && *p == '-') ++p;
  if (p >= end) return nullptr;
  if (*p == '0') {
    ++p;
  } else if (digit(*p)) {
    while (p < end && digit(*p)) ++p;
  } else {
    return nullptr;
  }
  if (p < end && *p == '.') {
    ++p;
    if (p >= end || !digit(*p)) return nullptr;
    while (p < end && digit(*p)) ++p;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p < end && (*p == '+' || *p == '-')) ++p;
    if (p >= end || !digit(*p)) return nullptr;
    while (p < end && digit(*p)) ++p;
  }
  return p;
}

// First byte in [p, end) that is '"', '\\' or a control character (< 0x20).
inline const char* find_special(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
  while (end - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                               _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
    int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return p + __builtin_ctz(unsigned(mask));
    p += 16;
  }
#endif
  while (p < end && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20) ++p;
  return p;
}

constexpr std::array<signed char, 256> make_hex_table() {
  std::array<signed char, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c) t[std::size_t(c)] = static_cast<signed char>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[std::size_t(c)] = static_cast<signed char>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t[std::size_t(c)] = static_cast<signed char>(c - 'A' + 10);
  return t;
}
constexpr auto k_hex_value = make_hex_table();

constexpr std::array<char, 256> make_simple_escape_table() {
  std::array<char, 256> t{};
  t['"'] = '"';
  t['\\'] = '\\';
  t['/'] = '/';
  t['b'] = '\b';
  t['f'] = '\f';
  t['n'] = '\n';
  t['r'] = '\r';
  t['t'] = '\t';
  return t;
}
constexpr auto k_simple_escape = make_simple_escape_table();

int hex4(const char* p) {
  int v = 0;
  for (int i = 0; i < 4; ++i) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= c - '0';
    else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
    else return -1;
  }
  return v;
}

char* put_utf8(char* o, unsigned cp) {
  if (cp < 0x80) {
    *o++ = char(cp);
  } else if (cp < 0x800) {
    *o++ = char(0xC0 | (cp >> 6));
    *o++ = char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *o++ = char(0xE0 | (cp >> 12));
    *o++ = char(0x80 | ((cp >> 6) & 0x3F));
    *o++ = char(0x80 | (cp & 0x3F));
  } else {
    *o++ = char(0xF0 | (cp >> 18));
    *o++ = char(0x80 | ((cp >> 12) & 0x3F));
    *o++ = char(0x80 | ((cp >> 6) & 0x3F));
    *o++ = char(0x80 | (cp & 0x3F));
  }
  return o;
}

// Parses a string body after its opening quote into `out`; returns the position
// after the closing quote, or nullptr to fall back. The unescaped text is never
// longer than the escaped one, so `out` is sized once and written through a pointer.
// With `padded`, 16 bytes past `end` are readable: runs are then scanned and copied
// 16 bytes at a time in one pass (escapes are dense in terminal output: ESC, CR LF).
const char* scan_string(const char* p, const char* end, std::string& out, bool padded) {
  out.resize(std::size_t(end - p) + 16);
  char* const base = out.data();
  char* o = base;
  for (;;) {
    const char* q;
#if defined(__SSE2__)
    if (padded) {
      const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
      for (;;) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(o), v);
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                   _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
        int mask = _mm_movemask_epi8(hit);
        if (mask != 0) {
          int k = __builtin_ctz(unsigned(mask));
          q = p + k;
          o += k;
          break;
        }
        p += 16;
        o += 16;
        if (p >= end) return nullptr; // ran past the line: unterminated
      }
      if (q >= end) return nullptr;
    } else
#endif
    {
      q = find_special(p, end);
      std::memcpy(o, p, std::size_t(q - p));
      o += q - p;
    }
    if (q >= end || *q != '\\') {
      if (q >= end || *q != '"') return nullptr; // unterminated, or a raw control character
      out.resize(std::size_t(o - base));
      return q + 1;
    }
    if (q + 1 >= end) return nullptr;
    char c = q[1];
    p = q + 2;
    // One table lookup for the single-character escapes (\r, \n, \t... dominate
    // terminal output) instead of a switch that mispredicts on every change.
    if (char simple = k_simple_escape[static_cast<unsigned char>(c)]) {
      *o++ = simple;
      continue;
    }
    switch (c) {
    case 'u': {
      if (end - p < 4) return nullptr;
      int cp;
      if (p[0] == '0' && p[1] == '0') { // \u00XX, the common case (ESC, BEL, ...)
        int hi = k_hex_value[static_cast<unsigned char>(p[2])], lo = k_hex_value[static_cast<unsigned char>(p[3])];
        if ((hi | lo) < 0) return nullptr;
        cp = hi << 4 | lo;
      } else {
        cp = hex4(p);
      }
      p += 4;
      if (cp < 0) return nullptr;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (end - p < 6 || p[0] != '\\' || p[1] != 'u') return nullptr;
        int lo = hex4(p + 2);
        if (lo < 0xDC00 || lo > 0xDFFF) return nullptr;
        p += 6;
        o = put_utf8(o, 0x10000u + ((unsigned(cp) - 0xD800u) << 10) + (unsigned(lo) - 0xDC00u));
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return nullptr;
      } else {
        o = put_utf8(o, unsigned(cp));
      }
      break;
    }
    default: return nullptr;
    }
  }
}

} // namespace

bool fast_parse_event(std::string_view line, std::size_t capacity, std::string_view& time_text,
                      std::string& code, std::string& data) {
  const bool padded = capacity >= line.size() + 16;
  const char* p = line.data();
  const char* end = p + line.size();
  p = skip_ws(p, end);
  if (p >= end || *p != '[') return false;
  p = skip_ws(p + 1, end);
  const char* t = p;
  p = scan_number(p, end);
  if (!p) return false;
  time_text = std::string_view(t, std::size_t(p - t));
  p = skip_ws(p, end);
  if (p >= end || *p != ',') return false;
  p = skip_ws(p + 1, end);
  if (p >= end || *p != '"') return false;
  p = scan_string(p + 1, end, code, padded);
  if (!p) return false;
  p = skip_ws(p, end);
  if (p >= end || *p != ',') return false;
  p = skip_ws(p + 1, end);
  if (p >= end || *p != '"') return false;
  const char* data_begin = p + 1;
  p = scan_string(data_begin, end, data, padded);
  if (!p) return false;
  p = skip_ws(p, end);
  if (p >= end || *p != ']') return false;
  p = skip_ws(p + 1, end);
  if (p != end) return false;
  // Escapes only produce valid UTF-8, so validating the raw bytes of the line is
  // enough (it is ASCII-fast in simdjson's dispatched kernel).
  return simdjson::validate_utf8(line.data(), line.size());
}

} // namespace recssh
