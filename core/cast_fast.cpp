// SPDX-License-Identifier: MIT
#include "core/cast_fast.hpp"

#include "core/utf8.hpp"

#include <array>
#include <cstring>
#if defined(__AVX2__)
#include <immintrin.h>
#elif defined(__SSE2__)
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

struct Decoded {
  const char* in; // after the closing quote; nullptr: fall back
  char* out;      // after the last byte written
};

// Parses a string body after its opening quote into `o`, which has room for
// (end - p) + 16 bytes (the unescaped text is never longer than the escaped one).
// With `padded`, 16 bytes past `end` are readable: runs are then scanned and copied
// 16 bytes at a time in one pass (escapes are dense in terminal output: ESC, CR LF).
Decoded scan_string(const char* p, const char* end, char* o, bool padded) {
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
        if (p >= end) return {nullptr, o}; // ran past the line: unterminated
      }
      if (q >= end) return {nullptr, o};
    } else
#endif
    {
      q = find_special(p, end);
      std::memcpy(o, p, std::size_t(q - p));
      o += q - p;
    }
    if (q >= end || *q != '\\') {
      if (q >= end || *q != '"') return {nullptr, o}; // unterminated, or a raw control character
      return {q + 1, o};
    }
    if (q + 1 >= end) return {nullptr, o};
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
      if (end - p < 4) return {nullptr, o};
      int cp;
      if (p[0] == '0' && p[1] == '0') { // \u00XX, the common case (ESC, BEL, ...)
        int hi = k_hex_value[static_cast<unsigned char>(p[2])], lo = k_hex_value[static_cast<unsigned char>(p[3])];
        if ((hi | lo) < 0) return {nullptr, o};
        cp = hi << 4 | lo;
      } else {
        cp = hex4(p);
      }
      p += 4;
      if (cp < 0) return {nullptr, o};
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (end - p < 6 || p[0] != '\\' || p[1] != 'u') return {nullptr, o};
        int lo = hex4(p + 2);
        if (lo < 0xDC00 || lo > 0xDFFF) return {nullptr, o};
        p += 6;
        o = put_utf8(o, 0x10000u + ((unsigned(cp) - 0xD800u) << 10) + (unsigned(lo) - 0xDC00u));
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return {nullptr, o};
      } else {
        o = put_utf8(o, unsigned(cp));
      }
      break;
    }
    default: return {nullptr, o};
    }
  }
}

// Block scanning for padded lines (LineReader leaves 64 readable bytes after each):
// one compare per block finds every '"', '\\' and control byte in it, and the
// escapes in a block are handled one after the other from that one mask, so text
// with an escape every few bytes (ESC, CR LF) costs one load per span, not one
// compare per escape.
#if defined(__AVX2__)
constexpr int k_block = 32;
inline unsigned special_mask(const char* p) {
  const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i hit = _mm256_or_si256(
      _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')), _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\'))),
      _mm256_cmpeq_epi8(_mm256_max_epu8(v, _mm256_set1_epi8(0x1f)), _mm256_set1_epi8(0x1f)));
  return static_cast<unsigned>(_mm256_movemask_epi8(hit));
}
inline void copy_block(char* o, const char* p) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}
#elif defined(__SSE2__)
constexpr int k_block = 16;
inline unsigned special_mask(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i ctl = _mm_set1_epi8(0x1f);
  const __m128i hit = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
      _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
  return static_cast<unsigned>(_mm_movemask_epi8(hit));
}
inline void copy_block(char* o, const char* p) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(o), _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
#endif

#if defined(__SSE2__)
constexpr std::size_t k_block_padding = 64; // LineReader's; >= 2 blocks

// The escape at q (q[0] == '\\', inside the line): its end, or nullptr if invalid.
// Appends the character it stands for at *o when o is given.
// (always inlined: `o` then stays in a register instead of going through memory)
__attribute__((always_inline)) inline const char* take_escape(const char* q, const char* end, char** o) {
  if (q + 1 >= end) return nullptr;
  const char c = q[1];
  if (char simple = k_simple_escape[static_cast<unsigned char>(c)]) {
    if (o) *(*o)++ = simple;
    return q + 2;
  }
  if (c != 'u' || end - q < 6) return nullptr;
  if (std::memcmp(q + 2, "001b", 4) == 0) { // ESC: most \\u escapes in terminal output
    if (o) *(*o)++ = '\x1b';
    return q + 6;
  }
  const char* p = q + 2;
  int cp;
  if (p[0] == '0' && p[1] == '0') { // \u00XX, the common case (ESC, BEL, ...)
    int hi = k_hex_value[static_cast<unsigned char>(p[2])], lo = k_hex_value[static_cast<unsigned char>(p[3])];
    if ((hi | lo) < 0) return nullptr;
    cp = hi << 4 | lo;
  } else {
    cp = hex4(p);
  }
  p += 4;
  if (cp < 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) return nullptr;
  unsigned code = unsigned(cp);
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    if (end - p < 6 || p[0] != '\\' || p[1] != 'u') return nullptr;
    int lo = hex4(p + 2);
    if (lo < 0xDC00 || lo > 0xDFFF) return nullptr;
    p += 6;
    code = 0x10000u + ((unsigned(cp) - 0xD800u) << 10) + (unsigned(lo) - 0xDC00u);
  }
  if (o) *o = put_utf8(*o, code);
  return p;
}

