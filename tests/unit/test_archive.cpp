// SPDX-License-Identifier: MIT
#include "archive/join.hpp"
#include "archive/rotate.hpp"
#include "archive/rotate_journal.hpp"
#include "core/errors.hpp"
#include "helpers.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

using namespace recssh;
using namespace recssh::archive;

namespace {
Micros s(double secs) { return Micros(static_cast<std::int64_t>(secs * 1e6)); }

class CollectWriter final : public EventWriter {
public:
  using EventWriter::EventWriter;
  std::vector<Event> events;

private:
  void do_begin(const Header&) override {}
  void do_write(const Event& e) override { events.push_back(e); }
};
} // namespace

TEST_CASE("gap policies", "[archive][gap]") {
  CHECK(GapPolicy::parse("keep").apply(s(7), s(2)) == s(7));
  CHECK(GapPolicy::parse("keep").apply(std::nullopt, s(2)) == s(0));
  CHECK(GapPolicy::parse("drop").apply(s(7), s(2)) == s(0));
  CHECK(GapPolicy::parse("cap:1.5").apply(s(7), s(2)) == s(1.5));
  CHECK(GapPolicy::parse("cap:1.5").apply(s(1), s(2)) == s(1));
  CHECK(GapPolicy::parse("cap:1.5").apply(std::nullopt, s(2)) == s(1.5));
  CHECK(GapPolicy{}.apply(s(7), s(2)) == s(2));
  CHECK(GapPolicy{}.apply(s(-3), s(2)) == s(0)); // overlapping clocks: no negative pause
  CHECK_THROWS_AS(GapPolicy::parse("cap:x"), UsageError);
  CHECK_THROWS_AS(GapPolicy::parse("sometimes"), UsageError);
}

TEST_CASE("ages", "[archive][rotate]") {
  CHECK(parse_age("90d") == 90 * 86400);
  CHECK(parse_age("12h") == 12 * 3600);
  CHECK(parse_age("30m") == 1800);
  CHECK(parse_age("45s") == 45);
  CHECK(parse_age("100") == 100);
  CHECK(parse_age("2w") == 14 * 86400);
  CHECK_FALSE(parse_age("-1d"));
  CHECK_FALSE(parse_age("d"));
  CHECK_FALSE(parse_age("5y"));
  CHECK_FALSE(parse_age(""));
}

TEST_CASE("the joiner shifts, marks, resizes and resets", "[archive][join]") {
  test::StringSink sink;
  CollectWriter w(sink);
  w.begin(Header{});
  Joiner j(w, s(10), TermSize{80, 24});
  Header h;
  h.size = {100, 30};
  VectorReader r(h, {Event::output(s(0.5), "a"), Event::resize(s(1), {90, 20}), Event::output(s(2), "b")});
  CHECK(j.append(r, Source{"x.cast", "abc"}, s(3), true, std::nullopt) == 3);
  REQUIRE(w.events.size() == 6);
  CHECK(w.events[0] == Event::marker(s(13), "recssh: join: x.cast sha256=abc"));
  CHECK(w.events[1] == Event::resize(s(13), {100, 30}));
  CHECK(w.events[2] == Event::output(s(13), std::string(k_session_reset)));
  CHECK(w.events[3] == Event::output(s(13), "a"));
  CHECK(w.events[4] == Event::resize(s(13.5), {90, 20}));
  CHECK(w.events[5] == Event::output(s(14.5), "b"));
  CHECK(j.end() == s(14.5));
  CHECK(j.size() == TermSize{90, 20});
}

TEST_CASE("a rotate journal is acted on only when it is ours and stays below the root", "[archive][rotate]") {
  char tmpl[] = "/tmp/recssh-journal-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  std::string path = dir + "/journal";
  MergeJournal j{"2026-11-22", "daily-alice-db1.cast", ".daily-alice-db1.cast.staging.cast",
                 {{"100000-a.cast", {1, 2}}, {"a name with spaces.cast", {1, 3}}}};
  write_journal(path, j);
  auto back = read_journal(path);
  REQUIRE(back);
  CHECK(back->dir == j.dir);
  CHECK(back->final_name == j.final_name);
  CHECK(back->staging == j.staging);
  REQUIRE(back->inputs.size() == 2);
  CHECK(back->inputs[1].name == "a name with spaces.cast");
  CHECK(back->inputs[1].id == store::FileId{1, 3});
  CHECK_FALSE(read_journal(dir + "/none"));
  auto bad = [&](const std::string& text, const std::string& why) {
    ::unlink(path.c_str());
    test::write_file(path, text);
    ::chmod(path.c_str(), 0600);
    CHECK_THROWS_WITH(read_journal(path), Catch::Contains(why));
  };
  const std::string head = "recast-rotate-journal 2\n";
  // The old, absolute format (issue 14 A1's forged journal) is refused whole.
  bad("merge /x/2026-11-22/x.cast\nstaging /nope\ninput /etc/important.conf\n", "no 'recast-rotate-journal 2'");
  bad(head + "dir /etc\nmerge x.cast\nstaging .x.cast.staging.cast\n", "dir '/etc'");
  bad(head + "dir 2026-11-22/..\nmerge x.cast\nstaging .x.cast.staging.cast\n", "not a plain path");
  bad(head + "dir d\nmerge ../x.cast\nstaging .../x.cast.staging.cast\n", "merge '../x.cast'");
  bad(head + "dir d\nmerge x.cast\nstaging /nope\n", "staging '/nope'");
  bad(head + "dir d\nmerge x.cast\nstaging .x.cast.staging.cast\ninput 1 2 ../../etc/passwd\n", "not a plain file name");
  bad(head + "dir d\nmerge x.cast\nstaging .x.cast.staging.cast\ninput /etc/passwd\n", "malformed input");
  // Written by anyone but us, or writable by others: never acted on.
  ::unlink(path.c_str());
  write_journal(path, j);
  ::chmod(path.c_str(), 0622);
  CHECK_THROWS_WITH(read_journal(path), Catch::Contains("not written by this rotate"));
  ::chmod(path.c_str(), 0600);
  if (::geteuid() == 0) {
    REQUIRE(::chown(path.c_str(), 65534, 65534) == 0);
    CHECK_THROWS_WITH(read_journal(path), Catch::Contains("not written by this rotate"));
  }
  ::unlink(path.c_str());
  ::rmdir(dir.c_str());
}
