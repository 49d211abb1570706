// SPDX-License-Identifier: MIT
// search/: the lines the screen showed (the plain model, the emulator, and that they
// agree), typed input with its edits resolved, and the matcher.
#include "core/errors.hpp"
#include "core/printable.hpp"
#include "search/matcher.hpp"
#include "search/screen_lines.hpp"
#include "search/typed_input.hpp"

#include <catch2/catch.hpp>
#include <algorithm>
#include <random>

using namespace recssh;
using namespace recssh::search;

namespace {

struct Got {
  std::vector<std::pair<long long, std::string>> lines;
  bool emulated = false;
};

// A chunk that is a resize event to `size` (lines_of), not output.
std::string resize_to(TermSize size) {
  return std::string("\xff") + char(size.cols) + char(size.rows);
}

// Feeds `chunks` (one event each, at times 1, 2, 3... s) and collects the lines.
Got lines_of(const std::vector<std::string>& chunks, ScreenLines::Model model, TermSize size = {20, 5}) {
  Got got;
  ScreenLines s(size, model, [&](Micros t, std::string_view text) { got.lines.emplace_back(t.count(), text); });
  long long t = 0;
  for (const auto& c : chunks) {
    if (c.size() == 3 && c[0] == '\xff') s.resize(Micros(++t * 1'000'000), TermSize{c[1], c[2]});
    else s.feed(Micros(++t * 1'000'000), c);
  }
  s.finish(Micros(++t * 1'000'000));
  got.emulated = s.emulating();
  return got;
}

std::vector<std::string> texts(const Got& g) {
  std::vector<std::string> out;
  for (const auto& l : g.lines) out.push_back(l.second);
  return out;
}

using V = std::vector<std::string>;

} // namespace

TEST_CASE("screen lines: what the screen showed, line by line") {
  for (auto model : {ScreenLines::Model::automatic, ScreenLines::Model::emulator}) {
    INFO("emulator " << (model == ScreenLines::Model::emulator));
    // A progress bar overwritten by CR: only what stayed is a line.
    auto g = lines_of({"$ make\r\n", " 10%\r", " 50%\r", "100% done\r\n", "$ "}, model);
    CHECK(texts(g) == V{"$ make", "100% done", "$"});
    CHECK(g.lines[1].first == 4'000'000); // when its newline came
    // Colours inside a word, backspace edits, erase to the end of the line.
    CHECK(texts(lines_of({"\x1b[1mr\x1b[31mm\x1b[0m -rg\bf\r\n", "abcdef\r\x1b[Kxy\r\n"}, model)) == V{"rm -rf", "xy"});
    // Erase the start of a line, a tab, a title.
    CHECK(texts(lines_of({"abcdef\b\b\x1b[1K", "\r\n", "a\tb\x1b]2;title\x07\r\n"}, model)) == V{"     f", "a       b"});
    // Long lines wrap where the terminal wraps them (20 columns here).
    CHECK(texts(lines_of({std::string(25, 'x') + "\r\n"}, model)) == V{std::string(20, 'x'), "xxxxx"});
    // Lines scrolled off the top of a 5-row screen are all there, once.
    CHECK(texts(lines_of({"1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n7\r\n"}, model)) == V{"1", "2", "3", "4", "5", "6", "7"});
    // A resize completes the row under way; the row is cut, not reflowed, and wraps at
    // the new width.
    CHECK(texts(lines_of({"$ ls\r\n", "a long line here\r\n$ ", resize_to({8, 3}), "echo hi\r\n"}, model)) ==
          V{"$ ls", "a long line here", "$", "$ echo h", "i"});
    // Narrow characters written over halves of wide ones: what is left shows.
    CHECK(texts(lines_of({"漢字\rab\r\n", "漢字\rx\r\n", "漢字\b\by\r\n"}, model)) == V{"ab字", "x字", "漢y"});
  }
  // Plain output never needs the emulator, resizes and wide characters included.
  CHECK_FALSE(lines_of({"a\r\nb\x1b[32mc\x1b[m\r\n"}, ScreenLines::Model::automatic).emulated);
  CHECK_FALSE(lines_of({"日本語 abc\r\n$ ", resize_to({5, 2}), "ls\r\n", resize_to({30, 8}), "漢字\rx\r\n"},
                       ScreenLines::Model::automatic)
                  .emulated);
}

