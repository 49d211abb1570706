// SPDX-License-Identifier: MIT
#include "core/utf8.hpp"

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
