// SPDX-License-Identifier: MIT
// The AVX-512 string kernel with VBMI2 (Ice Lake, Zen 4 and later): as the avx512
// kernel, but the bytes kept are packed with one vpcompressb (json_unescape_avx512.inl
// under __AVX512VBMI2__). Compiled with the avx512 kernel's flags and -mavx512vbmi2.
#include "core/json_unescape_avx512.inl"

#if !defined(__AVX512VBMI2__)
#error "json_unescape_avx512vbmi2.cpp needs -mavx512vbmi2"
#endif

namespace recssh::unescape {

namespace {
Decoded decode(const char* p, const char* end, char* o, std::size_t pad) { return decode_wide(p, end, o, pad); }
const char* check(const char* p, const char* end, std::size_t pad) { return check_wide(p, end, pad); }
} // namespace

const Kernels k_avx512vbmi2 = {"avx512vbmi2", decode, check, valid_utf8_avx512};

} // namespace recssh::unescape
