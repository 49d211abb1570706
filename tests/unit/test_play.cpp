// SPDX-License-Identifier: MIT
// play/: time specs, keys, --safe, the emulated screen's paint round trip, keyframes,
// and the player's timing and seeking driven by a manual clock.
#include "core/cpus.hpp"
#include "core/printable.hpp"
#include "helpers.hpp"
#include "play/cell_width.hpp"
#include "play/index.hpp"
#include "play/keyframes.hpp"
#include "play/keys.hpp"
#include "play/player.hpp"
#include "play/safe_filter.hpp"
#include "play/speculation.hpp"
#include "play/screen.hpp"
#include "play/time_spec.hpp"
#include "play/vterm_guard.hpp"

#include <catch2/catch.hpp>
#include <random>

using namespace recssh;
using namespace recssh::play;

TEST_CASE("time specs: seconds, clock forms, percent, end") {
  auto t = [](std::string_view s) { return parse_time_spec(s); };
  CHECK(t("90")->time == Micros(90'000'000));
  CHECK(t("2.5")->time == Micros(2'500'000));
  CHECK(t("1:30")->time == Micros(90'000'000));
  CHECK(t("01:02:03.5")->time == Micros(3'723'500'000));
  CHECK(t("0:00:00.000001")->time == Micros(1));
  CHECK(t("50%")->kind == TimeSpec::Kind::percent);
  CHECK(t("50%")->resolve(Micros(10'000'001)) == Micros(5'000'001)); // rounded
  CHECK(t("12.5%")->resolve(Micros(8'000'000)) == Micros(1'000'000));
  CHECK(t("end")->resolve(Micros(42)) == Micros(42));
  CHECK(t("100%")->resolve(Micros(42)) == Micros(42));
  for (const char* bad : {"", "abc", "1:75", "1:2:3:4", "-5", "1e3", "101%", "1e1%", ":30", "1:", "5s", "1::2", "+3"})
    CHECK_FALSE(t(bad));
  CHECK(format_clock(Micros(3'723'500'000)) == "1:02:03");
  CHECK(format_clock(Micros(59'999'999)) == "0:59");
}

TEST_CASE("keys: plain, arrows with and without Shift, split sequences") {
  KeyDecoder d;
  std::vector<Key> k;
  d.feed(" .][+-q?t<>\x03", k);
  CHECK(k == std::vector<Key>{Key::pause, Key::step, Key::next_marker, Key::prev_marker, Key::faster, Key::slower,
                              Key::quit, Key::help, Key::status, Key::back_pct, Key::forward_pct, Key::quit});
  k.clear();
  d.feed("\x1b[C\x1b[D\x1bOC\x1b[1;2C\x1b[1;2D", k);
  CHECK(k == std::vector<Key>{Key::forward, Key::back, Key::forward, Key::forward_pct, Key::back_pct});
  k.clear();
  d.feed("\x1b[1;", k);
  CHECK(k.empty());
  d.feed("2C", k);
  CHECK(k == std::vector<Key>{Key::forward_pct});
  k.clear();
  d.feed("\x1b[A", k); // up: nothing
  CHECK(k.empty());
}

namespace {
std::string safe(std::string_view in, std::size_t chunk = 0) {
  SafeFilter f;
  std::string out;
  if (chunk == 0) {
    f.filter(in, out);
  } else {
    for (std::size_t i = 0; i < in.size(); i += chunk) f.filter(in.substr(i, chunk), out);
  }
  return out;
}
} // namespace

TEST_CASE("--safe drops what could act on the viewer, keeps how the screen is drawn") {
  const std::string kept = "plain \x1b[1;31mred\x1b[0m \x1b[2J\x1b[H\x1b[?1049h\x1b[?25l caf\xc3\xa9 \xc2\xa9 \x1b(B\x1b" "7";
  CHECK(safe(kept) == kept);
  struct Case {
    const char* what;
    std::string in;
  };
  for (const Case& c : std::vector<Case>{
           {"OSC 52 clipboard (BEL)", "\x1b]52;c;ZWNobyBwd25lZA==\x07"},
           {"OSC 52 clipboard (ST)", "\x1b]52;c;ZWNobw==\x1b\\"},
           {"title", "\x1b]0;owned\x07"},
           {"window title", "\x1b]2;owned\x1b\\"},
           {"icon", "\x1b]1;owned\x07"},
           {"palette", "\x1b]4;1;rgb:ff/00/00\x07"},
           {"colour query", "\x1b]11;?\x07"},
           {"file hyperlink", "\x1b]8;;file:///etc/passwd\x07"},
           {"DCS DECRQSS", "\x1bP$qm\x1b\\"},
           {"DCS tmux", "\x1bPtmux;\x1b\x1b]52;c;eA==\x07\x1b\\"},
           {"APC", "\x1b_payload\x1b\\"},
           {"PM", "\x1b^payload\x1b\\"},
           {"SOS", "\x1bXpayload\x1b\\"},
           {"DA", "\x1b[c"},
           {"DA2", "\x1b[>c"},
           {"DSR", "\x1b[6n"},
           {"DECRQM", "\x1b[?2004$p"},
           {"window ops", "\x1b[8;100;200t"},
           {"title report", "\x1b[21t"},
           {"bracketed paste on", "\x1b[?2004h"},
           {"paste end marker", "\x1b[201~"},
           {"C1 CSI", "\xc2\x9b" "6n"},
           {"C1 OSC", "\xc2\x9d" "52;c;eA==\x07"},
           {"C1 DCS", "\xc2\x90$qm\x1b\\"},
       }) {
    INFO(c.what);
    CHECK(safe("a" + c.in + "b") == "ab");
    CHECK(safe("a" + c.in + "b", 1) == "ab"); // split at every byte
  }
  // Hyperlinks to the web stay, and the sequence that ends one.
  std::string link = "\x1b]8;;https://example.org/\x1b\\x\x1b]8;;\x1b\\";
  CHECK(safe(link) == link);
}

namespace {
// Random output a program could write: text (combining characters too), SGR, cursor
// movement, erasing, scrolling regions, insert/delete, alternate screen, saved cursor,
// modes, cursor visibility, title. Wide characters have their own test: random
// erases cut them in half, a state libvterm keeps differently from terminals.
std::string random_output(std::mt19937& rng, std::size_t pieces) {
  static const std::vector<std::string> parts = {
      "hello", "wörld", "e\xcc\x81", " ", "\r\n", "\n", "\r", "\t", "\b",
      "\x1b[1m", "\x1b[3m", "\x1b[4m", "\x1b[7m", "\x1b[9m", "\x1b[0m", "\x1b[22m", "\x1b[31m", "\x1b[42m", "\x1b[95m",
      "\x1b[38;5;208m", "\x1b[48;5;17m", "\x1b[38;2;10;20;30m", "\x1b[48;2;200;100;0m", "\x1b[39;49m",
      "\x1b[H", "\x1b[5;10H", "\x1b[2A", "\x1b[3B", "\x1b[4C", "\x1b[2D", "\x1b[K", "\x1b[1K", "\x1b[2K", "\x1b[J",
      "\x1b[1J", "\x1b[2J", "\x1b[2L", "\x1b[M", "\x1b[3P", "\x1b[2@", "\x1b[3X", "\x1b[3;8r", "\x1b[r", "\x1b[S",
      "\x1b[T", "\x1bM", "\x1b" "7", "\x1b" "8", "\x1b[?25l", "\x1b[?25h", "\x1b[?1049h", "\x1b[?1049l",
      "\x1b[?47h", "\x1b[?47l", "\x1b]2;t\xc3\xaftle\x07", "\x1b[?7l", "\x1b[?7h", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "\x1b[10;40H", "\x1b[?5h", "\x1b[?5l"};
  std::string out;
  for (std::size_t i = 0; i < pieces; ++i) out += parts[rng() % parts.size()];
  return out;
}
} // namespace

namespace {
// The fast emulation's paint is the reference's, then the tab stops where the recording
// set its own and the character sets, which only its text lane follows (TBC, then CHA
// and HTS for each stop, the cursor put back; designations, SO, LS2, LS3).
bool paint_alike(const Screen& fast, const Screen& reference) {
  const std::string f = fast.paint(), r = reference.paint();
  if (f.compare(0, r.size(), r) != 0) return false;
  std::size_t i = r.size();
  // "ESC [ digits" then `then` at f[i]: past it, or npos.
  auto csi = [&](std::size_t at, std::string_view then) {
    if (f.compare(at, 2, "\x1b[") != 0) return std::string::npos;
    at += 2;
    const std::size_t digits = at;
    while (at < f.size() && f[at] >= '0' && f[at] <= '9') ++at;
    return at > digits && f.compare(at, then.size(), then) == 0 ? at + then.size() : std::string::npos;
  };
  if (f.compare(i, 4, "\x1b[3g") == 0) {
    for (i += 4; csi(i, "G\x1bH") != std::string::npos;) i = csi(i, "G\x1bH");
    std::size_t col = csi(i, ";");
    if (col == std::string::npos) return false;
    for (i = col; i < f.size() && f[i] >= '0' && f[i] <= '9';) ++i;
    if (i == col || i == f.size() || f[i] != 'H') return false;
    ++i;
  }
  while (i < f.size()) {
    if (f[i] == '\x0e') ++i;
    else if (f.compare(i, 2, "\x1bn") == 0 || f.compare(i, 2, "\x1bo") == 0) i += 2;
    else if (i + 2 < f.size() && f[i] == '\x1b' && std::string_view("()*+-./").find(f[i + 1]) != std::string_view::npos) i += 3;
    else return false;
  }
  return true;
}
} // namespace

TEST_CASE("paint(screen) fed to a fresh emulator gives the same screen (random programs)") {
  std::mt19937 rng(20261203);
  for (int round = 0; round < 400; ++round) {
    TermSize size{int(10 + rng() % 50), int(3 + rng() % 15)};
    Screen a(size);
    std::string program = random_output(rng, 1 + rng() % 120);
    a.feed(program);
    Screen b(size);
    b.feed(a.paint());
    INFO("round " << round << " size " << format_size(size) << " program " << recssh::printable(program));
    CHECK(b.dump() == a.dump());
    // And what comes next draws the same on both.
    std::string more = random_output(rng, 20);
    a.feed(more);
    b.feed(more);
    INFO("then " << recssh::printable(more));
    CHECK(b.dump() == a.dump());
  }
}

TEST_CASE("paint: the tab stops a recording set, so that later tabs land alike (random programs, resizes)") {
  // HTS and every TBC libvterm 0.1.4 knows (and some it ignores: DECST8C, a TBC with
  // a leader or an intermediate), full resets, resizes to fewer and more columns, fed
  // to the fast emulation in pieces of 1 to 3 bytes; then a paint fed to a fresh
  // emulator, and a mark at every stop across the row after it, against libvterm's
  // screen layer fed everything.
  static const std::vector<std::string> parts = {
      "\x1bH", "\x1bH", "\x1b[g", "\x1b[0g", "\x1b[3g", "\x1b[5g", "\x1b[1g", "\x1b[;3g", "\x1b[3:1g", "\x1b[?3g", "\x1b[3$g",
      "\x1b[?5W", "\x1b" "c", "\x1b[3G", "\x1b[9G", "\x1b[14G", "\x1b[30G", "\x1b[99G", "ab", "\t", "\x1b[2I",
      "\x1b[Z", "\r\n", "\x1b[2J\x1b[H"};
  std::mt19937 rng(20261204);
  for (int round = 0; round < 300; ++round) {
    TermSize size{int(6 + rng() % 40), int(2 + rng() % 6)};
    Screen fast(size), reference(size, Screen::Emulation::reference);
    std::string log;
    for (int step = 1 + int(rng() % 3); step > 0; --step) {
      std::string program;
      for (std::size_t i = rng() % 30; i > 0; --i) program += parts[rng() % parts.size()];
      for (std::size_t at = 0; at < program.size();) {
        const std::size_t n = 1 + rng() % 3;
        fast.feed(std::string_view(program).substr(at, n));
        at += n;
      }
      reference.feed(program);
      log += recssh::printable(program);
      if (rng() % 2) {
        size = TermSize{int(6 + rng() % 40), size.rows};
        fast.resize(size);
        reference.resize(size);
        log += " [resize " + format_size(size) + "] ";
      }
    }
    INFO("round " << round << " size " << format_size(size) << " program " << log);
    REQUIRE(paint_alike(fast, reference));
    Screen painted(size);
    painted.feed(fast.paint());
    // X at every stop of the first row, then back tabs and CHT on the second.
    std::string tabs = "\x1b[2J\x1b[H";
    for (int c = 0; c < size.cols; ++c) tabs += "\tX\b";
    tabs += "\r\n\x1b[99G\x1b[Zb\x1b[2Zc\r\x1b[3I+";
    painted.feed(tabs);
    fast.feed(tabs);
    reference.feed(tabs);
    CHECK(fast.dump() == reference.dump());
    CHECK(painted.dump() == reference.dump());
  }
}

TEST_CASE("fast emulation leaves the screen libvterm's own screen layer does (random programs)") {
  // Beyond random_output: wide characters (cut by erases and insertions), left/right
  // margins (scrolls that move part of each row), protected cells and selective
  // erase, full reset, double-width lines, tab stops, origin and insert modes, cut
  // into each other's sequences. Resizes are compared through the real binary
  // (test_play.sh), one process per recording: libvterm 0.1.4's state keeps margins,
  // regions and line attributes past a resize and writes out of bounds, which in one
  // process would break the rounds after it.
  static const std::vector<std::string> more = {
      "\xe4\xb8\xad", "\xe6\x96\x87x", "\xf0\x9f\x98\x80", "\x1b[?69h\x1b[3;12s", "\x1b[?69l", "\x1b[1\"q",
      "\x1b[0\"q", "\x1b[?2J", "\x1b[?K", "\x1b[?1K", "\x1b" "c", "\x1b#6", "\x1b#3", "\x1b#5", "\x1b[3g", "\x1bH",
      "\x1b[?6h", "\x1b[?6l", "\x1b[4h", "\x1b[4l", "\x1b[20h", "\x1b[20l", "\x1b[5S", "\x1b[4T", "\x1b[40M",
      "\x1b[30L", "\x1b[99P", "\x1b[99@", "\x1b[2;5r\x1b[5;1H\n\n\n", "\x1b[?1047h", "\x1b[?1047l", "\x1b" "D", "\x1b" "E",
      "\x1b[99;99H", "\x1b[21m", "\x1b[4:3m", "\x1b[11m", "\x1b[5m", "\x1b[?5h\x1b[2K", "\x1b(0qqq\x1b(B"};
  std::mt19937 rng(20261204);
  for (int round = 0; round < 600; ++round) {
    TermSize size{int(4 + rng() % 40), int(2 + rng() % 12)};
    Screen fast(size), reference(size, Screen::Emulation::reference);
    std::string log;
    for (int step = 1 + int(rng() % 6); step > 0; --step) {
      std::string program = random_output(rng, rng() % 40);
      for (std::size_t i = rng() % 30; i > 0; --i) program.insert(rng() % (program.size() + 1), more[rng() % more.size()]);
      fast.feed(program);
      reference.feed(program);
      log += recssh::printable(program);
      INFO("round " << round << " size " << format_size(size) << " program " << log);
      REQUIRE(fast.dump() == reference.dump());
      REQUIRE(paint_alike(fast, reference));
    }
  }
}

TEST_CASE("text lane: cells drawn around libvterm are the ones its screen layer draws") {
  // Long runs of text (ASCII, Latin, CJK, emoji) that reach and pass the right edge,
  // with what the lane must leave to libvterm in them: combining marks (also the
  // wide ones, which make a glyph three cells), zero-width characters, REP, invalid
  // UTF-8, and everything that changes how text is drawn: character sets (G0, SO/SI,
  // LS2/LS3, single shifts), insert and origin modes, protection, double-width lines,
  // pending wraps; C0 controls inside sequences; what the lane does itself (CR, LF
  // and scrolling, BS, TAB, erase-in-line) next to what stops it doing so (tab stops
  // set, LNM, regions, left/right margins). Fed in random pieces, so that runs and
  // sequences are cut between writes.
  static const std::vector<std::string> parts = {
      "The quick brown fox jumps over the lazy dog ", "caf\xc3\xa9 na\xc3\xafve \xce\xbb \xe2\x86\x92 ",
      "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "\xf0\x9f\x98\x80\xf0\x9f\x98\x81", "e\xcc\x81", "\xcc\x81\xcc\x82",
      "\xe3\x81\x8b\xe3\x82\x99", "\xe3\x82\x99", "a\xe2\x80\x8b" "b", "\xe2\x80\x8b", "x\x1b[3b", "\xe6\x97\xa5\x1b[2b",
      "\xff\xfe", "\xc3", "\xe6\x97", "\r\n", "\r", "\n", "\t", "\b", "\x1b[0m", "\x1b[1;31m", "\x1b[38;5;208m", "\x1b[K",
      "\x1b(0lqqk\x1b(B", "\x1b(0", "\x1b(B", "\x0e", "\x0f", "\x1b" "n", "\x1b" "o", "\x1b" "N", "\x1b" "O",
      "\x1b)0", "\x1b*0", "\x1b[4h", "\x1b[4l", "\x1b[?6h", "\x1b[?6l", "\x1b[2;5r", "\x1b[r", "\x1b[1\"q",
      "\x1b[0\"q", "\x1b#6", "\x1b#5", "\x1b" "c", "\x1b[1;99H", "\x1b[99G", "\x1b[5G", "\x1b[?7l", "\x1b[?7h",
      "\x1b[?69h\x1b[3;12s", "\x1b[?69l", "\x1b[3\x0e" ";1H", "\x1b]2;ti\x0e" "tle\x07", "\x1b[?1049h", "\x1b[?1049l",
      "\x1b" "7", "\x1b" "8", "\x1b[2@", "\x1b[3P", "\x1b[L", "\x1b[S", "\x1b[2J", "\x7f", "\x18", "\x1bP$qm\x1b\\",
      "\x1bH", "\x1b[3g", "\x1b[g", "\x1b[20h", "\x1b[20l", "\x1b[1K", "\x1b[2K", "\x1b[5K", "\x0b", "\x0c",
      "\x1b[4:3m", "\x1b[;1m", "\n\n\n\n\n\n\n\n\n\n", "one\r\ntwo\r\nthree\r\n", "\t\tx\t", "ab\b\bc",
      "\x1b[1;1r", "\x1b[?1049h\n\n\n"};
  std::mt19937 rng(20261204);
  for (int round = 0; round < 1500; ++round) {
    TermSize size{int(2 + rng() % 60), int(1 + rng() % 8)};
    Screen fast(size), reference(size, Screen::Emulation::reference);
    std::string program;
    for (int n = 1 + int(rng() % 60); n > 0; --n) program += parts[rng() % parts.size()];
    for (std::size_t at = 0; at < program.size();) {
      const std::size_t piece = std::min(program.size() - at, std::size_t(1 + rng() % 64));
      fast.feed(std::string_view(program).substr(at, piece));
      reference.feed(std::string_view(program).substr(at, piece));
      at += piece;
    }
    INFO("round " << round << " size " << format_size(size) << " program " << recssh::printable(program));
    REQUIRE(fast.dump() == reference.dump());
    REQUIRE(paint_alike(fast, reference));
  }
}

TEST_CASE("paint carries the character sets: later text draws as it would have") {
  for (const std::string before : {"\x1b)0", "\x1b)0\x0e", "\x1b(0", "\x1b(B", "\x1b*0\x1bn", "\x1b-A\x0e", "\x1b)0\x0e\x0f"}) {
    INFO(printable(before));
    Screen a({20, 4});
    a.feed("x" + before);
    Screen b({20, 4});
    b.feed(a.paint());
    for (Screen* s : {&a, &b}) s->feed("qqx\x0eqq\x0fqq\x1bnqq\x1b(Bqq");
    CHECK(b.dump() == a.dump());
    CHECK(b.unpainted() == a.unpainted());
  }
  Screen plain({20, 4});
  CHECK(plain.paint().find("\x1b(") == std::string::npos); // nothing when as reset
}

TEST_CASE("paint: wide characters, whole and written over") {
  for (std::string program : {std::string("\xe4\xb8\xad\xe6\x96\x87 ok\r\n\x1b[31m\xe4\xb8\xad"),
                               std::string("\xe4\xb8\xad\xe6\x96\x87\x1b[1;2Hw"), // the right half of 中
                               std::string("abc\x1b[1;9H\xe4\xb8\xad\xe6\x96\x87xyz")}) {
    Screen a({10, 2});
    a.feed(program);
    Screen b({10, 2});
    b.feed(a.paint());
    CHECK(b.dump() == a.dump());
  }
}

TEST_CASE("paint keeps the primary screen under the alternate one") {
  Screen a({20, 4});
  a.feed("under\r\n\x1b[32mgreen\x1b[?1049h\x1b[Hon top");
  CHECK(a.alternate());
  Screen b({20, 4});
  b.feed(a.paint());
  CHECK(b.dump() == a.dump());
  a.feed("\x1b[?1049l");
  b.feed("\x1b[?1049l");
  CHECK(b.dump() == a.dump());
  CHECK(a.dump().find("green") != std::string::npos);
}

TEST_CASE("paint drops the title when asked") {
  Screen a({20, 4});
  a.feed("\x1b]2;secret\x07x");
  CHECK(a.paint().find("secret") != std::string::npos);
  CHECK(a.paint(Screen::Title::drop).find("secret") == std::string::npos);
}

namespace {
std::string guarded(VtermGuard& g, std::string_view in) {
  std::string out;
  g.pass(in, out);
  return out;
}
} // namespace

TEST_CASE("vterm guard: SGRs pass whole, and what comes before a REP still decides it") {
  VtermGuard g;
  CHECK(guarded(g, "ab\x1b[1;31mc\x1b[5b") == "ab\x1b[1;31mc\x1b[5b"); // after 'c': kept
  CHECK(guarded(g, "\x1b[0m\x1b[5b") == "\x1b[0m\x1b[5\x18");          // after no text: CAN
  // Sixteen arguments pass as they are; a seventeenth is dropped, as before.
  const std::string sixteen = "\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16m";
  CHECK(guarded(g, sixteen) == sixteen);
  CHECK(guarded(g, "\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17m") == sixteen);
  // One cut between two passes comes out the same.
  CHECK(guarded(g, "x\x1b[38;5") + guarded(g, ";208mz") == "x\x1b[38;5;208mz");
}

TEST_CASE("vterm guard: a NUL before each combining mark libvterm counts as wide") {
  VtermGuard g;
  // (U+3099: a glyph of it and its base would be four columns; forty, 82 columns)
  CHECK(guarded(g, "\xe3\x81\x8b\xe3\x82\x99x") == std::string("\xe3\x81\x8b") + '\0' + "\xe3\x82\x99x");
  std::string split = guarded(g, "a\xe3\x80");
  split += guarded(g, "\xaa\xe3\x80\xa9");
  CHECK(split == std::string("a") + '\0' + "\xe3\x80\xaa\xe3\x80\xa9"); // U+302A, not U+3029
  for (TermSize size : {TermSize{3, 3}, TermSize{80, 2}}) {
    Screen screen(size);
    std::string marks = "\xe3\x81\x8b";
    for (int i = 0; i < 45; ++i) marks += "\xe3\x82\x99";
    screen.feed(marks + "x");
    // (a cell keeps six characters, as libvterm's screen does)
    std::string kept = "\xe3\x81\x8b";
    for (int i = 0; i < 5; ++i) kept += "\xe3\x82\x99";
    CHECK(screen.row_text(0) == kept + "x");
    Screen reference(size, Screen::Emulation::reference);
    reference.feed(marks + "x");
    CHECK(reference.dump() == screen.dump());
  }
}

TEST_CASE("vterm guard: CSI arguments past libvterm's 16 are dropped, everything else passes") {
  VtermGuard g;
  const std::string plain = "text \xe4\xb8\xad\r\n\x1b[1;31mred\x1b[0m\x1b]2;title\x07\x1bP$qr\x1b\\\x1b#8";
  CHECK(guarded(g, plain) == plain);
  // a restored cursor is bounded by a DA2 request right after it (DECRC, DECSET/DECRST)
  CHECK(guarded(g, "\x1b" "8x\x1b[?1049l\x1b[?25h") == "\x1b" "8\x1b[>cx\x1b[?1049l\x1b[>c\x1b[?25h\x1b[>c");
  // 20 arguments: the first 16 kept, the separators and digits after them dropped
  std::string sgr = "\x1b[";
  for (int i = 1; i <= 20; ++i) sgr += std::to_string(i) + (i < 20 ? ";" : "m");
  std::string want = "\x1b[";
  for (int i = 1; i <= 16; ++i) want += std::to_string(i) + (i < 16 ? ";" : "");
  CHECK(guarded(g, sgr + "after") == want + "mafter");
  CHECK(guarded(g, "\x1b[12345678901234;3H") == "\x1b[123456789;3H");
  // the parser's states as libvterm 0.1.4 has them: split across writes, C0 controls
  // run inside the sequence, ':' counts as ';', a byte from 0x80 after ESC is skipped,
  // and ESC, CAN and a finished string end what was under way
  CHECK(guarded(g, "\x1b[" + std::string(10, ';')) == "\x1b[" + std::string(10, ';'));
  CHECK(guarded(g, std::string(3, ';') + "\b" + std::string(4, ':') + "H") == std::string(3, ';') + "\b::H");
  CHECK(guarded(g, "\x1b\x80[" + std::string(20, ';') + "H") == "\x1b\x80[" + std::string(15, ';') + "H");
  CHECK(guarded(g, "\x1b[" + std::string(15, ';') + "\x1b[;;H") == "\x1b[" + std::string(15, ';') + "\x1b[;;H");
  CHECK(guarded(g, "\x1b[" + std::string(15, ';') + "\x18;;;;") == "\x1b[" + std::string(15, ';') + "\x18;;;;");
  CHECK(guarded(g, "\x1b]0;" + std::string(40, ';') + "\x1b\\" + std::string(20, ';')) ==
        "\x1b]0;" + std::string(40, ';') + "\x1b\\" + std::string(20, ';'));
}

TEST_CASE("vterm guard: REP only right after a character known to be drawn, no C1 as text") {
  VtermGuard g;
  // right after printable ASCII or a box-drawing character: kept
  CHECK(guarded(g, "x\x1b[79b") == "x\x1b[79b");
  // after a wide one: cancelled (libvterm writes its right half past the row when the
  // last one ends a column short of the edge)
  CHECK(guarded(g, "\xe4\xb8\xad\x1b[3b") == std::string("\xe4\xb8\xad\x1b[3\x18"));
  std::string split = guarded(g, "ab"); // (in order: the pieces are one stream)
  split += guarded(g, "\xe2\x94");
  split += guarded(g, "\x80\x1b[9b");
  CHECK(split == "ab\xe2\x94\x80\x1b[9b");
  // after nothing, a control, another sequence or a combining mark: CAN instead of b
  VtermGuard fresh;
  CHECK(guarded(fresh, "\x1b[5b") == std::string("\x1b[5\x18"));
  CHECK(guarded(g, "x\r\n\x1b[5b") == std::string("x\r\n\x1b[5\x18"));
  CHECK(guarded(g, "x\x1b[31m\x1b[5b") == std::string("x\x1b[31m\x1b[5\x18"));
  CHECK(guarded(g, "\r\xcc\x81\x1b[5b") == std::string("\r\xcc\x81\x1b[5\x18"));
  // not a REP: a leader or an intermediate
  CHECK(guarded(fresh, "\x1b[?5b\x1b[5 b") == "\x1b[?5b\x1b[5 b");
  // C1 written as UTF-8 (U+0085): its second byte is dropped, here and across writes,
  // controls and sequences; U+00A0 and up pass
  CHECK(guarded(g, "a\xc2\x85z") == "az");
  split = guarded(g, "a\xc2");
  split += guarded(g, "\x85" "b");
  CHECK(split == "ab");
  // an unfinished sequence: held back at the end of a pass, dropped where a control,
  // an escape, NUL or DEL ends the run (libvterm would decode two characters from the
  // next byte into room for one)
  split = guarded(g, "x\xe4\xb8");
  CHECK(split == "x");
  split += guarded(g, "\xad!");
  CHECK(split == "x\xe4\xb8\xad!");
  CHECK(guarded(g, std::string("\xe4\xb8\r\n\xe4\x1b[m\xe4") + '\0' + "A\xe4\x7f") ==
        std::string("\r\n\x1b[m") + '\0' + "A\x7f");
  // a sequence cut by another byte goes too: what libvterm is given holds whole ones
  CHECK(guarded(g, "\xc2\xc2\xc2J\xe4\xb8\xe4\xb8\xad") == "J\xe4\xb8\xad");
  // pieces never end after a byte of a sequence when a clean boundary is near
  const std::string text = std::string(10, 'a') + "\xe4\xb8\xad\xe4\xb8\xad";
  CHECK(VtermGuard::split_point(text, 0, 12) == 10);
  CHECK(VtermGuard::split_point(text, 0, 14) == 13); // before a character never joined
  CHECK(VtermGuard::split_point("ab\r\ncd\xcc\x81" "ef", 0, 6) == 4); // after a control first
  std::string cjk;
  for (int i = 0; i < 40; ++i) cjk += "\xe4\xb8\xad";
  CHECK(VtermGuard::split_point(cjk, 0, 100) == 99); // before a lead byte
  CHECK(VtermGuard::split_point(text, 0, 100) == text.size());
  CHECK(guarded(g, "\xc2\xa0\xc3\x85") == "\xc2\xa0\xc3\x85");
}

TEST_CASE("screen: what crashes libvterm 0.1.4 is emulated safely") {
  // more than 16 CSI arguments (an SGR with 20: the first 16 apply)
  Screen a({20, 3});
  a.feed("\x1b[" + std::string(30, ';') + "H\x1b[0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;1;31;32;33mbold");
  CHECK(a.row_text(0) == "bold");
  CHECK(a.dump().find("bold") != std::string::npos);
  // a scrolling region whose top is past the bottom after a resize to fewer rows
  Screen b({80, 24});
  b.feed("\x1b[20;24r\x1b[1;1Hhello");
  b.resize({80, 10});
  b.feed("\x1b[10;1H\n\n\nabc");
  CHECK(b.row_text(9) == "abc");
  CHECK(b.row_text(0).empty()); // the region was reset: the whole screen scrolled, hello off the top
  // left and right margins past the right edge after a resize to fewer columns
  Screen c({80, 24});
  c.feed("\x1b[?69h\x1b[60;80s\x1b[22;75Hhi");
  c.resize({30, 10});
  c.feed("\x1b[S\x1b[T\x1b[2L\x1b[2M\x1b[4@\x1b[4P\rend");
  CHECK(c.row_text(c.cursor_row()) == "end");
  // REP with nothing drawn before it (libvterm would loop for ever), a C1 control as
  // UTF-8 text (width -1) repeated
  Screen e({10, 2});
  e.feed("[5bÂ[5bok");
  CHECK(e.row_text(0).find("ok") != std::string::npos);
  // a cursor saved low on the screen, restored after a resize to fewer rows
  Screen f({20, 24});
  f.feed("\x1b[20;5H\x1b" "7");
  f.resize({20, 5});
  f.feed("\x1b" "8saved");
  CHECK(f.cursor_row() == 4);
  CHECK(f.row_text(4).find("saved") != std::string::npos);
  // rows below the cursor that libvterm would move it above the top for, on a resize
  // to fewer rows (both emulations); with origin mode on too
  for (auto emulation : {Screen::Emulation::fast, Screen::Emulation::reference}) {
    Screen h({20, 8}, emulation);
    h.feed("top\x1b[8;1Hbottom\x1b[1;2H");
    h.resize({20, 2});
    h.feed("X");
    CHECK(h.cursor_row() == 0);
    CHECK(h.row_text(0) == "tXp");
    Screen o({20, 8}, emulation);
    o.feed("\x1b[2;8r\x1b[?6h\x1b[1;1Hin\x1b[7;1Hlow\x1b[1;3H");
    o.resize({20, 3});
    o.feed("X");
    CHECK(o.row_text(o.cursor_row()).find("inX") != std::string::npos);
  }
  // a wide character on a terminal one column wide
  Screen d({1, 5});
  d.feed("\xe4\xb8\xad");
  CHECK(d.size().cols == 2);
}

TEST_CASE("keyframes: bounded, thinned evenly, found by events and time") {
  KeyframeSet s(100, 8);
  for (std::uint64_t i = 1; i <= 100; ++i) {
    std::uint64_t bytes = i * 100;
    if (!s.due(bytes)) continue;
    Keyframe k;
    k.consumed = i;
    k.time = Micros(i * 1000);
    k.out_bytes = bytes;
    s.add(k);
  }
  CHECK(s.frames().size() <= 8);
  CHECK(s.frames().size() >= 4);
  CHECK(s.interval() > 100);
  for (std::size_t i = 1; i < s.frames().size(); ++i) CHECK(s.frames()[i].consumed > s.frames()[i - 1].consumed);
  CHECK(s.at_or_before(0) == nullptr);
  const Keyframe* k = s.before_time(Micros(50'500));
  REQUIRE(k);
  CHECK(k->time <= Micros(50'500));
  CHECK(s.at_or_before(k->consumed) == k);

  // The paints' bytes are bounded too.
  KeyframeSet b(1, 1000, 1000);
  for (std::uint64_t i = 1; i <= 200; ++i) {
    if (!b.due(i * 10)) continue;
    Keyframe frame;
    frame.consumed = i;
    frame.out_bytes = i * 10;
    frame.paint.assign(100, 'x');
    b.add(frame);
  }
  CHECK(b.frames().size() <= 10);
  CHECK(b.frames().size() >= 5);
  CHECK(b.frames().front().consumed == 1);
}

namespace {
std::string cast(const std::string& events, const std::string& extra_header = "") {
  return "{\"version\": 2, \"width\": 20, \"height\": 5" + extra_header + "}\n" + events;
}
} // namespace

TEST_CASE("index: round trip, stale on any change of the file, damaged means stale") {
  test::TempPath f(".cast");
  test::write_file(f.path, cast("[1.0, \"o\", \"a\"]\n"));
  auto id = identify(f.path);
  REQUIRE(id);
  char dir_template[] = "/tmp/recssh-test-idx-XXXXXX";
  std::string dir = mkdtemp(dir_template);
  std::string file = index_path(dir + "/a/b", f.path, "o", "");
  CHECK(file != index_path(dir + "/a/b", f.path, "e", ""));
  Index ix;
  ix.file = *id;
  ix.interval = 4096;
  ix.duration = Micros(1'000'000);
  Keyframe k;
  k.consumed = 3;
  k.time = Micros(5);
  k.play = Micros(4);
  k.out_bytes = 9;
  k.line = 4;
  k.offset = 10;
  k.size = {20, 5};
  k.paint = "\x1b[H\nwith\nnewlines\n";
  ix.keyframes = {k, k};
  ix.keyframes[1].consumed = 7;
  ix.markers = {Marker{2, Micros(3), "label\nwith newline"}};
  save_index(file, ix);
  IndexState state = IndexState::missing;
  auto back = load_index(file, *id, state);
  REQUIRE(back);
  CHECK(state == IndexState::fresh);
  CHECK(back->keyframes.size() == 2);
  CHECK(back->keyframes[1].consumed == 7);
  CHECK(back->keyframes[0].paint == k.paint);
  CHECK(back->markers[0].label == "label\nwith newline");
  CHECK(back->duration == Micros(1'000'000));
  // The file changed: stale.
  test::write_file(f.path, cast("[1.0, \"o\", \"b\"]\n"));
  auto id2 = identify(f.path);
  REQUIRE(id2);
  CHECK_FALSE(load_index(file, *id2, state));
  CHECK(state == IndexState::stale);
  // Every truncation of the index is stale, never a crash or a half index.
  std::string bytes = test::read_file(file);
  for (std::size_t n = 0; n < bytes.size(); n += 7) {
    test::write_file(file, bytes.substr(0, n));
    state = IndexState::missing;
    CHECK_FALSE(load_index(file, *id, state));
    CHECK(state == IndexState::stale);
  }
  test::write_file(file, std::string("recssh-play-index 2\nfile 1 2 x\n") + std::string(100, '\xff'));
  CHECK_FALSE(load_index(file, *id, state));
  CHECK(state == IndexState::stale);
  // One in an earlier form (paints without tab stops or character sets) is made again.
  test::write_file(file, std::string("recssh-play-index 1\nfile 1 2 x\n"));
  CHECK_FALSE(load_index(file, *id, state));
  CHECK(state == IndexState::older);
  // A later recast's is not called older.
  test::write_file(file, std::string("recssh-play-index 3\nfile 1 2 x\n"));
  CHECK_FALSE(load_index(file, *id, state));
  CHECK(state == IndexState::stale);
  std::system(("rm -rf " + dir).c_str());
}

namespace {
// A clock that moves only when the player waits, and keys given at set times.
class ManualIo final : public PlayerIo {
public:
  std::vector<std::pair<Micros, Key>> keys; // in time order
  std::vector<std::pair<Micros, std::string>> writes;
  std::vector<std::string> notices;
  Micros clock{1'000'000};
  Micros now() override { return clock; }
  Key wait(std::optional<Micros> deadline) override {
    if (!keys.empty() && (!deadline || keys.front().first <= *deadline)) {
      clock = std::max(clock, keys.front().first);
      Key k = keys.front().second;
      keys.erase(keys.begin());
      return k;
    }
    if (!deadline) return Key::quit; // nothing would ever come
    clock = std::max(clock, *deadline);
    return Key::none;
  }
  void write(std::string_view b) override { writes.emplace_back(clock, std::string(b)); }
  void notice(const std::string& m) override { notices.push_back(m); }
  bool tabs_touched = false;
  void tab_stops_touched() override { tabs_touched = true; }
  std::optional<TermSize> size;
  std::optional<TermSize> viewer_size() override { return size; }
  std::string all() const {
    std::string s;
    for (const auto& w : writes) s += w.second;
    return s;
  }
  // When `text` was written (relative to the start), or -1.
  std::int64_t when(std::string_view text) const {
    for (const auto& w : writes)
      if (w.second.find(text) != std::string::npos) return (w.first - Micros(1'000'000)).count();
    return -1;
  }
};

// An interactive player started at `at` whose keys come before any event is due.
PlayOptions keys_at(const std::string& path, const std::string& at, std::size_t keyframe_bytes) {
  PlayOptions o;
  o.path = path;
  o.interactive = true;
  o.at = parse_time_spec(at);
  o.keyframe_bytes = keyframe_bytes;
  o.speed = 1e-6;
  return o;
}

} // namespace

TEST_CASE("player: a resized terminal gets the screen painted again, and a note when it became too small") {
  test::TempPath f(".cast");
  test::write_file(f.path, cast("[1.0, \"o\", \"hello\"]\n[3.0, \"o\", \" world\"]\n"));
  ManualIo io;
  io.size = TermSize{100, 30};
  io.keys = {{Micros(2'500'000), Key::resized}, {Micros(2'600'000), Key::resized}}; // (hello at 2.0)
  PlayOptions o;
  o.path = f.path;
  o.interactive = true;
  o.viewer = TermSize{100, 30};
  Player p(o, io);
  p.run();
  CHECK(io.notices.empty()); // 100x30 holds the recording's 20x5
  // Each resize paints the whole screen again: clear, then the cells.
  int paints = 0;
  for (const auto& w : io.writes)
    if (w.first >= Micros(2'500'000) && w.second.find("\x1b[2J") != std::string::npos &&
        w.second.find("hello") != std::string::npos)
      ++paints;
  CHECK(paints == 2);
  CHECK(io.when(" world") == 3'000'000); // playing went on at its own time

  ManualIo small;
  small.size = TermSize{10, 3};
  small.keys = {{Micros(2'000'000), Key::resized}, {Micros(2'100'000), Key::resized}};
  Player q(o, small);
  q.run();
  REQUIRE(small.notices.size() == 1); // said once, not at each resize while it stays small
  CHECK(small.notices[0].find("10x3") != std::string::npos);
}

TEST_CASE("player: timing with speed and idle cap, from a manual clock") {
  test::TempPath f(".cast");
  test::write_file(f.path, cast("[1.0, \"o\", \"a\"]\n[11.0, \"o\", \"b\"]\n[12.0, \"o\", \"c\"]\n"));
  SECTION("real time") {
    ManualIo io;
    PlayOptions o;
    o.path = f.path;
    Player p(o, io);
    p.run();
    CHECK(io.when("a") == 1'000'000);
    CHECK(io.when("b") == 11'000'000);
    CHECK(io.when("c") == 12'000'000);
  }
  SECTION("speed 2 and an idle cap of 2 s") {
    ManualIo io;
    PlayOptions o;
    o.path = f.path;
    o.speed = 2;
    o.idle_limit = Micros(2'000'000);
    Player p(o, io);
    p.run();
    CHECK(io.when("a") == 500'000);
    CHECK(io.when("b") == 1'500'000);
    CHECK(io.when("c") == 2'000'000);
  }
  SECTION("the header's idle limit when there is no flag") {
    test::write_file(f.path, cast("[1.0, \"o\", \"a\"]\n[11.0, \"o\", \"b\"]\n", ", \"idle_time_limit\": 1.5"));
    ManualIo io;
    PlayOptions o;
    o.path = f.path;
    Player p(o, io);
    p.run();
    CHECK(io.when("b") == 2'500'000);
  }
  SECTION("pause, resume, step") {
    ManualIo io;
    io.keys = {{Micros(1'500'000), Key::pause},
               {Micros(5'000'000), Key::step},
               {Micros(6'000'000), Key::step},
               {Micros(7'000'000), Key::pause}};
    PlayOptions o;
    o.path = f.path;
    o.interactive = true;
    Player p(o, io);
    p.run();
    CHECK(io.when("a") == 4'000'000); // paused before it, stepped at clock 5.0
    CHECK(io.when("b") == 5'000'000); // stepped again: a 10 s gap skipped
    CHECK(io.when("c") == 7'000'000); // resumed at 7.0 (clock 8.0), c one second after b
  }
  SECTION("--until and --at") {
    ManualIo io;
    PlayOptions o;
    o.path = f.path;
    o.no_wait = true;
    o.at = parse_time_spec("5");
    o.until = parse_time_spec("11.5");
    Player p(o, io);
    p.run();
    std::string all = io.all();
    CHECK(all.find('b') != std::string::npos);
    CHECK(all.find('c') == std::string::npos);
    CHECK(p.screen().dump().find("ab") != std::string::npos);
  }
  SECTION("pause on markers, loop") {
    test::write_file(f.path, cast("[1.0, \"o\", \"a\"]\n[2.0, \"m\", \"here\"]\n[3.0, \"o\", \"b\"]\n"));
    ManualIo io;
    io.keys = {{Micros(10'000'000), Key::pause}, {Micros(30'000'000), Key::quit}};
    PlayOptions o;
    o.path = f.path;
    o.pause_on_markers = true;
    o.loop = true;
    o.interactive = true;
    Player p(o, io);
    p.run();
    CHECK(io.when("b") == 10'000'000); // paused at the marker (2.0) until 11.0, b one second later
    int plays = 0;
    for (const auto& w : io.writes) plays += w.second == "a";
    CHECK(plays >= 2);
  }
}

namespace {
// `o` as the text of a JSON string (controls, quotes and backslashes escaped).
std::string json_string(const std::string& o) {
  std::string json;
  for (unsigned char c : o) {
    char buf[8];
    if (c < 0x20 || c == '"' || c == '\\') {
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      json += buf;
    } else {
      json += char(c);
    }
  }
  return json;
}
} // namespace

TEST_CASE("player: --at shows the screen of the whole output up to there, with and without keyframes") {
  std::mt19937 rng(7);
  std::string events;
  std::string all_output;
  std::vector<std::string> outputs;
  for (int i = 0; i < 300; ++i) {
    std::string o = random_output(rng, 8);
    outputs.push_back(o);
    events += "[" + std::to_string(i) + ".5, \"o\", \"" + json_string(o) + "\"]\n";
    if (i % 50 == 0) events += "[" + std::to_string(i) + ".6, \"m\", \"mark " + std::to_string(i) + "\"]\n";
  }
  test::TempPath f(".cast");
  test::write_file(f.path, "{\"version\": 2, \"width\": 30, \"height\": 8}\n" + events);
  char dir_template[] = "/tmp/recssh-test-idx-XXXXXX";
  std::string dir = mkdtemp(dir_template);
  for (int t : {0, 1, 57, 150, 299}) {
    Screen expected({30, 8});
    for (int i = 0; i <= t; ++i) expected.feed(outputs[i]);
    for (bool index : {false, true}) {
      for (int run = 0; run < 2; ++run) { // the second run reads the index the first wrote
        ManualIo io;
        PlayOptions o;
        o.path = f.path;
        o.no_wait = true;
        o.at = parse_time_spec(std::to_string(t) + ".7");
        o.until = o.at;
        o.keyframe_bytes = 1024;
        if (index) o.index_dir = dir;
        Player p(o, io);
        p.run();
        INFO("t=" << t << " index " << index << " run " << run);
        CHECK(p.screen().dump() == expected.dump());
        Screen painted({30, 8});
        painted.feed(io.all());
        CHECK(painted.dump() == expected.dump());
        if (index && run == 1 && t > 57) CHECK(p.index_loaded());
      }
    }
  }
  // Seeking back and forth in one player: keyframes in memory.
  ManualIo io;
  io.keys = {{Micros(2'000'000), Key::back}, {Micros(2'000'001), Key::prev_marker}, {Micros(2'000'002), Key::quit}};
  Player p(keys_at(f.path, "120.7", 1024), io);
  p.run();
  CHECK_FALSE(p.keyframes().frames().empty());
  Screen expected({30, 8});
  for (int i = 0; i <= 100; ++i) expected.feed(outputs[i]); // the marker at 100.6
  CHECK(p.screen().dump() == expected.dump());
  Screen painted({30, 8});
  painted.feed(io.all());
  CHECK(painted.dump() == expected.dump());
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("player: the viewer's tab stops are set only for a recording that sets its own") {
  // The same recording with and without tab stops of its own (every 4 columns from
  // 1 s): --at 2.5, then a jump back to the start, which must undo them on the viewer.
  for (bool sets : {false, true}) {
    std::string events;
    for (int i = 0; i < 10; ++i) {
      std::string o = "line " + std::to_string(i) + "\\ta\\tb\\r\\n";
      if (i == 1 && sets) o = "\\u001b[3g\\u001b[5G\\u001bH\\u001b[9G\\u001bH\\u001b[13G\\u001bH\\r" + o;
      events += "[" + std::to_string(i) + ".5, \"o\", \"" + o + "\"]\n";
    }
    test::TempPath f(".cast");
    test::write_file(f.path, "{\"version\": 2, \"width\": 40, \"height\": 5}\n" + events);
    ManualIo io;
    io.keys = {{Micros(2'000'000), Key::back}, {Micros(2'000'001), Key::quit}};
    Player p(keys_at(f.path, "2.7", 16), io);
    p.run();
    INFO("sets its own: " << sets);
    CHECK(io.tabs_touched == sets);
    const std::string all = io.all();
    CHECK((all.find("\x1b[3g") != std::string::npos) == sets);
    if (sets) {
      // The first paint sets the recording's stops, the one after the jump back the reset's.
      const std::size_t first = all.find("\x1b[3g\x1b[5G\x1bH\x1b[9G\x1bH\x1b[13G\x1bH\x1b[");
      const std::size_t back = all.find("\x1b[3g\x1b[1G\x1bH\x1b[9G\x1bH\x1b[17G\x1bH");
      CHECK(first != std::string::npos);
      CHECK(back != std::string::npos);
      CHECK(first < back);
    }
  }
}

TEST_CASE("player: a long seek emulated on two cores shows the same screen, keyframes and markers") {
  // Random output, redrawn from a clear screen now and then (as a shell's output
  // scrolls and full-screen programs redraw): a second emulation started halfway meets
  // the player's screen. State set once at the start that a paint does not show keeps
  // them apart: a title, tab stops, a character set in G1 (line drawing, as screen's
  // and tmux's terminfo entries set it once and then shift to it).
  enum class Once { nothing, title, tabs, g1 };
  for (Once once : {Once::nothing, Once::title, Once::tabs, Once::g1}) {
    std::mt19937 rng(11);
    std::vector<std::string> outputs;
    std::vector<Micros> times;      // of every event, markers too
    std::vector<int> output_after;  // outputs[0, n) are on the screen after event i
    std::string events;
    const std::string redraw =
        "\x1b[?1049l\x1b[r\x1b[0m\x1b[?25h\x1b[?7h\x1b[?5l\x1b(B\x1b]2;t\x07\x1b[H\x1b[2J\x1b" "7";
    for (int i = 0; i < 400; ++i) {
      std::string o;
      if (i == 0 && once == Once::title) o = "\x1b]2;once\x07";
      if (i == 0 && once == Once::tabs) o = "\x1b[3g\x1b[1;5H\x1bH\x1b[1;9H\x1bH\x1b[1;13H\x1bH";
      if (i == 0 && once == Once::g1) o = "\x1b)0";
      o += i % 10 == 0 && i > 0 ? redraw + "a\tb\x0eqq\x0f" : random_output(rng, 8);
      if (once == Once::title && i > 0) {
        std::string::size_type at;
        while ((at = o.find("\x1b]2;")) != std::string::npos) o.erase(at, o.find('\x07', at) + 1 - at);
      }
      outputs.push_back(o);
      events += "[" + std::to_string(i) + ".5, \"o\", \"" + json_string(o) + "\"]\n";
      times.push_back(Micros(i * 1'000'000 + 500'000));
      output_after.push_back(i + 1);
      if (i % 50 == 25) {
        events += "[" + std::to_string(i) + ".6, \"m\", \"mark " + std::to_string(i) + "\"]\n";
        times.push_back(Micros(i * 1'000'000 + 600'000));
        output_after.push_back(i + 1);
      }
    }
    test::TempPath f(".cast");
    test::write_file(f.path, "{\"version\": 2, \"width\": 30, \"height\": 8}\n" + events);
    const Micros idle(250'000);
    auto play_after = [&](std::uint64_t consumed) { // the player's clock, idle capped
      Micros play(0), raw(0);
      for (std::uint64_t i = 0; i < consumed; ++i) {
        play += std::min(times[i] - raw, idle);
        raw = times[i];
      }
      return play;
    };
    for (int t : {10, 233, 390}) {
      INFO("set once " << int(once) << ", t=" << t);
      Screen expected({30, 8});
      for (int i = 0; i <= t; ++i) expected.feed(outputs[std::size_t(i)]);
      for (std::uint64_t speculate : {0, 256}) {
        ManualIo io;
        PlayOptions o;
        o.path = f.path;
        o.no_wait = true;
        o.at = parse_time_spec(std::to_string(t) + ".7");
        o.until = o.at;
        o.keyframe_bytes = 512;
        o.idle_limit = idle;
        o.speculate_bytes = speculate;
        Player p(o, io);
        p.run();
        INFO("speculate " << speculate);
        CHECK(p.screen().dump() == expected.dump());
        Screen painted({30, 8});
        painted.feed(io.all());
        CHECK(painted.dump() == expected.dump());
        // Every keyframe, the second emulation's too, is the screen after its events.
        for (const Keyframe& k : p.keyframes().frames()) {
          INFO("keyframe after " << k.consumed << " events");
          REQUIRE(k.consumed <= times.size());
          Screen at({30, 8});
          for (int i = 0; i < output_after[k.consumed - 1]; ++i) at.feed(outputs[std::size_t(i)]);
          Screen restored(k.size);
          restored.feed(k.paint);
          CHECK(restored.dump() == at.dump());
          // And tabs after it land on the tab stops set at the start (Once::tabs).
          restored.feed("\x1b[H\tT\tT\tT");
          at.feed("\x1b[H\tT\tT\tT");
          CHECK(restored.dump() == at.dump());
          CHECK(k.time == times[k.consumed - 1]);
          CHECK(k.play == play_after(k.consumed));
          CHECK(k.line == k.consumed + 1);
        }
        const bool met = p.speculation_met() != 0;
        if (speculate == 0 || t == 10 || once != Once::nothing) CHECK_FALSE(met);
        else CHECK(met);
        // The markers it passed are known: back to the last one before t.
        if (t > 25) {
          ManualIo io2;
          io2.keys = {{Micros(2'000'000), Key::prev_marker}, {Micros(2'000'001), Key::quit}};
          PlayOptions o2 = o;
          o2.until.reset();
          o2.no_wait = false;
          o2.interactive = true;
          o2.speed = 1e-6;
          Player p2(o2, io2);
          p2.run();
          const int last_mark = (t - 26) / 50 * 50 + 25;
          Screen at_mark({30, 8});
          for (int i = 0; i <= last_mark; ++i) at_mark.feed(outputs[std::size_t(i)]);
          CHECK(p2.screen().dump() == at_mark.dump());
        }
      }
    }
  }
}

TEST_CASE("player: a long seek speculates over events longer than the bisection's window") {
  // A recorder writes a command's output read in one piece as one event: lines of
  // hundreds of KiB. Finding where the target's line ends once gave up on any window
  // of 64 KiB without a line end, and with it the second emulation.
  std::string events;
  std::vector<std::string> outputs;
  for (int i = 0; i < 40; ++i) {
    std::string o;
    const int lines = 900 + (i * 37) % 1500; // 70 to 190 KiB
    for (int l = 0; l < lines; ++l)
      o += "\x1b[3" + std::to_string(l % 8) + "mevent " + std::to_string(i) + " line " + std::to_string(l) +
           "\x1b[0m -rw-r--r-- 1 root root 4096 Dec  4 21:39 name\r\n";
    outputs.push_back(o);
    events += "[" + std::to_string(i) + ".5, \"o\", \"" + json_string(o) + "\"]\n";
  }
  test::TempPath f(".cast");
  const std::string header = "{\"version\": 2, \"width\": 80, \"height\": 24}\n";
  test::write_file(f.path, header + events);
  // The bisection: at or after the end of the target's line, and before the next one's end.
  const std::size_t end_30 = header.size() + [&] {
    std::size_t at = 0;
    for (int i = 0; i <= 30; ++i) at = events.find('\n', at) + 1;
    return at;
  }();
  const auto to = Speculation::offset_after(f.path, 0, Micros(30'700'000));
  REQUIRE(to);
  CHECK(*to >= end_30);
  CHECK(*to <= end_30 + outputs[31].size() * 2);
  ManualIo io;
  PlayOptions o;
  o.path = f.path;
  o.no_wait = true;
  o.at = parse_time_spec("30.7");
  o.until = o.at;
  o.keyframe_bytes = 256 << 10;
  o.speculate_bytes = 1 << 20;
  Player p(o, io);
  p.run();
  Screen expected({80, 24});
  for (int i = 0; i <= 30; ++i) expected.feed(outputs[std::size_t(i)]);
  CHECK(p.screen().dump() == expected.dump());
  if (usable_cpus() >= 2) CHECK(p.speculation_met() != 0);
}

TEST_CASE("ascii_run_end stops at the first byte that is not printable ASCII", "[play][lane]") {
  // Against the byte-by-byte definition, at every start, on strings mixing printable
  // ASCII, C0 controls, DEL and bytes from 0x80: the word-at-a-time scan takes the
  // first flagged byte of a word as the end (a borrow or carry flags only later ones).
  std::mt19937_64 rng(11);
  for (int it = 0; it < 20000; ++it) {
    std::string s;
    const int n = int(rng() % 40);
    for (int k = 0; k < n; ++k) {
      const unsigned v = unsigned(rng() % 8);
      s += char(v < 5 ? 0x20 + rng() % 95 : v == 5 ? rng() % 0x20 : v == 6 ? 0x7f : 0x80 + rng() % 128);
    }
    for (std::size_t at = 0; at <= s.size(); ++at) {
      std::size_t want = at;
      while (want < s.size() && static_cast<unsigned char>(s[want]) >= 0x20 && static_cast<unsigned char>(s[want]) < 0x7f)
        ++want;
      REQUIRE(recssh::play::ascii_run_end(s, at) == want);
    }
  }
}