// take_escape for the decoding loop: the output pointer travels by value, so it
// stays in a register.
__attribute__((always_inline)) inline Decoded decode_escape(const char* q, const char* end, char* o) {
  const char* next = take_escape(q, end, &o);
  return {next, o};
}

// A string body after its opening quote, decoded into `out`: the position after the
// closing quote, or nullptr (fall back to simdjson, which also gives the message).
// `o` has room for (end - p) + 2 * k_block bytes.
Decoded unescape_blocks(const char* p, const char* end, char* o) {
  for (;;) {
    unsigned mask = special_mask(p);
    if (mask == 0) {
      copy_block(o, p);
      o += k_block;
      p += k_block;
      if (p >= end) return {nullptr, o}; // no closing quote in the line
      continue;
    }
    const char* const blk = p;
    for (;;) {
      const char* q = blk + __builtin_ctz(mask);
      if (q >= end) return {nullptr, o};
      copy_block(o, p); // the span before it (at most one block)
      o += q - p;
      if (*q == '"') {
        return {q + 1, o};
      }
      if (*q != '\\') return {nullptr, o}; // a raw control character
      const Decoded d = decode_escape(q, end, o);
      if (!d.in) return d;
      p = d.in;
      o = d.out;
      const std::ptrdiff_t used = p - blk;
      if (used >= k_block) break; // the escape ran into the next block: reload there
      mask &= ~0u << used;
      if (mask == 0) { // the rest of this block is plain text
        copy_block(o, p);
        o += blk + k_block - p;
        p = blk + k_block;
        if (p >= end) return {nullptr, o};
        break;
      }
    }
  }
}

// The check-only twin of unescape_blocks: where a string body ends (after its closing
// quote), or nullptr if it is not valid as the fast path takes it (surrogate escapes
// included, which check_string_masks leaves to this).
const char* check_string_blocks(const char* p, const char* end) {
  for (;;) {
    unsigned mask = special_mask(p);
    if (mask == 0) {
      p += k_block;
      if (p >= end) return nullptr; // no closing quote in the line
      continue;
    }
    const char* const blk = p;
    for (;;) {
      const char* q = blk + __builtin_ctz(mask);
      if (q >= end) return nullptr;
      if (*q == '"') return q + 1;
      if (*q != '\\') return nullptr; // a raw control character
      p = take_escape(q, end, nullptr);
      if (!p) return nullptr;
      const std::ptrdiff_t used = p - blk;
      if (used >= k_block) break; // the escape ran into the next block: reload there
      mask &= ~0u << used;
      if (mask == 0) {
        p = blk + k_block;
        if (p >= end) return nullptr;
        break;
      }
    }
  }
}
#endif

#if defined(__AVX2__)
// Checks a string body without decoding it, 64 bytes per step with bit masks: every
// backslash escapes the byte after it (a run of them pairs up), escaped bytes must be
// escape letters, \u needs four hex digits, and the first quote that is not escaped
// ends the string; a control byte before it is an error. Surrogate escapes (\uD8xx
// ...) are left to the decoding path (returns nullptr), as is anything invalid.

// A byte repeated 32 times, loaded from memory where it is used: with _mm256_set1_epi8
// the compiler keeps so many constants that it rebuilds them from immediates on every
// step (two instructions each), where a memory operand costs nothing extra.
template <char C> struct Splat {
  static constexpr std::array<char, 32> fill() {
    std::array<char, 32> a{};
    for (auto& c : a) c = C;
    return a;
  }
  alignas(32) static constexpr std::array<char, 32> bytes = fill();
};
template <char C> inline __m256i splat() {
  return _mm256_load_si256(reinterpret_cast<const __m256i*>(Splat<C>::bytes.data()));
}

// The 64-bit mask of a pair of 32-byte compare results.
inline std::uint64_t mask64(__m256i lo, __m256i hi) {
  return std::uint64_t(static_cast<std::uint32_t>(_mm256_movemask_epi8(hi))) << 32 |
         static_cast<std::uint32_t>(_mm256_movemask_epi8(lo));
}

template <char Lo, char Hi> inline __m256i in_range(__m256i v) { // Lo <= v <= Hi, unsigned
  const __m256i offset = _mm256_sub_epi8(v, splat<Lo>());
  return _mm256_cmpeq_epi8(_mm256_min_epu8(offset, splat<char(Hi - Lo)>()), offset);
}

