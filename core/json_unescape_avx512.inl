// SPDX-License-Identifier: MIT
// The AVX-512 string kernel's code, included by json_unescape_avx512.cpp (AVX-512
// F/VL/BW: Skylake-SP, Cascade Lake) and json_unescape_avx512vbmi2.cpp (with VBMI2 as
// well: Ice Lake, Zen 4 and later), which differ only in how pack_kept64 packs the
// bytes it keeps. Everything here has internal linkage: see json_unescape.hpp.
#pragma once
#include "core/json_unescape_avx2.inl"

namespace recssh::unescape {

namespace {

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
  // registers with extracts, which all queue on one port.
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
    auto scalar = [&] { return unescape_blocks<Block32>(p + __builtin_ctzll(~tail), end, o); };
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

// The kernel's two entries: 64 bytes a step where the line has the padding for it,
// 32 (the AVX2 code, compiled for this file's target) where it has less.
inline Decoded decode_wide(const char* p, const char* end, char* o, std::size_t pad) {
  if (pad >= k_wide_padding) return unescape_vector512(p, end, o);
  if (pad >= 64) return decode_vector(p, end, o);
  return decode_sse2(p, end, o, pad);
}
inline const char* check_wide(const char* p, const char* end, std::size_t pad) {
  if (pad >= 64) return check_vector(p, end);
  return check_sse2(p, end, pad);
}

} // namespace

} // namespace recssh::unescape
