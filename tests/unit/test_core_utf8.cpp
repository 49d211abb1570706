// SPDX-License-Identifier: MIT
#include "core/utf8.hpp"
#include "simd_kernels.hpp"

#include <catch2/catch.hpp>

using namespace recssh;

TEST_CASE("invalid bytes become one U+FFFD per maximal subpart", "[core][utf8]") {
  // The same vector as asciinema 3's decoder test.
  CHECK(sanitize_utf8("\x83\x23\xf0\x90\x80\xc0\x21") == "\xEF\xBF\xBD#\xEF\xBF\xBD\xEF\xBF\xBD!");
  CHECK(sanitize_utf8("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(sanitize_utf8("\xed\xa0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // surrogate
  CHECK(sanitize_utf8("\xc0\xaf") == "\xEF\xBF\xBD\xEF\xBF\xBD");                 // overlong
}

TEST_CASE("a character split across chunks stays whole", "[core][utf8]") {
  const std::string text = "a\xe2\x82\xac" "b\xf0\x9f\x98\x80" "c\xc3\xa9";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    for (std::size_t cut2 = cut; cut2 <= text.size(); ++cut2) {
      Utf8Decoder d;
      std::string out;
      d.feed(text.substr(0, cut), out);
      d.feed(text.substr(cut, cut2 - cut), out);
      d.feed(text.substr(cut2), out);
      d.finish(out);
      REQUIRE(out == text);
    }
  }
}

TEST_CASE("byte-at-a-time decoding equals whole decoding on invalid input", "[core][utf8]") {
  const std::string text = "x\xe2\x82y\xf0\x9f\x98\xff\xc3\xa9\xe2";
  std::string whole = sanitize_utf8(text);
  Utf8Decoder d;
  std::string out;
  for (char c : text) d.feed(std::string(1, c), out);
  d.finish(out);
  CHECK(out == whole);
}

TEST_CASE("a dangling partial character at the end becomes U+FFFD", "[core][utf8]") {
  Utf8Decoder d;
  std::string out;
  d.feed("ok\xe2\x82", out);
  CHECK(out == "ok");
  CHECK(d.has_pending());
  d.finish(out);
  CHECK(out == "ok\xEF\xBF\xBD");
}

namespace {
// The scalar definition, one sequence at a time (the SIMD check must agree with it).
bool valid_by_sequences(std::string_view s) {
  auto p = reinterpret_cast<const unsigned char*>(s.data());
  for (std::size_t i = 0; i < s.size();) {
    const int len = utf8_sequence(p + i, s.size() - i);
    if (len <= 0) return false;
    i += std::size_t(len);
  }
  return true;
}
} // namespace

TEST_CASE("is_valid_utf8 agrees with the sequence rules for every 1-4 byte pattern at every block offset, in every kernel",
          "[core][utf8]") {
  // Every lead byte with second bytes across all classes and third/fourth bytes at
  // the continuation edges, placed so that it starts, straddles and ends 64-byte
  // blocks, after ASCII and after multibyte text, and cut short at the end.
  const unsigned char edges[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
  const std::string fillers[] = {std::string(130, 'a'), [] {
                                   std::string t;
                                   while (t.size() < 130) t += "\xc3\xa9\xe2\x82\xac";
                                   return t;
                                 }()};
  test::for_each_kernel([&](recssh::simd::Kernel) {
    std::size_t checked = 0, valid = 0;
    for (int lead = 0; lead < 256; ++lead) {
      for (unsigned char b2 : edges) {
        for (unsigned char b3 : {0x41, 0x7F, 0x80, 0x9F, 0xBF, 0xC0}) {
          for (unsigned char b4 : {0x41, 0x80}) {
            const unsigned char seq[] = {static_cast<unsigned char>(lead), b2, b3, b4};
            for (const std::string& filler : fillers) {
              for (std::size_t at : {0, 61, 62, 63, 64}) {
                for (std::size_t cut : {1, 2, 3, 4}) { // the string may end inside the pattern
                  std::string s = filler.substr(0, at);
                  s.append(reinterpret_cast<const char*>(seq), cut);
                  if (cut == 4) s += 'z';
                  const bool want = valid_by_sequences(s);
                  valid += want;
                  ++checked;
                  if (is_valid_utf8(s) != want) FAIL("lead " << lead << " at " << at << " cut " << cut);
                }
              }
            }
          }
        }
      }
    }
    CHECK(checked > 500000);
    CHECK(valid > 10000);
  });
}

TEST_CASE("is_valid_utf8 agrees with the sequence rules on random text, in every kernel", "[core][utf8]") {
  const char* pieces[] = {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x80", "\xc3", "\xe2\x82",
                          "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\x80", "\xe0\x80\x80", "\xf0\x80\x80\x80", "\xff",
                          "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf", "\xee\x80\x80", "\xc2\x80", "\xdf\xbf",
                          "plain ascii text running past a block boundary, plain ascii text!"};
  test::for_each_kernel([&](recssh::simd::Kernel) {
    std::uint64_t state = 42;
    auto next = [&] { return (state = state * 6364136223846793005ull + 1442695040888963407ull) >> 33; };
    int valid = 0;
    for (int i = 0; i < 20000; ++i) {
      std::string s;
      const auto n = next() % 24;
      const bool clean = next() % 2 == 0; // half of them from valid pieces only
      for (std::uint64_t j = 0; j < n; ++j) s += pieces[clean ? (next() % 4 == 0 ? 19 : next() % 4) : next() % 20];
      if (!clean && !s.empty() && next() % 4 == 0) s[next() % s.size()] = static_cast<char>(next());
      const bool want = valid_by_sequences(s);
      valid += want;
      if (is_valid_utf8(s) != want) FAIL("random case " << i << " length " << s.size());
    }
    CHECK(valid > 8000);
  });
}