// Bytes that may follow a backslash, u excepted: " \\ / b f n r t.
inline __m256i simple_escape_letter(__m256i v) {
  return _mm256_or_si256(
      _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, splat<'n'>()), _mm256_cmpeq_epi8(v, splat<'r'>())),
                      _mm256_or_si256(_mm256_cmpeq_epi8(v, splat<'t'>()), _mm256_cmpeq_epi8(v, splat<'"'>()))),
      _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, splat<'\\'>()), _mm256_cmpeq_epi8(v, splat<'/'>())),
                      _mm256_or_si256(_mm256_cmpeq_epi8(v, splat<'b'>()), _mm256_cmpeq_epi8(v, splat<'f'>()))));
}

inline __m256i hex_digit(__m256i v) { // 'A'-'F' folded onto 'a'-'f'
  return _mm256_or_si256(in_range<'0', '9'>(v), in_range<'a', 'f'>(_mm256_or_si256(v, splat<0x20>())));
}

// Which bytes are escaped, for a block whose backslashes are `backslash`, without a
// loop: a run of backslashes escapes its next byte when the run is odd. Adding the
// run's start to itself carries past the run; seeded with every odd position set,
// the carry lands on the byte after a run exactly when the run's parity and its
// starting position's parity differ, and flipping the odd positions back leaves 1 on
// escaped bytes (and on alternate backslashes, removed by the caller). `carry`: the
// block's first byte is escaped by the last block's final backslash; updated.
// `Mask`: one bit per byte of the block (32 or 64 bytes).
template <class Mask> inline Mask escaped_bytes(Mask backslash, Mask& carry) {
  constexpr Mask odd = static_cast<Mask>(0xAAAAAAAAAAAAAAAAull);
  const Mask bs = backslash & ~carry; // an escaped backslash starts nothing
  const Mask codes = (((bs << 1) | odd) - bs) ^ odd;
  const Mask escaped = codes ^ (backslash | carry);
  carry = (codes & backslash) >> (8 * sizeof(Mask) - 1);
  return escaped;
}

const char* check_string_masks(const char* p, const char* end) {
  std::uint64_t carry_escaped = 0; // bit 0: the first byte of this block is escaped
  std::uint64_t carry_hex = 0;     // bits: positions in this block that must be hex digits
  std::uint64_t carry_u = 0;       // bit 0: a \\u ended the last block (its first digit is here)
  const __m256i quote = _mm256_set1_epi8('"'), backslash_c = _mm256_set1_epi8('\\'), ctl = _mm256_set1_epi8(0x1f);
  for (;; p += 64) {
    const __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    const std::uint64_t backslash = mask64(_mm256_cmpeq_epi8(v0, backslash_c), _mm256_cmpeq_epi8(v1, backslash_c));
    const std::uint64_t quotes = mask64(_mm256_cmpeq_epi8(v0, quote), _mm256_cmpeq_epi8(v1, quote));
    const std::uint64_t control = mask64(_mm256_cmpeq_epi8(_mm256_max_epu8(v0, ctl), ctl),
                                         _mm256_cmpeq_epi8(_mm256_max_epu8(v1, ctl), ctl));
    const std::uint64_t escaped = escaped_bytes(backslash, carry_escaped);
    // The string ends at the first quote that is not escaped.
    const std::uint64_t closing = quotes & ~escaped;
    const std::uint64_t first = closing & -closing;
    const std::uint64_t live = closing ? first - 1 : ~std::uint64_t(0); // bytes before it
    const std::uint64_t in_line = end - p >= 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << (end - p)) - 1;
    if (closing ? !(first & in_line) : in_line != ~std::uint64_t(0)) return nullptr; // unterminated
    if (control & live) return nullptr;
    const std::uint64_t esc = escaped & live;
    std::uint64_t want_hi = 0, u = 0;
    if (esc | carry_hex) {
      // Escaped bytes must be escape letters; \\u wants 4 hex digits after it, and
      // surrogates (\\uD800-\\uDFFF) are left to the decoding path.
      const __m256i ul = _mm256_set1_epi8('u');
      u = esc & mask64(_mm256_cmpeq_epi8(v0, ul), _mm256_cmpeq_epi8(v1, ul));
      if (esc & ~(u | mask64(simple_escape_letter(v0), simple_escape_letter(v1)))) return nullptr;
      const std::uint64_t want = (u << 1) | (u << 2) | (u << 3) | (u << 4) | carry_hex;
      want_hi = (u >> 63) | (u >> 62) | (u >> 61) | (u >> 60);
      if (want & ~mask64(hex_digit(v0), hex_digit(v1))) return nullptr;
      const __m256i dl = _mm256_set1_epi8('d'), du = _mm256_set1_epi8('D');
      const std::uint64_t d = mask64(_mm256_or_si256(_mm256_cmpeq_epi8(v0, dl), _mm256_cmpeq_epi8(v0, du)),
                                     _mm256_or_si256(_mm256_cmpeq_epi8(v1, dl), _mm256_cmpeq_epi8(v1, du)));
      if (((u << 1) | carry_u) & d) return nullptr;
      if (closing && (want & ~live)) return nullptr; // hex digits run past the closing quote
    }
    if (closing) return p + __builtin_ctzll(closing) + 1;
    carry_hex = want_hi;
    carry_u = u >> 63;
  }
}

