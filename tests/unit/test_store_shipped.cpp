// SPDX-License-Identifier: MIT
// store/shipped: the shipped journal read back, torn and damaged lines, identities.
#include "core/errors.hpp"
#include "helpers.hpp"
#include "store/shipped.hpp"

#include <boost/filesystem.hpp>
#include <catch2/catch.hpp>
#include <fstream>
#include <sys/stat.h>

using namespace recssh;
using store::ShipEntry;
using store::ShippedJournal;
using store::ShipState;

namespace {

struct JournalDir {
  std::string dir, path;
  JournalDir() {
    char tmpl[] = "/tmp/recssh-shipped-XXXXXX";
    dir = ::mkdtemp(tmpl);
    path = dir + "/ship/shipped.journal";
  }
  ~JournalDir() { boost::filesystem::remove_all(dir); }
};

ShipEntry entry(ino_t ino, ShipState state, const std::string& sha, const std::string& target = "s3://b/p") {
  ShipEntry e;
  e.time = 1795000000;
  e.state = state;
  e.id = {64769, ino, 1234, 1795000000123456789};
  e.sha256 = sha;
  e.target = target;
  e.endpoint = "http://127.0.0.1:9000";
  e.key = "p/h/2026-11-22/file name %1.cast";
  e.path = "/var/log/recssh/2026-11-22/file name\n%1.cast";
  e.message = state == ShipState::failed ? "the bucket 'b' does not exist" : "";
  return e;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_CASE("the shipped journal reads back what it recorded, latest entry per file and target", "[store][shipped]") {
  JournalDir d;
  {
    ShippedJournal j(d.path, true);
    j.record(entry(10, ShipState::failed, ""));
    j.record(entry(10, ShipState::shipped, "aa"));
    j.record(entry(11, ShipState::conflict, "bb"));
    j.record(entry(10, ShipState::failed, "", "s3://other/x"));
  }
  struct stat st {};
  REQUIRE(::stat(d.path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((d.dir + "/ship").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);

  const ShippedJournal j(d.path, false);
  CHECK(j.skipped_lines() == 0);
  auto e = j.find(entry(10, ShipState::shipped, "").id, "s3://b/p");
  REQUIRE(e);
  CHECK(e->state == ShipState::shipped);
  CHECK(e->sha256 == "aa");
  CHECK(e->key == "p/h/2026-11-22/file name %1.cast"); // spaces and '%' survive
  CHECK(e->path == "/var/log/recssh/2026-11-22/file name\n%1.cast"); // a newline too
  CHECK(e->endpoint == "http://127.0.0.1:9000");
  CHECK(e->id == entry(10, ShipState::shipped, "").id);
  CHECK_FALSE(j.find(e->id, "s3://b/p", "http://elsewhere"));
  auto other = j.find(e->id, "s3://other/x");
  REQUIRE(other);
  CHECK(other->message == "the bucket 'b' does not exist");
  CHECK(j.find_any(e->id)->target == "s3://other/x"); // the latest of any target
  CHECK(j.find_any({64769, 10, 0, 0}));
  CHECK(j.has_content("aa", "s3://b/p"));
  CHECK(j.has_content("bb", ""));
  CHECK_FALSE(j.has_content("aa", "s3://other/x"));
  CHECK_FALSE(j.has_content("", "s3://b/p")); // failures carry no content
}

TEST_CASE("a torn last line and damaged lines are ignored, never fatal", "[store][shipped]") {
  JournalDir d;
  {
    ShippedJournal j(d.path, true);
    j.record(entry(20, ShipState::shipped, "cc"));
  }
  std::string whole = slurp(d.path);
  // A crash mid-write: the second line cut in its middle.
  {
    std::ofstream out(d.path, std::ios::app | std::ios::binary);
    std::string next = whole;
    next.replace(next.find(" 20 "), 4, " 21 ");
    out << "garbage that is no entry\nS1 x shipped\n" << next.substr(0, next.size() / 2);
  }
  {
    ShippedJournal j(d.path, true);
    CHECK(j.skipped_lines() == 3);
    CHECK(j.find(entry(20, ShipState::shipped, "").id, "s3://b/p"));
    CHECK_FALSE(j.find(entry(21, ShipState::shipped, "").id, "s3://b/p"));
    // The next entry starts on a line of its own: the torn one stays one bad line.
    j.record(entry(22, ShipState::shipped, "dd"));
  }
  CHECK(slurp(d.path).back() == '\n');
  const ShippedJournal j(d.path, false);
  CHECK(j.skipped_lines() == 3);
  CHECK(j.find(entry(22, ShipState::shipped, "").id, "s3://b/p"));
}

TEST_CASE("a changed file is another identity; carry moves shipped entries to a replacement", "[store][shipped]") {
  JournalDir d;
  ShippedJournal j(d.path, true);
  j.record(entry(30, ShipState::shipped, "ee"));
  auto big = entry(0, ShipState::shipped, "ff");
  big.id.ino = static_cast<ino_t>(0xfedcba9876543210ull); // inode numbers may use all 64 bits
  j.record(big);
  CHECK(ShippedJournal(d.path, false).find(big.id, "s3://b/p"));
  auto grown = entry(30, ShipState::shipped, "").id;
  grown.size += 1;
  // find() matches the file (dev, inode); the caller compares the rest.
  auto e = j.find(grown, "s3://b/p");
  REQUIRE(e);
  CHECK_FALSE(e->id == grown);
  auto touched = entry(30, ShipState::shipped, "").id;
  touched.mtime_ns += 1;
  CHECK_FALSE(e->id == touched);

  store::FileIdentity gz{64769, 31, 99, 1795000000000000000};
  j.carry(entry(30, ShipState::shipped, "").id, gz, "/r/x.cast.gz");
  auto c = ShippedJournal(d.path, false).find(gz, "s3://b/p");
  REQUIRE(c);
  CHECK(c->id == gz);
  CHECK(c->sha256 == "ee");
  CHECK(c->key == "p/h/2026-11-22/file name %1.cast");
  CHECK(c->path == "/r/x.cast.gz");
}

TEST_CASE("a journal someone else could write is refused", "[store][shipped]") {
  JournalDir d;
  { ShippedJournal j(d.path, true); }
  test::write_file(d.path, "");
  ::chmod(d.path.c_str(), 0666);
  CHECK_THROWS_AS(ShippedJournal(d.path, false), Error);
  ::chmod(d.path.c_str(), 0600);
  ::chmod((d.dir + "/ship").c_str(), 0777);
  CHECK_THROWS_AS(ShippedJournal(d.path, true), Error);
}

TEST_CASE("superseded lines and entries of files that are gone are rewritten away", "[store][shipped]") {
  JournalDir d;
  std::vector<std::string> files;
  std::vector<store::FileIdentity> ids;
  for (int i = 0; i < 3; ++i) {
    files.push_back(d.dir + "/rec" + std::to_string(i) + ".cast");
    test::write_file(files.back(), "x");
    struct stat st {};
    ::stat(files.back().c_str(), &st);
    ids.push_back(store::identity_of(st));
  }
  {
    ShippedJournal j(d.path, true);
    for (int i = 0; i < 1100; ++i) {
      ShipEntry e = entry(0, ShipState::shipped, "s" + std::to_string(i));
      e.id = ids[static_cast<std::size_t>(i % 3)];
      e.path = files[static_cast<std::size_t>(i % 3)];
      j.record(e);
    }
  }
  ::unlink(files[2].c_str()); // expired: its entry goes too
  ShippedJournal j(d.path, true); // compacts on open
  std::string text = slurp(d.path);
  CHECK(std::count(text.begin(), text.end(), '\n') == 2);
  CHECK(j.find(ids[0], "s3://b/p")->sha256 == "s1098");
  CHECK(j.has_content("s1099", "s3://b/p"));
  CHECK_FALSE(j.has_content("s1097", "s3://b/p"));
  CHECK_FALSE(j.find(ids[2], "s3://b/p"));
}