TEST_CASE("screen lines: full-screen programs through the emulator") {
  // A program that draws rows with cursor addressing on the alternate screen: each row
  // is a line once the cursor leaves it; leaving the screen completes the last one.
  auto g = lines_of({"$ top\r\n", "\x1b[?1049h\x1b[H\x1b[2J", "\x1b[1;1HPID USER", "\x1b[2;1H  1 root",
                     "\x1b[3;1H 42 alice\x1b[5;1Hstatus", "\x1b[?1049l", "$ "},
                    ScreenLines::Model::automatic);
  CHECK(g.emulated);
  CHECK(texts(g) == V{"$ top", "PID USER", "  1 root", " 42 alice", "status", "$"});
  // A row redrawn in place with the cursor on it is not a line until it is left.
  g = lines_of({"\x1b[2;1H 10%", "\x1b[2;1H 90%", "\x1b[2;1H100%", "\x1b[4;1H"}, ScreenLines::Model::automatic);
  CHECK(texts(g) == V{"100%"});
  // A scroll region (less, vim): rows leaving through it are complete.
  g = lines_of({"\x1b[1;4r\x1b[4;1Ha\n", "b\n", "c\n", "\x1b[r"}, ScreenLines::Model::automatic);
  CHECK(texts(g) == V{"a", " b", "  c"});
}

TEST_CASE("screen lines: the plain model and the emulator give the same lines") {
  // A generated corpus: text (ASCII, one- and two-cell UTF-8), CR, LF, BS, TAB, colours, erase
  // line, titles, long runs that wrap and scroll a small screen; some streams also get
  // what only the emulator shows (cursor moves, the alternate screen, combining
  // characters), so the hand-over mid-stream is compared too. Events are cut at random
  // places, inside sequences (never inside a character: events are JSON text), and
  // half the streams get resizes between them (narrower, wider, fewer and more rows,
  // down to one of each), which the plain model follows or hands over.
  const std::vector<std::string> plain_tokens = {
      "ls", "rm -rf /tmp/x", " ", "é", "ж", "─", "\r\n", "\r", "\n", "\b", "\b\b", "\t", "\x1b[31m", "\x1b[0m",
      "\x1b[1;32m", "\x1b[K", "\x1b[0K", "\x1b[1K", "\x1b[2K", "\x1b]0;t\x07", "\x1b]2;x\x1b\\", "\x07",
      "0123456789abcdefghij", "progress 10%\r", "→", "漢", "日本語", "✓", "€"};
  const std::vector<std::string> emulator_tokens = {"\x1b[H", "\x1b[2;3H", "\x1b[A", "\x1b[2J", "\x1b[?1049h",
                                                    "\x1b[?1049l", "\x1b[1;3r", "\x1b[r", "e\u0301", "\x1bM", "\x1b[L",
                                                    "\x1b[3P", "\x1b[2@"};
  std::mt19937 rng(16);
  int handed_over = 0, stayed_plain = 0, resized_plain = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string stream;
    bool mixed = round % 3 == 0;
    int n = int(rng() % 200);
    for (int k = 0; k < n; ++k) {
      if (mixed && rng() % 25 == 0) stream += emulator_tokens[rng() % emulator_tokens.size()];
      else stream += plain_tokens[rng() % plain_tokens.size()];
    }
    std::vector<std::string> chunks;
    for (std::size_t at = 0; at < stream.size();) {
      std::size_t len = 1 + rng() % 40;
      // (Events hold whole characters: asciicast data is JSON text.)
      while (at + len < stream.size() && (static_cast<unsigned char>(stream[at + len]) & 0xC0) == 0x80) ++len;
      chunks.push_back(stream.substr(at, len));
      at += len;
      if (round % 2 == 1 && rng() % 6 == 0) chunks.push_back(resize_to({int(1 + rng() % 34), int(1 + rng() % 7)}));
    }
    TermSize size{int(5 + rng() % 30), int(1 + rng() % 6)};
    auto a = lines_of(chunks, ScreenLines::Model::automatic, size);
    auto b = lines_of(chunks, ScreenLines::Model::emulator, size);
    auto join = [](const Got& g) {
      std::string out;
      for (const auto& [t, text] : g.lines) out += std::to_string(t / 1'000'000) + " " + text + "\n";
      return out;
    };
    std::string events;
    std::size_t resizes = 0;
    for (const auto& c : chunks) {
      const bool resize = c.size() == 3 && c[0] == '\xff';
      resizes += resize;
      events += resize ? "<resize " + format_size({c[1], c[2]}) + ">" : printable(c) + "|";
    }
    INFO("round " << round << " size " << format_size(size) << " events " << events);
    REQUIRE(join(a) == join(b));
    (a.emulated ? handed_over : stayed_plain)++;
    if (!a.emulated && resizes > 0) ++resized_plain;
  }
  CHECK(handed_over > 500);
  CHECK(stayed_plain > 600);
  CHECK(resized_plain > 120); // resizes the plain model followed itself
}

TEST_CASE("typed input: line edits resolved") {
  auto typed = [](std::string keys) {
    std::vector<std::string> out;
    TypedLines t;
    auto emit = [&](std::string_view l) { out.emplace_back(l); };
    for (char c : keys) t.feed(std::string(1, c), emit); // one key per event
    t.finish(emit);
    return out;
  };
  CHECK(typed("rm -rg\x7f" "f /\r") == V{"rm -rf /"});
  CHECK(typed("secret stuff\x15ls\r") == V{"ls"});
  CHECK(typed("cp a b c\x17\x17" "d\r") == V{"cp a d"});
  CHECK(typed("s\x1b[Dl\x1b[F -a\r") == V{"ls -a"});
  CHECK(typed("lsx\x1b[D\x1b[3~\r") == V{"ls"});
  CHECK(typed("echo é\x7f" "e\r\x03" "abc\x01x\r") == V{"echo e", "xabc"});
  CHECK(typed("pwd") == V{"pwd"});
}