#if defined(__BMI2__) && !defined(RECSSH_NO_UNESCAPE_VECTOR)
#define RECSSH_UNESCAPE_VECTOR 1
// Decodes a string body 32 bytes a step with no branch per escape, for text where
// escapes come every few bytes (ESC sequences, CR LF, tabs): the byte each escape
// stands for is put in place of its backslash with vector blends, the rest of the
// escape is deleted with a bit mask, and the kept bytes are packed 8 at a time with
// pext. Escapes beyond ASCII (\u0080 and up, surrogates) and anything invalid go to
// unescape_blocks from the start of the block, which decides exactly as before.
// `p` is always at the start of an escape or of plain text, never inside an escape.

// The simple escape letters " \\ / b f n r t are told apart by bits 0-3 of
// (letter >> 1) + (letter >> 3), which index two tables: the letter expected there
// (so that any other byte misses: unused slots hold a byte that hashes elsewhere) and
// the byte it stands for. Two lookups instead of a compare per letter. `known`: where
// the letter is one of them.
inline __m256i simple_escape_value(__m256i letter, __m256i& known) {
  const __m256i expected = _mm256_setr_epi8(0x02, 0x00, 0x00, 0x00, 0x6E, 0x22, 0x00, 0x72, 0x74, 0x5C, 0x00, 0x00, 0x2F, 0x62, 0x00, 0x66, //
                                            0x02, 0x00, 0x00, 0x00, 0x6E, 0x22, 0x00, 0x72, 0x74, 0x5C, 0x00, 0x00, 0x2F, 0x62, 0x00, 0x66);
  const __m256i byte = _mm256_setr_epi8(0x00, 0x00, 0x00, 0x00, 0x0A, 0x22, 0x00, 0x0D, 0x09, 0x5C, 0x00, 0x00, 0x2F, 0x08, 0x00, 0x0C, //
                                        0x00, 0x00, 0x00, 0x00, 0x0A, 0x22, 0x00, 0x0D, 0x09, 0x5C, 0x00, 0x00, 0x2F, 0x08, 0x00, 0x0C);
  // 16-bit shifts: the bits they bring over from the next byte only reach bits 5-7,
  // and carries go up, so bits 0-3 of each byte's sum are its own.
  const __m256i index = _mm256_and_si256(
      _mm256_add_epi8(_mm256_srli_epi16(letter, 1), _mm256_srli_epi16(letter, 3)), splat<0x0F>());
  known = _mm256_cmpeq_epi8(_mm256_shuffle_epi8(expected, index), letter);
  return _mm256_shuffle_epi8(byte, index);
}

// "\u00XY" with X <= 7: the byte XY, from the digits 4 and 5 bytes after the backslash.
inline __m256i ascii_u_value(__m256i x, __m256i y) {
  const __m256i hi = _mm256_and_si256(_mm256_slli_epi16(_mm256_sub_epi8(x, splat<'0'>()), 4), splat<char(0xF0)>());
  const __m256i digit = _mm256_sub_epi8(y, splat<'0'>());
  const __m256i alpha = _mm256_sub_epi8(_mm256_or_si256(y, splat<0x20>()), splat<'a' - 10>());
  const __m256i is_digit = _mm256_cmpeq_epi8(_mm256_min_epu8(y, splat<'9'>()), y);
  return _mm256_or_si256(hi, _mm256_and_si256(_mm256_blendv_epi8(alpha, digit, is_digit), splat<0x0F>()));
}

inline __m256i load32(const char* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }

// For each 8-bit mask, the 64-bit mask with 0xFF in the bytes its bits select.
constexpr std::array<std::uint64_t, 256> make_byte_masks() {
  std::array<std::uint64_t, 256> t{};
  for (unsigned k = 0; k < 256; ++k)
    for (unsigned b = 0; b < 8; ++b)
      if (k >> b & 1) t[k] |= std::uint64_t(0xFF) << (8 * b);
  return t;
}
constexpr auto k_byte_masks = make_byte_masks();

