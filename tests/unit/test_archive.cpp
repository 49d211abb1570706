// SPDX-License-Identifier: MIT
#include "archive/join.hpp"
#include "archive/rotate.hpp"
#include "core/errors.hpp"
#include "helpers.hpp"

#include <catch2/catch.hpp>

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
