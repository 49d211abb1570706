// SPDX-License-Identifier: MIT
// The AVX-512 string kernel without VBMI2 (Skylake-SP, Cascade Lake): 64 bytes a step,
// kept bytes packed with pext (json_unescape_avx512.inl). Compiled with the AVX2
// kernel's flags and -mavx512f -mavx512vl -mavx512bw.
#include "core/json_unescape_avx512.inl"

#if defined(__AVX512VBMI2__)
#error "json_unescape_avx512.cpp is the kernel for CPUs without VBMI2: compile it without -mavx512vbmi2"
#endif

namespace recssh::unescape {

namespace {
Decoded decode(const char* p, const char* end, char* o, std::size_t pad) { return decode_wide(p, end, o, pad); }
const char* check(const char* p, const char* end, std::size_t pad) { return check_wide(p, end, pad); }
} // namespace

const Kernels k_avx512 = {"avx512", decode, check, valid_utf8_avx512};

} // namespace recssh::unescape