// Writes the bytes of the 8-byte groups `w` that the byte masks `m` select (0xFF:
// kept), in order, at o (8 bytes may be written past the last kept one); `keep` has
// one bit per kept byte. Returns the end. Each group's place comes from the mask
// alone, not from the group before, so the stores do not wait on each other; only
// `o` itself carries to the next block.
template <int Groups>
inline char* pack_groups(const std::uint64_t* w, const std::uint64_t* m, std::uint64_t keep, char* o) {
  auto put = [&](int g, std::uint64_t at) {
    const std::uint64_t packed = _pext_u64(w[g], m[g]);
    std::memcpy(o + at, &packed, 8);
  };
  if constexpr (Groups <= 4) {
    // A popcount per prefix: measured 3-8% faster than the SWAR sums for 4 groups.
#pragma GCC unroll 4
    for (int g = 0; g < Groups; ++g) put(g, std::uint64_t(__builtin_popcountll(keep & ((1ull << (8 * g)) - 1))));
    return o + __builtin_popcountll(keep);
  } else {
    // Bytes kept per group by SWAR popcount, then every group's place at once: one
    // multiplication sums the groups before it into each byte (at most 64).
    std::uint64_t count = keep - ((keep >> 1) & 0x5555555555555555ull);
    count = (count & 0x3333333333333333ull) + ((count >> 2) & 0x3333333333333333ull);
    count = (count + (count >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    const std::uint64_t through = count * 0x0101010101010101ull; // byte g: groups 0..g
#pragma GCC unroll 8
    for (int g = 0; g < Groups; ++g) put(g, ((through << 8) >> (8 * g)) & 0xFF);
    return o + (through >> 56);
  }
}

inline char* pack_kept(__m256i v, std::uint32_t keep, char* o) {
  alignas(32) std::uint64_t w[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(w), v);
  const std::uint64_t m[4] = {k_byte_masks[keep & 0xFF], k_byte_masks[(keep >> 8) & 0xFF],
                              k_byte_masks[(keep >> 16) & 0xFF], k_byte_masks[keep >> 24]};
  return pack_groups<4>(w, m, keep, o);
}

// Fixed 32-byte steps, so that the next load never waits for this block's escapes:
// an escape that runs into the next block leaves the positions it still covers
// there in `tail` (and a backslash pairing in `pair`).
Decoded unescape_vector(const char* p, const char* end, char* o) {
  const __m256i quote = splat<'"'>(), backslash = splat<'\\'>(), ctl = splat<0x1f>();
  std::uint32_t tail = 0, pair = 0;
  for (;; p += 32) {
    const __m256i v = load32(p);
    const __m256i is_backslash = _mm256_cmpeq_epi8(v, backslash);
    const std::uint32_t quotes = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, quote)));
    const std::uint32_t controls =
        static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_max_epu8(v, ctl), ctl)));
    const std::uint32_t bs = static_cast<std::uint32_t>(_mm256_movemask_epi8(is_backslash));
    if ((quotes | controls | bs | tail) == 0) { // plain text
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), v);
      o += 32;
      if (p + 32 >= end) return {nullptr, o}; // no closing quote in the line
      continue;
    }
    if ((bs | tail) == 0) { // no escape: the first quote ends the string (short strings, last blocks)
      const int at = __builtin_ctz(quotes | controls);
      if (p + at >= end || !(quotes >> at & 1)) return {nullptr, o}; // unterminated, or a raw control byte
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), v);
      return {p + at + 1, o + at};
    }
    // The scalar path resumes after the escape carried into this block.
    auto scalar = [&] { return unescape_blocks(p + __builtin_ctz(~tail), end, o); };
    const std::uint32_t starts_all = bs & ~escaped_bytes(bs, pair);
    const std::uint32_t closing = quotes & ~((starts_all << 1) | tail);
    const std::uint32_t live = closing ? (closing & -closing) - 1 : ~0u; // before the closing quote
    if (controls & live) return scalar(); // a raw control byte: an error
    const std::uint32_t starts = starts_all & live;
    const __m256i letter = load32(p + 1);
    const __m256i is_u = _mm256_cmpeq_epi8(letter, splat<'u'>());
    const std::uint32_t u = starts & static_cast<std::uint32_t>(_mm256_movemask_epi8(is_u));
    __m256i known;
    __m256i value = simple_escape_value(letter, known);
    if (starts & ~(u | static_cast<std::uint32_t>(_mm256_movemask_epi8(known))))
      return scalar(); // not an escape letter
    if (u) {
      // \u001b (ESC) is nearly every \u escape in terminal output: checked and
      // placed alone; other \u00XY take the general decoding below.
      const __m256i zero = splat<'0'>();
      const __m256i u00 = _mm256_and_si256(_mm256_cmpeq_epi8(load32(p + 2), zero), _mm256_cmpeq_epi8(load32(p + 3), zero));
      const __m256i x = load32(p + 4), y = load32(p + 5);
      const __m256i esc = _mm256_and_si256(u00, _mm256_and_si256(_mm256_cmpeq_epi8(x, splat<'1'>()),
                                                                 _mm256_cmpeq_epi8(y, splat<'b'>())));
      if ((u & ~static_cast<std::uint32_t>(_mm256_movemask_epi8(esc))) == 0) {
        value = _mm256_blendv_epi8(value, splat<0x1b>(), is_u);
      } else {
        const __m256i ascii = _mm256_and_si256(u00, _mm256_and_si256(in_range<'0', '7'>(x), hex_digit(y)));
        if (u & ~static_cast<std::uint32_t>(_mm256_movemask_epi8(ascii)))
          return scalar(); // beyond ASCII, a surrogate, or not hex
        value = _mm256_blendv_epi8(value, ascii_u_value(x, y), is_u);
      }
    }
    const __m256i decoded = _mm256_blendv_epi8(v, value, is_backslash);
    const std::uint64_t s64 = starts, u64 = u;
    // After each start its letter goes, and after a \\u four digits more: u * 0b111100
    // sets those four bits (\\u escapes are 6 bytes apart at least: no carries).
    const std::uint64_t deleted = (s64 << 1) | (u64 * 0x3C) | tail;
    if (closing) {
      const int at = __builtin_ctz(closing);
      if (p + at >= end) return {nullptr, o}; // past the line: unterminated
      o = pack_kept(decoded, ~static_cast<std::uint32_t>(deleted) & live, o);
      return {p + at + 1, o};
    }
    if (p + 32 >= end) return {nullptr, o}; // no closing quote in the line
    o = pack_kept(decoded, ~static_cast<std::uint32_t>(deleted), o);
    tail = static_cast<std::uint32_t>(deleted >> 32);
  }
}

