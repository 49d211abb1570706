// SPDX-License-Identifier: MIT
#include "core/json.hpp"

#include <catch2/catch.hpp>

using namespace recssh;

TEST_CASE("JSON strings are escaped exactly as asciinema writes them", "[core][json]") {
  CHECK(json_string("a\"b\\c") == R"("a\"b\\c")");
  CHECK(json_string("\r\n\t\b\f") == R"("\r\n\t\b\f")");
  CHECK(json_string("\x1b[1m") == R"("\u001b[1m")");
  CHECK(json_string(std::string("\x00\x07\x1f", 3)) == R"("\u0000\u0007\u001f")");
  CHECK(json_string("\x7f") == "\"\x7f\"");             // DEL is not escaped
  CHECK(json_string("h\xc3\xa9llo") == "\"h\xc3\xa9llo\""); // non-ASCII stays UTF-8
  CHECK(json_string("bad\xff") == "\"bad\xEF\xBF\xBD\"");    // invalid → U+FFFD
}

TEST_CASE("minify keeps strings intact", "[core][json]") {
  CHECK(minify_json("{ \"a b\" : [1, 2],\n \"c\": \"x \\\" y\" }") == "{\"a b\":[1,2],\"c\":\"x \\\" y\"}");
}
