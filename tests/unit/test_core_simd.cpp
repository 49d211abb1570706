// SPDX-License-Identifier: MIT
// The SIMD kernels (core/simd.hpp): how one is chosen, and that every kernel this CPU
// runs decodes, checks and validates exactly as the scalar one does.
#include "core/cast_fast.hpp"
#include "core/simd.hpp"
#include "core/utf8.hpp"
#include "simd_kernels.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace recssh;

TEST_CASE("RECSSH_SIMD names a kernel; one the CPU lacks or an unknown name is refused", "[core][simd]") {
  const std::vector<simd::Kernel> ks = simd::supported_kernels();
  REQUIRE(!ks.empty());
  CHECK(ks.front() == simd::Kernel::scalar);
#if defined(__x86_64__)
  CHECK(simd::supported(simd::Kernel::sse2)); // the x86-64 baseline
#endif
  CHECK(simd::best() == ks.back());
  for (const char* none : {static_cast<const char*>(nullptr), "", "auto"}) {
    const simd::Choice c = simd::choose(none);
    CHECK(c.error.empty());
    CHECK(c.kernel == simd::best());
  }
  for (simd::Kernel k : simd::k_all) {
    CHECK(simd::parse(simd::name(k)) == k);
    const simd::Choice c = simd::choose(simd::name(k));
    if (simd::supported(k)) {
      CHECK(c.error.empty());
      CHECK(c.kernel == k);
    } else {
      CHECK_THAT(c.error, Catch::StartsWith("RECSSH_SIMD=" + std::string(simd::name(k)) + ": this "));
      CHECK_THAT(c.error, Catch::Contains("scalar"));
    }
  }
  const simd::Choice bad = simd::choose("avx1024");
  CHECK(bad.error == "RECSSH_SIMD=avx1024: no such kernel (one of: scalar sse2 avx2 avx512 avx512vbmi2, or auto)");
  CHECK_FALSE(simd::parse("AVX2"));
}

TEST_CASE("the kernel in use is the one RECSSH_SIMD names, or the best", "[core][simd]") {
  // The per-kernel CI runs (make test-kernels) set RECSSH_SIMD: this proves they ran
  // the kernel they name.
  const char* env = std::getenv("RECSSH_SIMD");
  const simd::Choice c = simd::choose(env);
  REQUIRE(c.error.empty());
  CHECK(simd::name(simd::active()) == std::string(simd::name(c.kernel)));
  CHECK_THAT(simd::describe(), Catch::StartsWith(std::string(simd::name(c.kernel)) + " ("));
}

namespace {

struct Parsed {
  bool ok = false;
  std::string time, code, data;
  bool operator==(const Parsed&) const = default;
};

// One line through the fast path with `pad` readable bytes after it (zeros, as the
// readers leave them), decoding or only checking, as a std::string pair and into an
// arena (the batch decoder's way).
Parsed parse(const std::string& line, std::size_t pad, bool need_data, bool arena) {
  std::string text = line + std::string(pad, '\0');
  std::string_view view(text.data(), line.size());
  Parsed r;
  std::string_view t;
  if (arena) {
    std::vector<char> out(line.size() + k_fast_room);
    char* at = out.data();
    std::string_view code, data;
    r.ok = fast_parse_event_into(view, text.size(), t, at, code, data, need_data, false);
    if (r.ok) {
      r.code = code;
      r.data = data;
    }
  } else {
    r.ok = fast_parse_event(view, text.size(), t, r.code, r.data, need_data);
  }
  if (!r.ok) return {};
  r.time = t;
  return r;
}

} // namespace

TEST_CASE("every kernel decodes and checks each line exactly as the scalar kernel", "[core][simd]") {
  // Runs of text, escapes of every kind (ESC, CR LF, \u beyond ASCII, surrogate pairs,
  // lone surrogates), raw UTF-8 and invalid bytes, quotes and backslash runs, at
  // every offset around the 16/32/64-byte steps, with every padding the kernels tell
  // apart.
  const char* pieces[] = {"\\u001b", "\\\\", "\\\"", "a", "\xc3\xa9", "\\n", "\\r\\n", "\\uD83D\\uDE00",
                          "\\u00e9", "[1;31m", "\\/", "\\t", "xyzxyzxyz", "\\uDA00", "\\u0007", "\\u007F",
                          "\\u0000", "\\u0041", "\\u001B", "\\b\\f", "\\u00fF", "plain text run of 33 bytes, longer",
                          "\\u0085", "\\u20ac", "\\\\\\\\\\\\", "\\\\\\\"", "\xe2\x82\xac", "\\u001b[0m", "\\u12ab",
                          "\\u000A"};
  const char* bad[] = {"\\x", "\\u12G4", "\t", "\\", "\\u00", "\\uDE00x", "\\\\\\", "\xff", "\xc3", "\"", "\x01",
                       "\\ud83d", "\\uDE00"};
  const std::size_t pads[] = {0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 200};
  std::uint64_t state = 777;
  auto rnd = [&](std::uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  std::vector<std::string> lines;
  for (int i = 0; i < 4000; ++i) {
    std::string data;
    for (int k = 0, n = int(rnd(50)); k < n; ++k) data += pieces[rnd(sizeof pieces / sizeof *pieces)];
    if (rnd(4) == 0) data.insert(rnd(data.size() + 1), bad[rnd(sizeof bad / sizeof *bad)]);
    std::string code = "o";
    if (rnd(5) == 0) code = rnd(2) ? "m" : "\\u0072x\\n" + std::string(rnd(70), 'c');
    std::string line = "[" + std::to_string(rnd(1000)) + "." + std::to_string(rnd(1000)) + ", \"" + code +
                       "\", \"" + data + "\"]";
    if (rnd(12) == 0) line.pop_back(); // no closing bracket
    lines.push_back(std::move(line));
  }
  // The scalar kernel's answers, then every other kernel's against them.
  std::vector<Parsed> want;
  int accepted = 0;
  {
    test::KernelScope scalar(simd::Kernel::scalar);
    for (const std::string& line : lines) {
      const Parsed p = parse(line, 0, true, false);
      accepted += p.ok;
      want.push_back(p);
    }
  }
  CHECK(accepted > 1000);
  CHECK(accepted < 3000);
  std::size_t compared = 0;
  test::for_each_kernel([&](simd::Kernel) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      INFO(lines[i]);
      const std::size_t pad = pads[i % (sizeof pads / sizeof *pads)];
      const bool arena = i % 2 == 1;
      REQUIRE(parse(lines[i], pad, true, arena) == want[i]);
      // Checking only: the same decision, and no data for output events.
      const Parsed check = parse(lines[i], pad, false, arena);
      REQUIRE(check.ok == want[i].ok);
      if (check.ok) {
        CHECK(check.time == want[i].time);
        CHECK(check.code == want[i].code);
        const bool skipped = want[i].code == "o" || want[i].code == "m";
        CHECK(check.data == (skipped ? std::string() : want[i].data));
      }
      ++compared;
    }
  });
  CHECK(compared == lines.size() * simd::supported_kernels().size());
}
