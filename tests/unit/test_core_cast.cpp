// SPDX-License-Identifier: MIT
#include "core/cast_fast.hpp"
#include "core/cast_json.hpp"
#include "core/cast_reader.hpp"
#include "core/cast_tail.hpp"
#include "core/cast_writer.hpp"
#include "core/forward_totals.hpp"
#include "helpers.hpp"
#include "simd_kernels.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <random>
#include <thread>

using namespace recssh;
using test::fixture;

namespace {
// Writes `text` to a temp file in `suffix` and reads it all.
test::Collected read_text(const std::string& text, bool skip_bad = false) {
  test::TempPath p(".cast");
  test::write_file(p.path, text);
  return test::read_all(p.path, skip_bad);
}

std::string convert_text(const std::string& in, const std::string& to, WriteOptions o = {}) {
  test::TempPath p(".cast");
  test::write_file(p.path, in);
  auto c = test::read_all(p.path);
  return test::write_all(to, c.header, c.events, o);
}
} // namespace

TEST_CASE("the v2 writer reproduces asciinema 2.2's own file byte for byte", "[core][cast_v2]") {
  std::string original = test::read_file(fixture("cast/asciinema-2.2-stdin.cast"));
  REQUIRE(!original.empty());
  CHECK(convert_text(original, "v2") == original);
}

TEST_CASE("v1 -> v2 -> v3 -> v2 round trips are byte-identical", "[core][roundtrip]") {
  // full-v2.cast is not in the list: v3 cannot carry null env values (see below).
  auto input = GENERATE(as<std::string>{}, "minimal-v1.json", "minimal-v3.cast", "asciinema-2.2-stdin.cast");
  std::string v2 = convert_text(test::read_file(fixture("cast/" + input)), "v2");
  std::string v3 = convert_text(v2, "v3", WriteOptions{true});
  std::string v2_again = convert_text(v3, "v2");
  CHECK(v2_again == v2);
  // And through the millisecond v3 the times stay within half a millisecond.
  auto a = read_text(v2), b = read_text(convert_text(convert_text(v2, "v3"), "v2"));
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    CHECK(std::llabs((a.events[i].time - b.events[i].time).count()) <= 500);
    CHECK(a.events[i].data == b.events[i].data);
  }
}

TEST_CASE("v3 drops only what it cannot carry: null env values", "[core][roundtrip]") {
  std::string v2 = convert_text(test::read_file(fixture("cast/full-v2.cast")), "v2");
  std::string back = convert_text(convert_text(v2, "v3", WriteOptions{true}), "v2");
  std::string expected = v2;
  expected.erase(expected.find(", \"TERM\": null"), std::string(", \"TERM\": null").size());
  CHECK(back == expected);
}

TEST_CASE("v1 frames become absolute output events", "[core][cast_v1]") {
  auto c = test::read_all(fixture("cast/minimal-v1.json"));
  CHECK(c.header.version == 1);
  CHECK(c.header.size == TermSize{80, 24});
  CHECK(c.header.title == "v1 d\xc3\xa9mo");
  REQUIRE(c.events.size() == 3);
  CHECK(c.events[0] == Event::output(Micros{250000}, "h\xc3\xa9llo \x1b[1mw\xc3\xb6rld\x1b[0m\r\n"));
  CHECK(c.events[1].time == Micros{1250001});
  CHECK(c.events[2].time == Micros{1515000});
}

TEST_CASE("v3 intervals, comments and the term object are read", "[core][cast_v3]") {
  auto c = test::read_all(fixture("cast/minimal-v3.cast"));
  CHECK(c.header.size == TermSize{80, 24});
  CHECK(c.header.term_type == "xterm-256color");
  CHECK(c.header.term_version == "VTE(7802)");
  REQUIRE(c.header.find_extra("tags"));
  CHECK(*c.header.find_extra("tags") == R"(["a","b"])");
  REQUIRE(c.events.size() == 4);
  CHECK(c.events[0].time == Micros{248000});
  CHECK(c.events[1].time == Micros{1249000});
  CHECK(c.events[2] == Event::resize(Micros{3299000}, {90, 30}));
  CHECK(c.events[3] == Event::exit(Micros{4186000}, 0));
}

