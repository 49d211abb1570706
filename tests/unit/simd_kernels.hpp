// SPDX-License-Identifier: MIT
#pragma once
// Runs a test body once under every SIMD kernel this CPU supports (core/simd.hpp), so
// that a kernel the CPU would not pick by default (scalar, sse2, avx2 here) is tested
// too; the kernel in use before is restored, also when a REQUIRE throws.
#include "core/simd.hpp"

#include <catch2/catch.hpp>

namespace test {

class KernelScope {
public:
  explicit KernelScope(recssh::simd::Kernel k) : m_before(recssh::simd::select(k)) {}
  ~KernelScope() { recssh::simd::select(m_before); }
  KernelScope(const KernelScope&) = delete;
  KernelScope& operator=(const KernelScope&) = delete;

private:
  recssh::simd::Kernel m_before;
};

template <class F> void for_each_kernel(F&& body) {
  for (recssh::simd::Kernel k : recssh::simd::supported_kernels()) {
    KernelScope scope(k);
    INFO("SIMD kernel " << recssh::simd::name(k));
    REQUIRE(recssh::simd::active() == k);
    body(k);
  }
}

} // namespace test
