// SPDX-License-Identifier: MIT
#include "core/time.hpp"

#include <catch2/catch.hpp>

using namespace recssh;

TEST_CASE("seconds parse exactly from text, truncated to microseconds", "[core][time]") {
  CHECK(parse_seconds("0")->count() == 0);
  CHECK(parse_seconds("1.5")->count() == 1500000);
  CHECK(parse_seconds("0.004328")->count() == 4328);
  CHECK(parse_seconds("1e-05")->count() == 10);
  CHECK(parse_seconds("1.5E2")->count() == 150000000);
  CHECK(parse_seconds("0.0000019")->count() == 1); // truncated, as asciinema 3 does
  CHECK(parse_seconds("12345678.123456")->count() == 12345678123456);
  CHECK(parse_seconds("-0.0")->count() == 0);
  CHECK(parse_seconds("1e-999")->count() == 0);
}

TEST_CASE("invalid or out of range seconds are refused", "[core][time]") {
  bool negative = false;
  CHECK_FALSE(parse_seconds("-1.5", &negative));
  CHECK(negative);
  CHECK_FALSE(parse_seconds("1e999", &negative));
  CHECK_FALSE(negative);
  for (const char* bad : {"", "NaN", "inf", "1.", ".5", "1e", "1x", "0x10", "1.5.5", "99999999999999999999"})
    CHECK_FALSE(parse_seconds(bad));
}

TEST_CASE("v2 times print with trailing zeros trimmed", "[core][time]") {
  CHECK(format_seconds(Micros{0}) == "0.0");
  CHECK(format_seconds(Micros{4328}) == "0.004328");
  CHECK(format_seconds(Micros{12300000}) == "12.3");
  CHECK(format_seconds(Micros{1000001}) == "1.000001");
}

TEST_CASE("millisecond quantizer never drifts more than half a millisecond", "[core][time]") {
  MillisQuantizer q;
  std::int64_t sum_ms = 0, t = 0;
  for (int i = 0; i < 100000; ++i) {
    t += 1 + (i * 7919) % 1700; // irregular sub-millisecond-ish steps
    std::int64_t d = q.interval_ms(Micros{t});
    CHECK(d >= 0);
    sum_ms += d;
    REQUIRE(std::llabs(sum_ms * 1000 - t) <= 500);
  }
  std::string s;
  append_millis(s, 12345);
  CHECK(s == "12.345");
}

TEST_CASE("doubles print like Python repr", "[core][time]") {
  CHECK(format_double(2.0) == "2.0");
  CHECK(format_double(2.5) == "2.5");
  CHECK(format_double(0.1) == "0.1");
  CHECK(format_utc_iso(0) == "1970-01-01T00:00:00Z");
}