TEST_CASE("v2 reader keeps unknown event codes, nulls and unknown header keys", "[core][cast_v2]") {
  auto c = test::read_all(fixture("cast/full-v2.cast"));
  CHECK(c.warnings.empty());
  CHECK(c.header.idle_time_limit == 2.5);
  REQUIRE(c.header.env.size() == 2);
  CHECK_FALSE(c.header.env[1].value);
  REQUIRE(c.header.find_extra("recssh"));
  CHECK(*c.header.find_extra("recssh") == R"({"stream":"shell","user":"op"})");
  REQUIRE(c.events.size() == 7);
  CHECK(c.events[4].code == "z");
  CHECK(c.events[5].data == "tab\there\abell\x7f" "del");
  // Written back, the unknown things are still there.
  std::string out = test::write_all("v2", c.header, c.events);
  CHECK(out.find(R"("recssh": {"stream":"shell","user":"op"})") != std::string::npos);
  CHECK(out.find(R"([1.000001, "z", "unknown code kept"])") != std::string::npos);
  CHECK(out.find(R"("TERM": null)") != std::string::npos);
}

TEST_CASE("a truncated last line is a warning and everything before it is kept", "[core][cast_v2]") {
  auto c = test::read_all(fixture("cast/truncated-last-line.cast"));
  REQUIRE(c.events.size() == 1);
  CHECK(c.events[0].data == "one");
  REQUIRE(c.warnings.size() == 1);
  CHECK_THAT(c.warnings[0], Catch::Contains("truncated-last-line.cast:3") && Catch::Contains("truncated last line"));
}

TEST_CASE("malformed lines are errors naming file:line; --skip-bad skips and counts", "[core][cast_v2]") {
  CHECK_THROWS_WITH(test::read_all(fixture("cast/bad-json-line3.cast")), Catch::Contains("bad-json-line3.cast:3"));
  auto c = test::read_all(fixture("cast/bad-json-line3.cast"), true);
  REQUIRE(c.events.size() == 2);
  CHECK(c.events[1].data == "three");
  CHECK(c.warnings.size() == 1);
}

TEST_CASE("each kind of bad input gets a clear error", "[core][bad-input]") {
  using Catch::Contains;
  CHECK_THROWS_WITH(test::read_all(fixture("cast/negative-time.cast")), Contains(":2: negative time -0.5"));
  CHECK_THROWS_WITH(test::read_all(fixture("cast/huge-time.cast")), Contains(":2: invalid time 1e999"));
  CHECK_THROWS_WITH(test::read_all(fixture("cast/nan-time.cast")), Contains(":2:"));
  CHECK_THROWS_WITH(test::read_all(fixture("cast/missing-field.cast")), Contains(":2: event has 2 elements"));
  CHECK_THROWS_WITH(test::read_all(fixture("cast/wrong-type-code.cast")), Contains(":2: event code must be a string"));
  CHECK_THROWS_WITH(test::read_all(fixture("cast/wrong-type-time.cast")), Contains(":2: event time must be a number"));
  CHECK_THROWS_WITH(test::read_all(fixture("cast/bad-resize.cast")), Contains(":2: invalid resize \"80y24\""));
  CHECK_THROWS_WITH(test::read_all(fixture("cast/bad-header-type.cast")), Contains(":1: header \"width\" must be a number"));
  CHECK_THROWS_WITH(test::read_all(fixture("cast/missing-width.cast")), Contains(":1: header has no \"width\""));
  CHECK_THROWS_WITH(test::read_all(fixture("cast/empty.cast")), Contains("empty file"));
  CHECK_THROWS_WITH(test::read_all(fixture("cast/garbage.bin")), Contains("unknown format"));
  CHECK(test::read_all(fixture("cast/header-only.cast")).events.empty());
}

TEST_CASE("decreasing times are clamped with a warning; invalid UTF-8 is replaced", "[core][bad-input]") {
  auto c = test::read_all(fixture("cast/decreasing-time.cast"));
  REQUIRE(c.events.size() == 3);
  CHECK(c.events[1].time == Micros{500000});
  CHECK(c.warnings.size() == 1);
  auto u = test::read_all(fixture("cast/invalid-utf8.cast"));
  REQUIRE(u.events.size() == 1);
  CHECK(u.events[0].data == "ok \xEF\xBF\xBD\xEF\xBF\xBD bytes \xEF\xBF\xBD");
  CHECK(u.warnings.size() == 1);
}

