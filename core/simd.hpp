// SPDX-License-Identifier: MIT
#pragma once
// Which SIMD kernel the cast parser runs (the string decoders and the UTF-8 check,
// core/json_unescape*.cpp, core/utf8_valid*.cpp). The build targets the baseline of
// its architecture; each kernel is compiled with its own flags, and the best one this
// CPU supports is chosen once at start (__builtin_cpu_supports). RECSSH_SIMD forces
// one: a kernel this CPU (or this build) lacks is refused at start with a message
// (exit status 2), never run. RECSSH_SIMD_VERBOSE=1 prints the choice on stderr.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace recssh::simd {

enum class Kernel {
  scalar,      // portable C++ (all that non-x86 builds have)
  sse2,        // the x86-64 baseline
  avx2,        // AVX2, BMI1, BMI2, POPCNT (Haswell, Zen)
  avx512,      // and AVX-512 F/VL/BW (Skylake-SP, Cascade Lake)
  avx512vbmi2, // and AVX-512 VBMI2 (Ice Lake, Zen 4 and later)
};

inline constexpr Kernel k_all[] = {Kernel::scalar, Kernel::sse2, Kernel::avx2, Kernel::avx512, Kernel::avx512vbmi2};

// "scalar", "sse2", "avx2", "avx512", "avx512vbmi2": the values of RECSSH_SIMD.
const char* name(Kernel k);
std::optional<Kernel> parse(std::string_view name);
// Whether this build has the kernel and this CPU can run it.
bool supported(Kernel k);
std::vector<Kernel> supported_kernels();
// The best supported kernel (what runs when RECSSH_SIMD is not set).
Kernel best();
// The kernel in use.
Kernel active();
// "avx512vbmi2 (best; this CPU: scalar sse2 avx2 avx512 avx512vbmi2)", for --version.
std::string describe();

// Makes `k` (which must be supported) the kernel in use, and returns the one before:
// for tests that run every kernel in one process. Not while other threads parse.
Kernel select(Kernel k);

// What RECSSH_SIMD asks for: the kernel, or the message why not (unknown name, or a
// kernel this CPU or build lacks). Unset or empty, or "auto": the best.
struct Choice {
  Kernel kernel = Kernel::scalar;
  std::string error; // non-empty: refused
};
Choice choose(const char* env_value);

} // namespace recssh::simd