TEST_CASE("matcher: regular expressions, fixed strings, case, words") {
  auto m = [](std::string p, Syntax s = Syntax::basic, bool i = false, bool w = false) {
    return std::make_unique<Matcher>(MatchOptions{std::move(p), s, i, w});
  };
  CHECK(m("rm -rf")->matches("$ rm -rf /"));
  CHECK_FALSE(m("rm -rf")->matches("$ rm -r f"));
  CHECK(m("r[mn] -r.")->matches("$ rn -rx"));
  CHECK(m("a+")->matches("a+b"));             // BRE: + is literal
  CHECK_FALSE(m("a+", Syntax::extended)->matches("+b"));
  CHECK(m("(db|web)-[0-9]", Syntax::extended)->matches("ssh web-3"));
  CHECK(m("a.b", Syntax::fixed)->matches("xa.b"));
  CHECK_FALSE(m("a.b", Syntax::fixed)->matches("axb"));
  CHECK(m("ROOT", Syntax::basic, true)->matches("root"));
  CHECK(m("ro.T", Syntax::basic, true)->matches("ROOT"));
  CHECK(m("rm", Syntax::basic, false, true)->matches("x rm y"));
  CHECK_FALSE(m("rm", Syntax::basic, false, true)->matches("xrm y"));
  CHECK(m("rm", Syntax::basic, false, true)->matches("xrm rm"));
  CHECK_FALSE(m("r.", Syntax::basic, false, true)->matches("arm"));
  CHECK(m("o", Syntax::fixed)->spans("foo bo") == std::vector<std::pair<std::size_t, std::size_t>>{{1, 2}, {2, 3}, {5, 6}});
  CHECK_THROWS_AS(m("a\\(", Syntax::basic), UsageError);
}

TEST_CASE("matcher: the literal prefilter never changes what matches") {
  // What each pattern must hold, and that prefiltered and plain regexec agree on
  // lines made of the patterns' own pieces.
  struct Case {
    const char* pattern;
    Syntax syntax;
    const char* required;
  };
  const Case cases[] = {
      {"ssh.*kernel", Syntax::extended, "kernel"},
      {"ssh.*kernel", Syntax::basic, "kernel"},
      {"ab*c", Syntax::basic, "a"},
      {"colou?r", Syntax::extended, "colo"},
      {"colou\\?r", Syntax::basic, "colo"},
      {"x{2,3}yz", Syntax::extended, "yz"},
      {"xa\\{0,3\\}yz", Syntax::basic, "yz"},
      {"ab+cd", Syntax::extended, "ab"},
      {"ab\\+cd", Syntax::basic, "ab"},
      {"a+b.c", Syntax::basic, "a+b"},
      {"(db|web)-[0-9]", Syntax::extended, ""},
      {"db\\|web", Syntax::basic, ""},
      {"rm -r[fF] /var", Syntax::basic, "rm -r"},
      {"[]x]abc", Syntax::basic, "abc"},
      {"[[:digit:]]+ mysqld", Syntax::extended, " mysqld"},
      {"^\\$ rm", Syntax::basic, "$ rm"},
      {"\\<root\\>", Syntax::basic, "root"},
      {"日本*語", Syntax::basic, "日"},
      {"a.b", Syntax::extended, "a"},
  };
  const std::vector<std::string> pieces = {"ssh", "kernel", "a", "b", "c", "ab", "cd", "colour", "color", "colouur",
                                           "x",   "xx",     "yz", "db", "web", "-1", "rm -rf /var", "rm -rF /var",
                                           "]",   "abc",    "42", " mysqld", "$ rm", "root", "日本語", "日語", "+", " "};
  std::mt19937 rng(19);
  for (const auto& c : cases) {
    INFO("pattern " << c.pattern);
    for (bool icase : {false, true}) {
      Matcher fast(MatchOptions{c.pattern, c.syntax, icase, false});
      Matcher slow(MatchOptions{c.pattern, c.syntax, icase, false, false});
      if (!icase) CHECK(fast.required() == c.required);
      CHECK(slow.required().empty());
      for (int n = 0; n < 3000; ++n) {
        std::string line;
        for (int k = int(rng() % 6); k >= 0; --k) line += pieces[rng() % pieces.size()];
        if (icase && rng() % 2) std::transform(line.begin(), line.end(), line.begin(), ::toupper);
        INFO("line " << line);
        REQUIRE(fast.matches(line) == slow.matches(line));
        REQUIRE(fast.spans(line) == slow.spans(line));
      }
    }
  }
}
