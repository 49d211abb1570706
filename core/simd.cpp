// SPDX-License-Identifier: MIT
// Picks the SIMD kernel once, at start (static initialization, before main): the best
// one this CPU supports, or the one RECSSH_SIMD names. The choice is a table of
// function pointers (unescape::Kernels) that the line grammar loads once per line, so
// the hot loops themselves never test the CPU. simdjson's own run-time selection (its
// DOM parser, the stage 1 of its On-Demand parser, validate_utf8) is set to the
// implementation of the same level, so that a forced kernel runs what a CPU of that
// level runs throughout.
#include "core/simd.hpp"

#include "core/json_unescape.hpp"

#include <cerrno> // program_invocation_short_name
#include <cstdio>
#include <cstdlib>
#include <simdjson.h>

namespace recssh {

namespace unescape {
// Constant-initialized: until the start-up choice, the scalar kernel (any code that
// runs earlier, from another static initializer, is correct, only slower).
std::atomic<const Kernels*> g_active{&k_scalar};
} // namespace unescape

namespace simd {

namespace {

const unescape::Kernels* table(Kernel k) {
  switch (k) {
  case Kernel::scalar: return &unescape::k_scalar;
#if defined(RECSSH_X86_KERNELS)
  case Kernel::sse2: return &unescape::k_sse2;
  case Kernel::avx2: return &unescape::k_avx2;
  case Kernel::avx512: return &unescape::k_avx512;
  case Kernel::avx512vbmi2: return &unescape::k_avx512vbmi2;
#endif
  default: return nullptr;
  }
}

// What a kernel needs from the CPU (beyond the kernel below it), for messages.
const char* needs(Kernel k) {
  switch (k) {
  case Kernel::scalar: return "nothing";
  case Kernel::sse2: return "SSE2";
  case Kernel::avx2: return "AVX2, BMI1, BMI2 and POPCNT";
  case Kernel::avx512: return "AVX-512 F, VL and BW";
  case Kernel::avx512vbmi2: return "AVX-512 VBMI2";
  }
  return "?";
}

bool cpu_has(Kernel k) {
#if defined(RECSSH_X86_KERNELS)
  __builtin_cpu_init();
  // libgcc checks that the OS saves the AVX and AVX-512 registers (XGETBV) too.
  const bool sse2 = __builtin_cpu_supports("sse2");
  const bool avx2 = sse2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
                    __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
  const bool avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                      __builtin_cpu_supports("avx512bw");
  switch (k) {
  case Kernel::scalar: return true;
  case Kernel::sse2: return sse2;
  case Kernel::avx2: return avx2;
  case Kernel::avx512: return avx512;
  case Kernel::avx512vbmi2: return avx512 && __builtin_cpu_supports("avx512vbmi2");
  }
  return false;
#else
  return k == Kernel::scalar;
#endif
}

// simdjson's implementations from the best down, and the lowest kernel each needs
// (icelake needs VBMI2; westmere needs SSE4.2 and PCLMUL, which its own check sees to).
const simdjson::implementation* simdjson_for(Kernel k) {
  struct Level {
    const char* name;
    Kernel needs;
  };
  static constexpr Level levels[] = {
      {"icelake", Kernel::avx512vbmi2}, {"haswell", Kernel::avx2}, {"westmere", Kernel::sse2}, {"arm64", Kernel::scalar},
      {"ppc64", Kernel::scalar},        {"fallback", Kernel::scalar}};
  for (const Level& l : levels) {
    if (int(l.needs) > int(k)) continue;
    const simdjson::implementation* impl = simdjson::get_available_implementations()[l.name];
    if (impl && impl->supported_by_runtime_system()) return impl;
  }
  return nullptr;
}

std::string list(const std::vector<Kernel>& ks) {
  std::string s;
  for (Kernel k : ks) s += (s.empty() ? "" : " ") + std::string(name(k));
  return s;
}

bool g_forced = false; // RECSSH_SIMD chose the kernel

} // namespace

const char* name(Kernel k) {
  switch (k) {
  case Kernel::scalar: return "scalar";
  case Kernel::sse2: return "sse2";
  case Kernel::avx2: return "avx2";
  case Kernel::avx512: return "avx512";
  case Kernel::avx512vbmi2: return "avx512vbmi2";
  }
  return "?";
}

std::optional<Kernel> parse(std::string_view s) {
  for (Kernel k : k_all)
    if (s == name(k)) return k;
  return std::nullopt;
}

bool supported(Kernel k) { return table(k) != nullptr && cpu_has(k); }

std::vector<Kernel> supported_kernels() {
  std::vector<Kernel> ks;
  for (Kernel k : k_all)
    if (supported(k)) ks.push_back(k);
  return ks;
}

Kernel best() { return supported_kernels().back(); }

Kernel active() {
  const unescape::Kernels* t = unescape::g_active.load(std::memory_order_relaxed);
  for (Kernel k : k_all)
    if (table(k) == t) return k;
  return Kernel::scalar;
}

std::string describe() {
  const simdjson::implementation* impl = simdjson::get_active_implementation();
  return std::string(unescape::active().name) + (g_forced ? " (RECSSH_SIMD" : " (best") +
         "; simdjson: " + (impl ? impl->name() : std::string("?")) + "; cpu: " + list(supported_kernels()) + ")";
}

Kernel select(Kernel k) {
  const Kernel before = active();
  if (const simdjson::implementation* impl = simdjson_for(k)) simdjson::get_active_implementation() = impl;
  unescape::g_active.store(table(k), std::memory_order_relaxed);
  return before;
}

Choice choose(const char* env_value) {
  const std::string_view want = env_value ? env_value : "";
  if (want.empty() || want == "auto") return {best(), {}};
  const std::optional<Kernel> k = parse(want);
  const std::string what = "RECSSH_SIMD=" + std::string(want);
  if (!k) return {Kernel::scalar, what + ": no such kernel (one of: scalar sse2 avx2 avx512 avx512vbmi2, or auto)"};
  if (!table(*k)) return {Kernel::scalar, what + ": this build has no such kernel (it has: " + list(supported_kernels()) + ")"};
  if (!cpu_has(*k))
    return {Kernel::scalar, what + ": this CPU lacks " + needs(*k) + " (kernels it runs: " + list(supported_kernels()) + ")"};
  return {*k, {}};
}

namespace {

// The choice, at start: a bad RECSSH_SIMD stops the program before it does anything,
// with the usual "prog: error: what (hint)" and the status of a usage error.
struct Startup {
  Startup() {
    const char* env = std::getenv("RECSSH_SIMD");
    const Choice c = choose(env);
    if (!c.error.empty()) {
      std::fprintf(stderr, "%s: error: %s\n", program_invocation_short_name, c.error.c_str());
      std::exit(2);
    }
    g_forced = env && *env && std::string_view(env) != "auto";
    select(c.kernel);
    if (const char* v = std::getenv("RECSSH_SIMD_VERBOSE"); v && *v && std::string_view(v) != "0")
      std::fprintf(stderr, "%s: simd: %s\n", program_invocation_short_name, describe().c_str());
  }
};
const Startup g_startup;

} // namespace

} // namespace simd

} // namespace recssh
