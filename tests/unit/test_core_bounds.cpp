// SPDX-License-Identifier: MIT
// Resource bounds (issue 14 F): the spool, v1 read as a stream, long lines across the
// batch decoder's threads, temporary files remembered for the signal handler, ttyrec
// detection that does not take zeros for a recording.
#include "convert/ttyrec.hpp"
#include "core/cast_batches.hpp"
#include "core/cast_v1.hpp"
#include "core/signals.hpp"
#include "core/spool.hpp"
#include "helpers.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace recssh;

namespace {

std::string spool_round_trip(std::size_t memory, const std::vector<std::string>& records, bool& spilled) {
  Spool s(memory);
  for (const auto& r : records) s.write(r.data(), r.size());
  spilled = s.spilled();
  s.rewind();
  std::string back;
  for (const auto& r : records) {
    std::string got(r.size(), '\0');
    REQUIRE(s.read(got.data(), got.size()));
    back += got;
  }
  char c;
  CHECK_FALSE(s.read(&c, 1));
  return back;
}

std::unique_ptr<CastV1Reader> v1(std::string doc, std::size_t spool = Spool::k_default_memory) {
  Input in = memory_input("d.json", std::move(doc));
  return std::make_unique<CastV1Reader>(std::move(in), ReadOptions{}, spool);
}

} // namespace

TEST_CASE("a spool gives back what was written, in memory or spilled to a file", "[core][spool]") {
  std::vector<std::string> records;
  std::mt19937 rnd(3);
  std::string all;
  for (int i = 0; i < 2000; ++i) {
    records.push_back(std::string(rnd() % 3000, char('a' + i % 26)));
    all += records.back();
  }
  records.push_back(std::string(std::size_t(3) << 20, 'z')); // bigger than its write buffer
  all += records.back();
  bool spilled = false;
  CHECK(spool_round_trip(std::size_t(64) << 20, records, spilled) == all);
  CHECK_FALSE(spilled);
  CHECK(spool_round_trip(4096, records, spilled) == all);
  CHECK(spilled);
}

TEST_CASE("v1 is read as a stream: header keys after the frames, frames spilled", "[core][cast_v1]") {
  std::string doc = "{\"version\": 1, \"stdout\": [";
  for (int i = 0; i < 5000; ++i) doc += (i ? ", " : "") + std::string("[0.5, \"f") + std::to_string(i) + "\\u00e9\"]";
  doc += "], \"width\": 99, \"title\": \"t\", \"height\": 7, \"unknown\": {\"a\": [1, \"]}\"]}}\n";
  for (std::size_t spool : {std::size_t(1) << 20, std::size_t(100)}) {
    auto r = v1(doc, spool);
    CHECK(r->header().size == TermSize{99, 7});
    CHECK(r->header().title == "t");
    Event e;
    int n = 0;
    while (r->next(e)) {
      REQUIRE(e.data == "f" + std::to_string(n) + "\xc3\xa9");
      REQUIRE(e.time == Micros{std::int64_t(500000) * (n + 1)});
      ++n;
    }
    CHECK(n == 5000);
  }
}

TEST_CASE("v1 documents that are cut, doubled or not JSON are errors with a place", "[core][cast_v1]") {
  CHECK_THROWS_WITH(v1("{\"version\": 1, \"stdout\": [[0.1, \"a\"], [0.2"), Catch::Contains("ends early"));
  CHECK_THROWS_WITH(v1("{\"version\": 1, \"stdout\": [[0.1, \"a\"]], \"stdout\": []}"), Catch::Contains("two \"stdout\""));
  CHECK_THROWS_WITH(v1(std::string(1000, '\0')), Catch::Contains("not an object"));
  CHECK_THROWS_WITH(v1("{\"version\": 1, \"stdout\": [[0.1, \"a\"] [0.2, \"b\"]]}"),
                    Catch::Contains("d.json: frame 1: expected ',' or ']'"));
  CHECK_THROWS_WITH(v1("{\"version\": 1, \"stdout\": [[0.1, \"a\"], [-1, \"b\"]]}"),
                    Catch::Contains("d.json: frame 2: invalid delay"));
  std::string huge = "{\"version\": 1, \"stdout\": [[3e9, \"a\"]";
  huge += ", [3e9, \"a\"]"; // each in range, their sum is not
  CHECK_THROWS_WITH(v1(huge + "]}"), Catch::Contains("add up to more than"));
  CHECK_THROWS_WITH(v1("{\"version\": 1, \"stdout\": []} trailing"), Catch::Contains("after the v1 document"));
  CHECK_THROWS_WITH(v1("{\"version\": 1, \"title\": \"" + std::string(CastV1Reader::k_max_value + 10, 'x') +
                       "\", \"stdout\": []}"),
                    Catch::Contains("longer than 1 MiB"));
  CHECK_THROWS_WITH(v1("{\"version\": 1}"), Catch::Contains("no \"stdout\""));
  CHECK_NOTHROW(v1("{\"version\": 1, \"stdout\": []}"));
}

TEST_CASE("long lines pass the batch decoder whole, in order, with any number of workers", "[core][batches]") {
  // Lines far longer than a chunk, among short ones: a batch that may not grow yet
  // is left empty and its bytes carried on; none is lost, doubled or reordered.
  std::mt19937 rnd(11);
  std::vector<std::string> data;
  std::string text;
  for (int i = 0; i < 400; ++i) {
    data.push_back(std::to_string(i) + std::string(rnd() % 5 == 0 ? 2000 + rnd() % 20000 : rnd() % 40, 'x'));
    text += "[" + std::to_string(i) + ", \"o\", \"" + data.back() + "\"]\n";
  }
  for (unsigned workers : {0u, 1u, 3u}) {
    test::StringSource src(text, 1 + rnd() % 5000);
    CastBatchDecoder::Config config;
    config.threads = workers;
    config.chunk = 256;
    CastBatchDecoder d(src, "", config);
    std::size_t expected = 0;
    for (;;) {
      const CastBatch& b = d.next();
      if (b.end) break;
      for (const auto& l : b.lines) {
        REQUIRE(l.fast);
        REQUIRE(b.data(l) == data[expected]);
        ++expected;
      }
    }
    INFO("workers " << workers);
    CHECK(expected == data.size());
  }
}

TEST_CASE("temporary files are remembered for the signal handler and forgotten", "[core][signals]") {
  static const char a[] = "/tmp/a", b[] = "/tmp/b";
  int sa = remember_temp_file(a), sb = remember_temp_file(b);
  CHECK(sa >= 0);
  CHECK(sb >= 0);
  CHECK(sa != sb);
  forget_temp_file(sa);
  CHECK(remember_temp_file(a) == sa); // the slot is free again
  forget_temp_file(sa);
  forget_temp_file(sb);
  forget_temp_file(-1); // a file that found no slot
}

TEST_CASE("ttyrec detection wants frames with output, not zeros", "[convert][ttyrec]") {
  CHECK_FALSE(convert::probe_ttyrec(std::string(4096, '\0')));
  CHECK_FALSE(convert::probe_ttyrec2(std::string(4096, '\0')));
  const std::string frame("\x10\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00hi", 14);
  CHECK(convert::probe_ttyrec(frame + frame));
  // a recording that starts with empty frames is still one if output follows
  CHECK(convert::probe_ttyrec(std::string(12, '\0') + frame));
}