#if defined(__AVX512BW__) && !defined(RECSSH_NO_UNESCAPE_512)
#define RECSSH_UNESCAPE_512 1
// unescape_vector 64 bytes a step with AVX-512BW: compares give bit masks directly and
// blends take them, so the per-block mask work is shared by twice the bytes. Needs
// k_wide_padding readable bytes after the line (the digit loads reach p + 68).
constexpr std::size_t k_wide_padding = 128;

inline __m512i load64(const char* p) { return _mm512_loadu_si512(p); }
inline __m512i splat64(char c) { return _mm512_set1_epi8(c); }
template <char Lo, char Hi> inline __mmask64 in_range64(__m512i v) {
  return _mm512_cmple_epu8_mask(_mm512_sub_epi8(v, splat64(Lo)), splat64(char(Hi - Lo)));
}

inline char* pack_kept64(__m512i v, std::uint64_t keep, char* o) {
#if defined(__AVX512VBMI2__)
  // VBMI2 (Ice Lake, Zen 4 and later) packs the kept bytes in one instruction. The
  // register form, then a plain store: vpcompressb to memory is microcoded on Zen 4.
  // 64 bytes are stored, as the plain-text step does.
  _mm512_storeu_si512(o, _mm512_maskz_compress_epi8(keep, v));
  return o + __builtin_popcountll(keep);
#else
  alignas(64) std::uint64_t w[8], m[8];
  _mm512_store_si512(w, v);
  _mm512_store_si512(m, _mm512_movm_epi8(keep)); // every group's byte mask in one instruction
  // Through memory on purpose: GCC would otherwise take the 16 words out of the
  // registers with extracts, which all queue on one port (measured 5% slower).
  asm volatile("" : "+m"(w), "+m"(m));
  return pack_groups<8>(w, m, keep, o);
#endif
}