TEST_CASE("a very long line is read, and one beyond the limit is refused", "[core][bad-input]") {
  std::string big(3 << 20, 'x');
  auto c = read_text("{\"version\": 2, \"width\": 80, \"height\": 24}\n[0.5, \"o\", \"" + big + "\"]\n");
  REQUIRE(c.events.size() == 1);
  CHECK(c.events[0].data.size() == big.size());
  test::StringSource src("{\"version\": 2, \"width\": 80, \"height\": 24}\n" + std::string(5 << 20, 'y'));
  LineReader lines(src, "big", 4 << 20);
  std::string_view line;
  REQUIRE(lines.next(line));
  CHECK_THROWS_WITH(lines.next(line), Catch::Contains("big:2: line longer than 4 MiB"));
}

TEST_CASE("cast probing recognises each version", "[core][format]") {
  CHECK(probe_cast_version("{\"version\": 2, \"width\": 80}\n") == 2);
  CHECK(probe_cast_version("{\"version\":3,\"term\":{}}\n") == 3);
  CHECK(probe_cast_version("{\n  \"version\": 1,\n  \"width\": 80\n") == 1);
  CHECK(probe_cast_version("{\"width\": 80, \"version\": 2}\n") == 2);
  CHECK(probe_cast_version("Script started on 2026-11-22\n") == 0);
  CHECK(probe_cast_version("{\"version\": 22}") == 0);
}

TEST_CASE("writers escape, and v3 intervals are quantized to ms", "[core][cast_v3]") {
  Header h;
  h.size = {100, 50};
  h.term_type = "xterm";
  h.env = {{"SHELL", "/bin/sh"}, {"NOPE", std::nullopt}};
  std::vector<Event> ev{Event::output(Micros{1499}, "a\x1b"), Event::output(Micros{2501}, "b"),
                        Event::marker(Micros{2501}, "m")};
  std::string v3 = test::write_all("v3", h, ev);
  CHECK(v3 == "{\"version\":3,\"term\":{\"cols\":100,\"rows\":50,\"type\":\"xterm\"},\"env\":{\"SHELL\":\"/bin/sh\"}}\n"
              "[0.001, \"o\", \"a\\u001b\"]\n[0.002, \"o\", \"b\"]\n[0.000, \"m\", \"m\"]\n");
  std::string v2 = test::write_all("v2", h, ev);
  CHECK(v2 == "{\"version\": 2, \"width\": 100, \"height\": 50, \"env\": {\"SHELL\": \"/bin/sh\", \"NOPE\": null}}\n"
              "[0.001499, \"o\", \"a\\u001b\"]\n[0.002501, \"o\", \"b\"]\n[0.002501, \"m\", \"m\"]\n");
}

TEST_CASE("the fast event path agrees with simdjson on every line it accepts, in every kernel", "[core][cast_fast]") {
  const char* lines[] = {
      R"([0.5, "o", "plain"])", R"( [ 1e-05 , "i" , "a\u001bb\r\n\t\"\\\/\b\f" ] )",
      R"([0, "o", "\ud83d\ude00 \u00e9 \u20ac"])", R"([1.5, "o", "unpaired \ud800"])",
      R"([1.5, "o", "bad \x escape"])", R"([01, "o", "leading zero"])", R"([1., "o", "x"])",
      R"([-0.5, "o", "neg"])", R"([1, "o", "x", 4])", R"([1, "o"])", R"([1, "o", "x"] trailing)",
      "[1, \"o\", \"raw\tcontrol\"]", "[1, \"o\", \"caf\xc3\xa9\"]", "[1, \"o\", \"bad\xff\"]",
      R"([1E+2, "zz", ""])", R"([true, "o", "x"])", R"([1, "o", "unterminated])",
  };
  test::for_each_kernel([&](recssh::simd::Kernel) {
    CastJson json;
    for (std::string text : lines) {
      text.append(128, '\0');
      std::string_view line(text.data(), text.size() - 128);
      for (std::size_t capacity : {line.size(), text.size()}) {
        std::string_view fast_time;
        Event fast;
        if (!fast_parse_event(line, capacity, fast_time, fast.code, fast.data)) continue;
        Event slow;
        std::string_view slow_time;
        REQUIRE_NOTHROW(slow_time = json.parse_event_slow(line, text.size(), slow, nullptr));
        CHECK(std::string(fast_time) == std::string(slow_time));
        CHECK(fast.code == slow.code);
        CHECK(fast.data == slow.data);
      }
    }
    std::string_view t;
    std::string c, d;
    CHECK(fast_parse_event(R"([0.5, "o", "a\u001bb"])", 22, t, c, d));
    CHECK(d == "a\x1b" "b");
    CHECK_FALSE(fast_parse_event(R"([1.5, "o", "unpaired \ud800"])", 31, t, c, d));
  });
}

