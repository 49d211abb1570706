// SPDX-License-Identifier: MIT
// The AVX2 string kernel's code, included by json_unescape_avx2.cpp and by
// json_unescape_avx512.cpp / json_unescape_avx512vbmi2.cpp (which use it for lines
// with less padding and for the check-only path): each file compiles it with its own
// target flags, so that on AVX-512 CPUs the 256-bit code also gets the 32 vector
// registers and the EVEX compares. Needs AVX2, BMI1 (tzcnt), BMI2 (pext) and POPCNT.
// Everything here has internal linkage: see json_unescape.hpp.
#pragma once
#include "core/json_unescape.hpp"

#include <immintrin.h>

namespace recssh::unescape {

namespace {

inline __m256i load32(const char* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }

struct Block32 {
  static constexpr int size = 32;
  static unsigned special_mask(const char* p) {
    const __m256i v = load32(p);
    const __m256i hit = _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')), _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\'))),
        _mm256_cmpeq_epi8(_mm256_max_epu8(v, _mm256_set1_epi8(0x1f)), _mm256_set1_epi8(0x1f)));
    return static_cast<unsigned>(_mm256_movemask_epi8(hit));
  }
  static void copy(char* o, const char* p) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), load32(p)); }
};

// A byte repeated 32 times, loaded from memory where it is used: with _mm256_set1_epi8
// the compiler keeps so many constants that it rebuilds them from immediates on every
// step (two instructions each), where a memory operand costs nothing extra.
template <char C> struct Splat {
  struct Bytes {
    char v[32];
  };
  static constexpr Bytes fill() {
    Bytes a{};
    for (auto& c : a.v) c = C;
    return a;
  }
  alignas(32) static constexpr Bytes bytes = fill();
};
template <char C> inline __m256i splat() {
  return _mm256_load_si256(reinterpret_cast<const __m256i*>(Splat<C>::bytes.v));
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

// Checks a string body without decoding it, 64 bytes per step with bit masks: every
// backslash escapes the byte after it (a run of them pairs up), escaped bytes must be
// escape letters, \u needs four hex digits, and the first quote that is not escaped
// ends the string; a control byte before it is an error. Surrogate escapes (\uD8xx
// ...) are left to the decoding path (returns nullptr), as is anything invalid.
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

// For each 8-bit mask, the 64-bit mask with 0xFF in the bytes its bits select.
struct MaskTable {
  std::uint64_t v[256];
};
constexpr MaskTable make_byte_masks() {
  MaskTable t{};
  for (unsigned k = 0; k < 256; ++k)
    for (unsigned b = 0; b < 8; ++b)
      if (k >> b & 1) t.v[k] |= std::uint64_t(0xFF) << (8 * b);
  return t;
}
constexpr MaskTable k_byte_masks = make_byte_masks();

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
    // A popcount per prefix: for 4 groups faster than the SWAR sums below (bench/ab.sh).
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
  const std::uint64_t m[4] = {k_byte_masks.v[keep & 0xFF], k_byte_masks.v[(keep >> 8) & 0xFF],
                              k_byte_masks.v[(keep >> 16) & 0xFF], k_byte_masks.v[keep >> 24]};
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
    auto scalar = [&] { return unescape_blocks<Block32>(p + __builtin_ctz(~tail), end, o); };
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


// The AVX2 kernel's two entries, for lines with 64 readable bytes after them.
inline Decoded decode_vector(const char* p, const char* end, char* o) { return unescape_vector(p, end, o); }
inline const char* check_vector(const char* p, const char* end) {
  const char* q = check_string_masks(p, end);
  return q ? q : check_string_blocks<Block32>(p, end); // surrogates, or an error
}

} // namespace

} // namespace recssh::unescape