Decoded unescape_vector512(const char* p, const char* end, char* o) {
  const __m512i quote = splat64('"'), backslash = splat64('\\'), ctl = splat64(0x1f);
  // The tables of simple_escape_value, once per 128-bit lane (vpshufb looks up within lanes).
  alignas(64) static constexpr char k_expected[64] = {0x02, 0x00, 0x00, 0x00, 0x6E, 0x22, 0x00, 0x72, 0x74, 0x5C, 0x00, 0x00, 0x2F, 0x62, 0x00, 0x66, //
                                                      0x02, 0x00, 0x00, 0x00, 0x6E, 0x22, 0x00, 0x72, 0x74, 0x5C, 0x00, 0x00, 0x2F, 0x62, 0x00, 0x66, //
                                                      0x02, 0x00, 0x00, 0x00, 0x6E, 0x22, 0x00, 0x72, 0x74, 0x5C, 0x00, 0x00, 0x2F, 0x62, 0x00, 0x66, //
                                                      0x02, 0x00, 0x00, 0x00, 0x6E, 0x22, 0x00, 0x72, 0x74, 0x5C, 0x00, 0x00, 0x2F, 0x62, 0x00, 0x66};
  alignas(64) static constexpr char k_byte[64] = {0x00, 0x00, 0x00, 0x00, 0x0A, 0x22, 0x00, 0x0D, 0x09, 0x5C, 0x00, 0x00, 0x2F, 0x08, 0x00, 0x0C, //
                                                  0x00, 0x00, 0x00, 0x00, 0x0A, 0x22, 0x00, 0x0D, 0x09, 0x5C, 0x00, 0x00, 0x2F, 0x08, 0x00, 0x0C, //
                                                  0x00, 0x00, 0x00, 0x00, 0x0A, 0x22, 0x00, 0x0D, 0x09, 0x5C, 0x00, 0x00, 0x2F, 0x08, 0x00, 0x0C, //
                                                  0x00, 0x00, 0x00, 0x00, 0x0A, 0x22, 0x00, 0x0D, 0x09, 0x5C, 0x00, 0x00, 0x2F, 0x08, 0x00, 0x0C};
  const __m512i expected = _mm512_load_si512(k_expected);
  const __m512i byte = _mm512_load_si512(k_byte);
  std::uint64_t tail = 0, pair = 0;
  for (;; p += 64) {
    const __m512i v = load64(p);
    const std::uint64_t quotes = _mm512_cmpeq_epi8_mask(v, quote);
    const std::uint64_t controls = _mm512_cmple_epu8_mask(v, ctl);
    const std::uint64_t bs = _mm512_cmpeq_epi8_mask(v, backslash);
    if ((quotes | controls | bs | tail) == 0) { // plain text
      _mm512_storeu_si512(o, v);
      o += 64;
      if (p + 64 >= end) return {nullptr, o}; // no closing quote in the line
      continue;
    }
    if ((bs | tail) == 0) { // no escape: the first quote ends the string
      const int at = __builtin_ctzll(quotes | controls);
      if (p + at >= end || !(quotes >> at & 1)) return {nullptr, o}; // unterminated, or a raw control byte
      _mm512_storeu_si512(o, v);
      return {p + at + 1, o + at};
    }
    auto scalar = [&] { return unescape_blocks(p + __builtin_ctzll(~tail), end, o); };
    const std::uint64_t starts_all = bs & ~escaped_bytes(bs, pair);
    const std::uint64_t closing = quotes & ~((starts_all << 1) | tail);
    const std::uint64_t live = closing ? (closing & -closing) - 1 : ~std::uint64_t(0);
    if (controls & live) return scalar(); // a raw control byte: an error
    const std::uint64_t starts = starts_all & live;
    const __m512i letter = load64(p + 1);
    const std::uint64_t u = starts & _mm512_cmpeq_epi8_mask(letter, splat64('u'));
    const __m512i index = _mm512_and_si512(_mm512_add_epi8(_mm512_srli_epi16(letter, 1), _mm512_srli_epi16(letter, 3)),
                                           splat64(0x0F));
    const std::uint64_t known = _mm512_cmpeq_epi8_mask(_mm512_shuffle_epi8(expected, index), letter);
    __m512i value = _mm512_shuffle_epi8(byte, index);
    if (starts & ~(u | known)) return scalar(); // not an escape letter
    if (u) {
      const __m512i zero = splat64('0');
      const std::uint64_t u00 = _mm512_cmpeq_epi8_mask(load64(p + 2), zero) & _mm512_cmpeq_epi8_mask(load64(p + 3), zero);
      const __m512i x = load64(p + 4), y = load64(p + 5);
      if ((u & ~(u00 & _mm512_cmpeq_epi8_mask(x, splat64('1')) & _mm512_cmpeq_epi8_mask(y, splat64('b')))) == 0) {
        value = _mm512_mask_mov_epi8(value, u, splat64(0x1b));
      } else {
        const __m512i yl = _mm512_or_si512(y, splat64(0x20));
        const std::uint64_t digit = in_range64<'0', '9'>(y);
        const std::uint64_t ascii = u00 & in_range64<'0', '7'>(x) & (digit | in_range64<'a', 'f'>(yl));
        if (u & ~ascii) return scalar(); // beyond ASCII, a surrogate, or not hex
        const __m512i hi =
            _mm512_and_si512(_mm512_slli_epi16(_mm512_sub_epi8(x, zero), 4), splat64(char(0xF0)));
        const __m512i lo = _mm512_mask_blend_epi8(digit, _mm512_sub_epi8(yl, splat64('a' - 10)), _mm512_sub_epi8(y, zero));
        value = _mm512_mask_mov_epi8(value, u, _mm512_or_si512(hi, _mm512_and_si512(lo, splat64(0x0F))));
      }
    }
    const __m512i decoded = _mm512_mask_mov_epi8(v, starts, value);
    // Two words: escapes starting in the last bytes run into the next block.
    const std::uint64_t here = (starts << 1) | (u * 0x3C) | tail;
    const std::uint64_t next = (starts >> 63) | (u >> 62) | (u >> 61) | (u >> 60) | (u >> 59);
    if (closing) {
      const int at = __builtin_ctzll(closing);
      if (p + at >= end) return {nullptr, o}; // past the line: unterminated
      o = pack_kept64(decoded, ~here & live, o);
      return {p + at + 1, o};
    }
    if (p + 64 >= end) return {nullptr, o}; // no closing quote in the line
    o = pack_kept64(decoded, ~here, o);
    tail = next;
  }
}
#endif
#endif

#endif