TEST_CASE("the check-only path accepts exactly what decoding accepts, in every kernel", "[core][fast]") {
  // Strings built from escapes and text, long enough to cross the 64-byte blocks at
  // every offset, valid and not.
  const char* pieces[] = {"\\u001b", "\\\\", "\\\"", "a", "\xc3\xa9", "\\n", "\\r\\n", "\\uD83D\\uDE00",
                          "\\u00e9", "[1;31m", "\\/", "\\t", "xyzxyzxyz", "\\uDA00", "\\u0007", "\\u007F",
                          "\\u0000", "\\u0041", "\\u001B", "\\b\\f", "\\u00fF", "plain text run of 33 bytes, longer",
                          "\\u0085", "\\u0080", "\\u00a0", "\\u007e"};
  const char* bad[] = {"\\x", "\\u12G4", "\t", "\\", "\\u00", "\\uDE00x", "\\\\\\"};
  test::for_each_kernel([&](recssh::simd::Kernel) {
    std::uint64_t state = 12345;
    auto rnd = [&](std::uint64_t n) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      return (state >> 33) % n;
    };
    CastJson json;
    int accepted = 0, rejected = 0;
    for (int i = 0; i < 20000; ++i) {
      std::string data;
      int n = int(rnd(60));
      for (int k = 0; k < n; ++k) data += pieces[rnd(sizeof pieces / sizeof *pieces)];
      if (rnd(4) == 0) data.insert(rnd(data.size() + 1), bad[rnd(sizeof bad / sizeof *bad)]);
      std::string text = "[" + std::to_string(rnd(1000)) + ".5, \"o\", \"" + data + "\"]";
      if (rnd(10) == 0) text.pop_back(); // no closing bracket
      const std::size_t len = text.size();
      text.append(128, '\0');
      std::string_view line(text.data(), len);
      std::string_view t1, t2;
      std::string c1, d1, c2, d2;
      bool full = fast_parse_event(line, text.size(), t1, c1, d1, true);
      bool check = fast_parse_event(line, text.size(), t2, c2, d2, false);
      INFO(text.substr(0, len));
      REQUIRE(full == check);
      // 64 bytes of padding: the 32-byte decoder (128 bytes let the 64-byte one run).
      std::string_view t3;
      std::string c3, d3;
      REQUIRE(fast_parse_event(line, len + 64, t3, c3, d3, true) == full);
      if (full) {
        CHECK(t1 == t2);
        CHECK(d2.empty());
        CHECK(d3 == d1);
        Event slow;
        REQUIRE_NOTHROW(json.parse_event_slow(line, text.size(), slow, nullptr));
        CHECK(slow.data == d1);
      }
      (full ? accepted : rejected)++;
    }
    CHECK(accepted > 1000);
    CHECK(rejected > 1000);
  });
}

namespace {
// Everything a reader gives: events (with raw tails), warnings and the error that
// stopped it, each with its location, as one comparable transcript.
enum class Through {
  next,       // Event copies
  next_view,  // views of the reader's buffers
  next_views, // groups of views (3 at most, to cross many group boundaries): events
              // without locations, then the error, then the warnings (a group's
              // warnings come before its events are handed out)
};
std::string read_transcript(const std::string& text, int version, ReadOptions o, Through through = Through::next) {
  Diagnostics diag;
  std::string out, warnings;
  std::string& warn_to = through == Through::next_views ? warnings : out;
  diag.on_warning = [&](const std::string& where, const std::string& m) { warn_to += "warn " + where + ": " + m + "\n"; };
  o.diag = &diag;
  try {
    CastReader r(memory_input("t.cast", text, &diag), version, o);
    auto line = [](const EventView& v) {
      return std::to_string(v.time.count()) + " " + std::string(v.code) + " [" + std::string(v.data) + "]";
    };
    if (through == Through::next_views) {
      std::vector<EventView> group;
      while (r.next_views(group, 3)) {
        REQUIRE(!group.empty());
        for (const EventView& v : group) out += line(v) + "\n";
      }
    } else {
      EventView v;
      Event e;
      while (through == Through::next_view ? r.next_view(v) : r.next(e)) {
        if (through == Through::next) v = {e.time, e.code, e.data};
        out += r.location() + " " + line(v) + " tail[" + std::string(r.raw_tail()) + "]\n";
      }
    }
    out += "skipped " + std::to_string(r.skipped()) + "\n";
  } catch (const FormatError& err) {
    out += "error " + err.location() + ": " + err.message() + "\n";
  }
  return out + warnings;
}
} // namespace

