// SPDX-License-Identifier: MIT
// The AVX2 string kernel (Haswell, Zen and later): 32 bytes a step with pext packing
// (json_unescape_avx2.inl). Compiled with -mavx2 -mbmi -mbmi2 -mpopcnt; core/simd.cpp
// picks it only where the CPU has all four.
#include "core/json_unescape_avx2.inl"

namespace recssh::unescape {

Decoded decode_avx2(const char* p, const char* end, char* o, std::size_t pad) {
  if (pad >= 64) return decode_vector(p, end, o);
  return decode_sse2(p, end, o, pad);
}

const char* check_avx2(const char* p, const char* end, std::size_t pad) {
  if (pad >= 64) return check_vector(p, end);
  return check_sse2(p, end, pad);
}

const Kernels k_avx2 = {"avx2", decode_avx2, check_avx2, valid_utf8_simdjson};

} // namespace recssh::unescape
