// SPDX-License-Identifier: MIT
// The AVX-512BW UTF-8 check (the avx512 and avx512vbmi2 kernels' valid_utf8): the
// lookup algorithm of Keiser and Lemire ("Validating UTF-8 in less than one
// instruction per byte", 2021), 64 bytes a step, where simdjson's kernels take 32.
// Compiled with the avx512 kernel's flags (core/CMakeLists.txt); core/simd.cpp calls
// it only on CPUs with AVX-512 F/VL/BW and BMI2. The unit tests compare it, and every
// other kernel's check, with a scalar reference on generated and random input.
#include "core/json_unescape.hpp"

#include <immintrin.h>

namespace recssh::unescape {

namespace {

// Each rule a byte pair can break is one bit; three 16-entry tables, indexed by the
// high and low nibble of the first byte of a pair and the high nibble of the second,
// give the rules each nibble may break, and a pair is wrong when all three agree on a
// bit. Three- and four-byte sequences are checked by "must be a continuation" below.
enum : unsigned char {
  too_short = 1 << 0,      // a lead byte not followed by a continuation
  too_long = 1 << 1,       // a continuation after ASCII
  overlong_3 = 1 << 2,     // E0 followed by 80-9F
  too_large = 1 << 3,      // above U+10FFFF
  surrogate = 1 << 4,      // ED followed by A0-BF
  overlong_2 = 1 << 5,     // C0 or C1
  too_large_1000 = 1 << 6, // F5 and above, followed by 80-8F
  overlong_4 = 1 << 6,     // F0 followed by 80-8F
  two_conts = 1 << 7,      // a continuation after a continuation (fine in 3-4 byte sequences)
  carry = too_short | too_long | two_conts,
};

constexpr unsigned char k_first_high[16] = {
    too_long, too_long, too_long, too_long, too_long, too_long, too_long, too_long, // 0___
    two_conts, two_conts, two_conts, two_conts,                                       // 10__
    too_short | overlong_2,                                                           // 1100
    too_short,                                                                        // 1101
    too_short | overlong_3 | surrogate,                                               // 1110
    too_short | too_large | too_large_1000 | overlong_4,                              // 1111
};
constexpr unsigned char k_first_low[16] = {
    carry | overlong_3 | overlong_2 | overlong_4, // ___0000
    carry | overlong_2,                           // ___0001
    carry,
    carry,
    carry | too_large,                            // ___0100
    carry | too_large | too_large_1000,
    carry | too_large | too_large_1000,
    carry | too_large | too_large_1000,
    carry | too_large | too_large_1000,
    carry | too_large | too_large_1000,
    carry | too_large | too_large_1000,
    carry | too_large | too_large_1000,
    carry | too_large | too_large_1000,
    carry | too_large | too_large_1000 | surrogate, // ___1101
    carry | too_large | too_large_1000,
    carry | too_large | too_large_1000,
};
constexpr unsigned char k_second_high[16] = {
    too_short, too_short, too_short, too_short, too_short, too_short, too_short, too_short, // 0___
    too_long | overlong_2 | two_conts | overlong_3 | too_large_1000 | overlong_4,           // 1000
    too_long | overlong_2 | two_conts | overlong_3 | too_large,                             // 1001
    too_long | overlong_2 | two_conts | surrogate | too_large,                              // 1010
    too_long | overlong_2 | two_conts | surrogate | too_large,                              // 1011
    too_short, too_short, too_short, too_short,                                             // 11__
};

inline __m512i nibble_table(const unsigned char (&t)[16]) { // in each 128-bit lane (vpshufb)
  // Not _mm512_broadcast_i32x4: GCC 12's header warns about its undefined source.
  alignas(64) unsigned char lanes[64];
  for (int i = 0; i < 64; ++i) lanes[i] = t[i % 16];
  return _mm512_load_si512(lanes);
}

class Checker {
public:
  // One 64-byte block; `prev` is the block before it (zeros at the start).
  void add(__m512i in) {
    // Bytes 1, 2 and 3 before each byte: valignq brings the previous 16-byte lane
    // under each lane (vpalignr only shifts within lanes).
    const __m512i lanes = _mm512_maskz_alignr_epi64(0xFF, in, m_prev, 6); // (maskz: see nibble_table)
    const __m512i prev1 = _mm512_alignr_epi8(in, lanes, 15);
    const __m512i prev2 = _mm512_alignr_epi8(in, lanes, 14);
    const __m512i prev3 = _mm512_alignr_epi8(in, lanes, 13);
    const __m512i pairs = _mm512_and_si512(
        _mm512_and_si512(_mm512_shuffle_epi8(m_first_high, high_nibble(prev1)),
                         _mm512_shuffle_epi8(m_first_low, _mm512_and_si512(prev1, m_low))),
        _mm512_shuffle_epi8(m_second_high, high_nibble(in)));
    // A byte 2 after E0-FF or 3 after F0-FF must be a continuation: the pair rules
    // then flag two_conts there, which this flips back (and flags its absence).
    const __mmask64 must_continue = _mm512_cmpge_epu8_mask(prev2, _mm512_set1_epi8(char(0xE0))) |
                                    _mm512_cmpge_epu8_mask(prev3, _mm512_set1_epi8(char(0xF0)));
    m_error = _mm512_or_si512(
        m_error, _mm512_xor_si512(pairs, _mm512_maskz_mov_epi8(must_continue, _mm512_set1_epi8(char(0x80)))));
    m_prev = in;
  }
  // ASCII after ASCII cannot be wrong: skipped, which is most of a typical log.
  void add_fast(__m512i in) {
    if ((_mm512_movepi8_mask(in) | _mm512_movepi8_mask(m_prev)) == 0) m_prev = in;
    else add(in);
  }
  bool ok() const { return _mm512_test_epi8_mask(m_error, m_error) == 0; }

private:
  __m512i high_nibble(__m512i v) const { return _mm512_and_si512(_mm512_srli_epi16(v, 4), m_low); }

  const __m512i m_first_high = nibble_table(k_first_high), m_first_low = nibble_table(k_first_low),
                m_second_high = nibble_table(k_second_high), m_low = _mm512_set1_epi8(0x0F);
  __m512i m_prev = _mm512_setzero_si512(), m_error = _mm512_setzero_si512();
};

} // namespace

bool valid_utf8_avx512(const char* p, std::size_t n) {
  // A short ASCII string (most single lines: the line-by-line reader checks each)
  // needs none of the table work: one masked load and one sign test.
  if (n <= 64 && _mm512_movepi8_mask(_mm512_maskz_loadu_epi8(_bzhi_u64(~std::uint64_t(0), unsigned(n)), p)) == 0)
    return true;
  Checker c;
  for (; n >= 64; p += 64, n -= 64) c.add_fast(_mm512_loadu_si512(p));
  // The rest with zeros after it (loaded by mask: nothing past the end is touched),
  // then a block of zeros: a sequence cut by the end meets ASCII and is too short.
  if (n != 0) c.add(_mm512_maskz_loadu_epi8(_bzhi_u64(~std::uint64_t(0), unsigned(n)), p));
  c.add(_mm512_setzero_si512());
  return c.ok();
}

} // namespace recssh::unescape