TEST_CASE("decoding ahead on threads reads exactly what the line-by-line reader reads", "[core][batches]") {
  // Lines of every kind the reader treats apart, in random order: events, escapes,
  // blank lines, v3 comments, invalid UTF-8 (repaired), malformed lines, times going
  // back, long lines (longer than a chunk), odd spacing; then with and without a
  // final '\n', a truncated last line, with --skip-bad and without.
  const char* kinds[] = {
      R"([@, "o", "plain text"])",
      R"([@, "o", "\u001b[1;31mred\u001b[0m\r\n\ttab \"q\" \\ \/ \b\f \u0007\u00e9\ud83d\ude00"])",
      "",
      "   ",
      "# a comment (v3 only)",
      "[@, \"o\", \"bad utf-8 \xff here\"]",
      R"([@, "o", "broken"], 3])",
      R"([@, "r", "100x40"])",
      R"([@, "x", "0"])",
      R"([@, "r", "wide"])", // decoded ahead, then refused by the reader's checks
      R"([@, "x", "none"])",
      R"([@, "q", "unknown code kept"])",
      R"( [ @ ,"m" , "spaced"] )",
      R"([@, "o", "raw tab	inside"])",
      R"([0.000001, "o", "back in time"])",
  };
  std::uint64_t state = 99;
  auto rnd = [&](std::uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  for (int round = 0; round < 40; ++round) {
    const int version = round % 2 ? 3 : 2;
    std::string text = version == 3 ? "{\"version\": 3, \"term\": {\"cols\": 80, \"rows\": 24}}\n"
                                    : "{\"version\": 2, \"width\": 80, \"height\": 24}\n";
    double t = 0;
    const int lines = 50 + int(rnd(400));
    for (int i = 0; i < lines; ++i) {
      std::string line = kinds[rnd(sizeof kinds / sizeof *kinds)];
      if (rnd(40) == 0) line = "[@, \"o\", \"" + std::string(700 + rnd(3000), 'L') + "\"]";
      t += version == 3 ? 0.25 : double(rnd(100)) / 1000;
      char stamp[32];
      std::snprintf(stamp, sizeof stamp, "%.6f", version == 3 ? 0.25 : t);
      if (auto at = line.find('@'); at != std::string::npos) line.replace(at, 1, stamp);
      text += line + "\n";
    }
    if (round % 4 == 1) text.pop_back();                       // no final '\n'
    if (round % 4 == 2) text += "[9999.5, \"o\", \"cut sho"; // truncated last line
    for (bool skip_bad : {true, false}) {
      ReadOptions sequential;
      sequential.skip_bad = skip_bad;
      sequential.threads = 1;
      const std::string expected = read_transcript(text, version, sequential);
      REQUIRE(read_transcript(text, version, sequential, Through::next_view) == expected);
      const std::string expected_groups = read_transcript(text, version, sequential, Through::next_views);
      for (std::size_t chunk : {std::size_t(64), std::size_t(700), std::size_t(1) << 16}) {
        for (unsigned threads : {2u, 3u, 4u}) { // the reader and 1-3 workers
          ReadOptions batched = sequential;
          batched.threads = threads;
          batched.batch_min_size = 0;
          batched.batch_chunk = chunk;
          INFO("round " << round << " chunk " << chunk << " threads " << threads << " skip_bad " << skip_bad);
          REQUIRE(read_transcript(text, version, batched) == expected);
          REQUIRE(read_transcript(text, version, batched, Through::next_view) == expected);
          REQUIRE(read_transcript(text, version, batched, Through::next_views) == expected_groups);
        }
      }
    }
  }
}

TEST_CASE("decoded ahead, events come out in groups as large as a batch", "[core][batches]") {
  // 2000 good lines and a bad one at line 1500 (after the header): the groups hold
  // many events each, every event before the bad line comes out, then its error.
  std::string text = "{\"version\": 2, \"width\": 80, \"height\": 24}\n";
  for (int i = 0; i < 2000; ++i)
    text += i == 1498 ? "[9, \"o\", broken]\n" : "[" + std::to_string(i) + ", \"o\", \"event " + std::to_string(i) + "\\r\\n\"]\n";
  ReadOptions o;
  o.threads = 2;
  o.batch_min_size = 0;
  o.batch_chunk = 4096;
  CastReader r(memory_input("g.cast", text), 2, o);
  std::vector<EventView> group;
  std::size_t events = 0, groups = 0, largest = 0;
  std::string last;
  CHECK_THROWS_WITH(
      [&] {
        while (r.next_views(group)) {
          ++groups;
          largest = std::max(largest, group.size());
          for (const EventView& v : group) {
            REQUIRE(v.data == "event " + std::to_string(events) + "\r\n");
            ++events;
          }
        }
      }(),
      Catch::Contains("g.cast:1500"));
  CHECK(events == 1498);
  CHECK(largest > 50);
  CHECK(groups < 100);
}

TEST_CASE("decoding ahead stops at a line longer than the limit, naming it", "[core][batches]") {
  // The limit is 64 MiB: a line of 64 MiB + 1 without '\n', after two good lines.
  std::string text = "{\"version\": 2, \"width\": 80, \"height\": 24}\n[0.5, \"o\", \"a\"]\n\n";
  text += "[1, \"o\", \"" + std::string(std::size_t(64) << 20, 'x');
  ReadOptions o;
  o.threads = 2;
  o.batch_min_size = 0;
  const std::string batched = read_transcript(text, 2, o);
  o.threads = 1;
  CHECK(batched == read_transcript(text, 2, o));
  CHECK(batched.find("error t.cast:4: line longer than 64 MiB") != std::string::npos);
  CHECK(batched.find("[a]") != std::string::npos);
}

TEST_CASE("the batch decoder works without threads (none could be started)", "[core][batches]") {
  test::StringSource src("[1, \"o\", \"b\"]\n[2, \"x\", \"0\"]\nnot json\n", 7);
  CastBatchDecoder::Config config;
  config.threads = 0;
  config.chunk = 16;
  CastBatchDecoder d(src, "[0.5, \"o\", \"a\\u001b\"]\n", config);
  std::string seen;
  std::uint64_t lines = 0;
  for (;;) {
    const CastBatch& b = d.next();
    if (b.end) break;
    for (const auto& l : b.lines)
      seen += l.fast ? std::string(b.code(l)) + ":" + std::string(b.data(l)) + ";" : "slow:" + std::string(b.line(l)) + ";";
    lines += b.line_count;
  }
  CHECK(seen == "o:a\x1b;o:b;x:0;slow:not json;");
  CHECK(lines == 4);
  CHECK(d.next().end); // the end stays the end
}

TEST_CASE("the reader decodes batches too: every line once and in order, whoever decodes it", "[core][batches]") {
  // Three workers and a reader that pauses at random: batches are finished out of
  // order, the depth fills up while the reader helps, workers wait for room. A lost,
  // doubled or reordered batch shows in the sequence; a deadlock hangs the test.
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "[" + std::to_string(i) + ", \"o\", \"" + std::to_string(i) + "\"]\n";
  std::mt19937 rnd(7);
  for (unsigned workers : {0u, 1u, 3u}) {
    for (int round = 0; round < 4; ++round) {
      test::StringSource src(text, 1 + rnd() % 300);
      CastBatchDecoder::Config config;
      config.threads = workers;
      config.chunk = 64 + rnd() % 2000;
      CastBatchDecoder d(src, "", config);
      int expected = 0;
      std::uint64_t lines = 0;
      for (;;) {
        const CastBatch& b = d.next();
        if (b.end) break;
        lines += b.line_count;
        for (const auto& l : b.lines) {
          REQUIRE(l.fast);
          REQUIRE(b.data(l) == std::to_string(expected));
          ++expected;
        }
        if (rnd() % 4 == 0) std::this_thread::sleep_for(std::chrono::microseconds(rnd() % 200));
      }
      INFO("workers " << workers << " round " << round);
      CHECK(expected == 3000);
      CHECK(lines == 3000);
    }
  }
}

TEST_CASE("forward totals from the relay's markers: per route, a merged day, a crash", "[core][stats]") {
  recssh::ForwardTally t;
  // Session 1: two connections on one route, one on another (reset), one that failed.
  t.marker("recssh: forward open L 127.0.0.1:5432 -> db:5432 conn=1");
  t.marker("recssh: forward open L 127.0.0.1:5432 -> db:5432 conn=2");
  t.marker("recssh: forward close conn=1 up=10 down=20 bytes");
  t.marker("recssh: forward open D 127.0.0.1:1080 -> example.org:443 conn=3");
  t.marker("recssh: forward close conn=2 up=5 down=7 bytes lost=3");
  t.marker("recssh: forward close conn=3 up=1 down=2 bytes reset");
  t.marker("recssh: forward failed R 127.0.0.1:8080 conn=4: could not reach 127.0.0.1:80");
  t.marker("recssh: forward refused D 127.0.0.1:1080 -> bad.example:25 conn=5");
  t.marker("recssh: end");                  // not a forward's
  t.marker("recssh: forward close conn=99 up=1 down=1 bytes"); // its open is not in the file
  // Session 2 of a merged day: its relay counts from 1 again; it crashed with conn=1 open.
  t.marker("recssh: forward open L 127.0.0.1:5432 -> db:5432 conn=1");
  const auto totals = t.totals();
  REQUIRE(totals.size() == 4);
  CHECK(totals[0].route == "L 127.0.0.1:5432 -> db:5432");
  CHECK(totals[0].connections == 3);
  CHECK(totals[0].up == 15);
  CHECK(totals[0].down == 27);
  CHECK(totals[0].lost == 3);
  CHECK(totals[0].unclosed == 1);
  CHECK(recssh::forward_totals_text(totals[0]) ==
        "3 connections, 15 bytes up, 27 down, 3 bytes not captured, 1 never closed");
  CHECK(totals[1].route == "D 127.0.0.1:1080 -> example.org:443");
  CHECK(recssh::forward_totals_text(totals[1]) == "1 connection, 1 bytes up, 2 down, 1 reset");
  CHECK(totals[2].route == "R 127.0.0.1:8080");
  CHECK(recssh::forward_totals_text(totals[2]) == "0 connections, 1 failed");
  CHECK(totals[3].route == "D 127.0.0.1:1080 -> bad.example:25");
  CHECK(totals[3].refused == 1);
  // A conn number opened again before its close: the earlier one never closed.
  recssh::ForwardTally crash;
  crash.marker("recssh: forward open L 1 -> a:1 conn=1");
  crash.marker("recssh: forward open L 1 -> a:1 conn=1");
  crash.marker("recssh: forward close conn=1 up=4 down=4 bytes");
  CHECK(crash.totals()[0].unclosed == 1);
  CHECK(crash.totals()[0].up == 4);
}

TEST_CASE("a plain v2 cast's last event time from its tail", "[core][cast_v2]") {
  using recssh::last_event_time;
  using test::write_file;
  test::TempPath p(".cast");
  const std::string head = "{\"version\": 2, \"width\": 80, \"height\": 24}\n";
  write_file(p.path, head + "[0.5, \"o\", \"a\"]\n[61.25, \"m\", \"x\"]\n");
  CHECK(last_event_time(p.path) == Micros(61250000));
  // The header alone: no event.
  write_file(p.path, head);
  CHECK_FALSE(last_event_time(p.path));
  // A partial last line (a crash): the caller reads the file whole instead.
  write_file(p.path, head + "[0.5, \"o\", \"a\"]\n[7.0, \"o\", \"b");
  CHECK_FALSE(last_event_time(p.path));
  // Longer than the window: the line cut at its start is not taken for an event.
  std::string big = head + "[1.0, \"o\", \"" + std::string(100000, 'x') + "\"]\n[2.5, \"o\", \"" +
                    std::string(70000, 'y') + "\"]\n";
  write_file(p.path, big);
  CHECK_FALSE(last_event_time(p.path)); // (the last line alone is longer than the window)
  big += "[3.0, \"r\", \"80x24\"]\n";
  write_file(p.path, big);
  CHECK(last_event_time(p.path) == Micros(3000000));
  CHECK_FALSE(last_event_time(p.path + ".missing"));
}