// Where the fast path puts the code and the data it decodes. Each is written at the
// pointer begin_*() gives, which has room for `room` bytes, and closed by end_*()
// with the end of what was written.
struct StringOut { // into two std::strings (the sequential reader's Event)
  std::string& code;
  std::string& data;
  char* begin_code(std::size_t room) {
    code.resize(room);
    return code.data();
  }
  void end_code(char* e) { code.resize(std::size_t(e - code.data())); }
  char* begin_data(std::size_t room) {
    data.resize(room);
    return data.data();
  }
  void end_data(char* e) { data.resize(std::size_t(e - data.data())); }
  void no_data() { data.clear(); }
  std::string_view code_text() const { return code; }
};

struct ArenaOut { // one after the other into a caller's buffer (decoding batches)
  char*& at;
  std::string_view& code;
  std::string_view& data;
  char* begin_code(std::size_t) { return at; }
  void end_code(char* e) {
    code = std::string_view(at, std::size_t(e - at));
    at = e;
  }
  char* begin_data(std::size_t) { return at; }
  void end_data(char* e) {
    data = std::string_view(at, std::size_t(e - at));
    at = e;
  }
  void no_data() { data = std::string_view(at, 0); }
  std::string_view code_text() const { return code; }
};

// A string body (after its opening quote) decoded through `out`'s begin/end pair
// (`code` selects which): the position after the closing quote, or nullptr.
template <class Out>
const char* decode_string(const char* p, const char* end, Out& out, bool code, bool padded, bool blocks,
                          bool wide) {
  const std::size_t room = std::size_t(end - p) + 2 * 32;
  char* o = code ? out.begin_code(room) : out.begin_data(room);
  Decoded d{};
#if defined(RECSSH_UNESCAPE_512)
  if (wide) d = unescape_vector512(p, end, o);
  else
#endif
#if defined(RECSSH_UNESCAPE_VECTOR)
  if (blocks) d = unescape_vector(p, end, o);
  else
#elif defined(__SSE2__)
  if (blocks) d = unescape_blocks(p, end, o);
  else
#endif
    d = scan_string(p, end, o, padded);
  (void)blocks;
  (void)wide;
  if (code) out.end_code(d.out);
  else out.end_data(d.out);
  return d.in;
}

template <class Out>
bool parse_event(std::string_view line, std::size_t capacity, std::string_view& time_text, Out& out,
                 bool need_data, bool utf8_checked) {
  const bool padded = capacity >= line.size() + 16;
  bool blocks = false;
#if defined(__SSE2__)
  blocks = capacity >= line.size() + k_block_padding;
#endif
  bool wide = false;
#if defined(RECSSH_UNESCAPE_512)
  wide = capacity >= line.size() + k_wide_padding;
#endif
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
  if (end - p >= 3 && p[2] == '"' && static_cast<unsigned char>(p[1]) >= 0x20 && p[1] != '"' && p[1] != '\\') {
    char* o = out.begin_code(1); // the usual one-letter code
    *o = p[1];
    out.end_code(o + 1);
    p += 3;
  } else {
    p = decode_string(p + 1, end, out, true, padded, blocks, wide);
  }
  if (!p) return false;
  p = skip_ws(p, end);
  if (p >= end || *p != ',') return false;
  p = skip_ws(p + 1, end);
  if (p >= end || *p != '"') return false;
  const char* data_begin = p + 1;
  // Validation needs the data only where it is checked (resize, exit status).
  const std::string_view c = out.code_text();
  const bool skip = !need_data && (c == "o" || c == "i" || c == "m");
  if (skip) {
    out.no_data();
#if defined(__AVX2__)
    if (blocks) {
      p = check_string_masks(data_begin, end);
      if (!p) p = check_string_blocks(data_begin, end); // surrogates, or an error
    } else
#endif
#if defined(__SSE2__)
    if (blocks) {
      p = check_string_blocks(data_begin, end);
    } else
#endif
    {
      std::string scratch(std::size_t(end - data_begin) + 16, '\0');
      p = scan_string(data_begin, end, scratch.data(), padded).in;
    }
  } else {
    p = decode_string(data_begin, end, out, false, padded, blocks, wide);
  }
  if (!p) return false;
  p = skip_ws(p, end);
  if (p >= end || *p != ']') return false;
  p = skip_ws(p + 1, end);
  if (p != end) return false;
  // Escapes only produce valid UTF-8, so validating the raw bytes of the line is
  // enough.
  return utf8_checked || is_valid_utf8(line);
}

} // namespace

bool fast_parse_event(std::string_view line, std::size_t capacity, std::string_view& time_text,
                      std::string& code, std::string& data, bool need_data) {
  StringOut out{code, data};
  return parse_event(line, capacity, time_text, out, need_data, false);
}

bool fast_parse_event_into(std::string_view line, std::size_t capacity, std::string_view& time_text,
                           char*& at, std::string_view& code, std::string_view& data, bool need_data,
                           bool utf8_checked) {
  ArenaOut out{at, code, data};
  return parse_event(line, capacity, time_text, out, need_data, utf8_checked);
}

} // namespace recssh
