// SPDX-License-Identifier: MIT
#include "core/printable.hpp"

#include <catch2/catch.hpp>

using recssh::printable;
using recssh::terminal_safe_json;

TEST_CASE("printable leaves ordinary text alone", "[printable]") {
  CHECK(printable("") == "");
  CHECK(printable("vim /etc/hosts; ls -la") == "vim /etc/hosts; ls -la");
  CHECK(printable("naïve 日本語 ✓") == "naïve 日本語 ✓");
  CHECK(printable("back\\slash") == "back\\slash");
}

TEST_CASE("printable escapes what a terminal would act on", "[printable]") {
  // An OSC 52 clipboard write and a screen wipe, as a title would carry them.
  CHECK(printable("\x1b]52;c;aGk=\a\x1b[2J") == "\\e]52;c;aGk=\\a\\e[2J");
  CHECK(printable("a\nb\rc\td\be") == "a\\nb\\rc\\td\\be");
  CHECK(printable(std::string("x\0y", 3)) == "x\\x00y");
  CHECK(printable("\x7f") == "\\x7f");
  CHECK(printable("\x1f") == "\\x1f");
  // C1 controls in UTF-8: U+009B is CSI on terminals that take 8-bit controls.
  CHECK(printable("\xc2\x9b" "2J") == "\\u{009b}2J");
  CHECK(printable("\xc2\x85") == "\\u{0085}");
  CHECK(printable("\xc2\xa0") == "\xc2\xa0"); // U+00A0 is printable
  // Bidi overrides reorder what the message says ("Trojan Source").
  CHECK(printable("rm \xe2\x80\xae" "fr-") == "rm \\u{202e}fr-");
  CHECK(printable("\xe2\x81\xa6x\xe2\x81\xa9") == "\\u{2066}x\\u{2069}");
  CHECK(printable("\xef\xbb\xbfx") == "\\u{feff}x");
}

TEST_CASE("printable shows invalid UTF-8 byte by byte", "[printable]") {
  CHECK(printable("\xff") == "\\xff");
  CHECK(printable("a\xc3") == "a\\xc3");          // cut short at the end
  CHECK(printable("\xc3(") == "\\xc3(");          // bad continuation
  CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80"); // a surrogate
}

TEST_CASE("terminal_safe_json escapes the same characters and stays JSON", "[printable]") {
  CHECK(terminal_safe_json("{\"t\":\"plain\"}") == "{\"t\":\"plain\"}");
  CHECK(terminal_safe_json("{\"t\":\"\xc2\x9b" "2J\x7f\"}") == "{\"t\":\"\\u009b2J\\u007f\"}");
  CHECK(terminal_safe_json("{\"t\":\"\xe2\x80\xae\"}") == "{\"t\":\"\\u202e\"}");
  CHECK(terminal_safe_json("{\"t\":\"日本\"}") == "{\"t\":\"日本\"}");
}
