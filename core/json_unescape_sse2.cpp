// SPDX-License-Identifier: MIT
// The SSE2 string kernel (the x86-64 baseline, so every x86-64 CPU runs it): 16 bytes
// a step, escapes one after the other from one mask per block.
#include "core/json_unescape.hpp"

#include <emmintrin.h>

namespace recssh::unescape {

namespace {

inline __m128i special_bytes(__m128i v) { // '"', '\\' and control bytes (< 0x20)
  const __m128i ctl = _mm_set1_epi8(0x1f);
  return _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                      _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
}

struct Block16 {
  static constexpr int size = 16;
  static unsigned special_mask(const char* p) {
    return static_cast<unsigned>(
        _mm_movemask_epi8(special_bytes(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)))));
  }
  static void copy(char* o, const char* p) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o), _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  }
};

// First byte in [p, end) that is '"', '\\' or a control character, reading nothing
// past end.
inline const char* find_special(const char* p, const char* end) {
  while (end - p >= 16) {
    int mask = _mm_movemask_epi8(special_bytes(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
    if (mask != 0) return p + __builtin_ctz(unsigned(mask));
    p += 16;
  }
  return find_special_scalar(p, end);
}

// A string body after its opening quote into `o`. With `padded`, 16 bytes past `end`
// are readable: runs are then scanned and copied 16 bytes at a time in one pass.
Decoded scan_string(const char* p, const char* end, char* o, bool padded) {
  for (;;) {
    const char* q;
    if (padded) {
      for (;;) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(o), v);
        int mask = _mm_movemask_epi8(special_bytes(v));
        if (mask != 0) {
          int k = __builtin_ctz(unsigned(mask));
          q = p + k;
          o += k;
          break;
        }
        p += 16;
        o += 16;
        if (p >= end) return {nullptr, o}; // ran past the line: unterminated
      }
      if (q >= end) return {nullptr, o};
    } else {
      q = find_special(p, end);
      std::memcpy(o, p, std::size_t(q - p));
      o += q - p;
    }
    if (q >= end || *q != '\\') {
      if (q >= end || *q != '"') return {nullptr, o}; // unterminated, or a raw control character
      return {q + 1, o};
    }
    const Decoded d = decode_escape(q, end, o);
    if (!d.in) return d;
    p = d.in;
    o = d.out;
  }
}

} // namespace

Decoded decode_sse2(const char* p, const char* end, char* o, std::size_t pad) {
  if (pad >= 64) return unescape_blocks<Block16>(p, end, o);
  return scan_string(p, end, o, pad >= 16);
}

const char* check_sse2(const char* p, const char* end, std::size_t pad) {
  if (pad >= 64) return check_string_blocks<Block16>(p, end);
  return check_scalar(p, end, pad);
}

const Kernels k_sse2 = {"sse2", decode_sse2, check_sse2, valid_utf8_simdjson};

} // namespace recssh::unescape
