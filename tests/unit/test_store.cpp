// SPDX-License-Identifier: MIT
#include "core/errors.hpp"
#include "core/io.hpp"
#include "helpers.hpp"
#include "store/config.hpp"
#include "store/layout.hpp"
#include "store/lock.hpp"
#include "store/metadata.hpp"
#include "store/naming.hpp"
#include "store/placement.hpp"
#include "store/seal.hpp"
#include "store/tree.hpp"
#include "store/walk.hpp"

#include <boost/filesystem.hpp>
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace recssh;
using namespace recssh::store;

namespace {

// A temporary directory removed with everything in it at scope exit.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/recssh-store-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    boost::system::error_code ec;
    boost::filesystem::remove_all(path, ec);
  }
};

mode_t mode_of(const std::string& p) {
  struct stat st {};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

const char* k_cast = "{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": 1795311637, "
                     "\"recssh\": {\"version\":\"0.1.0\",\"session_id\":\"S1\",\"stream\":\"exec\",\"user\":\"alice\","
                     "\"host\":\"bastion\",\"target\":\"root@db3\",\"argv\":[\"ssh\",\"db3\"]}}\n"
                     "[0.5, \"o\", \"recssh: end: status=9 reason=exit printed by a program\\r\\n\"]\n"
                     "[1.0, \"m\", \"recssh: end: status=3 reason=exit\"]\n";

} // namespace

TEST_CASE("names keep only safe characters and cannot escape", "[store][naming]") {
  CHECK(sanitize_name("../../etc") == "etc");
  CHECK(sanitize_name("[::1]:22") == "1_22");
  CHECK(sanitize_name("user@host ls -la") == "user_host_ls_-la");
  CHECK(sanitize_name("..") == "session");
  CHECK(sanitize_name(".hidden") == "hidden");
  CHECK(sanitize_name("-rf") == "rf");
  CHECK(sanitize_name("hôte") == "h_te");
  CHECK(sanitize_name("a/b\\c\nd") == "a_b_c_d");
  CHECK(sanitize_name("", 80, "x") == "x");
  CHECK(sanitize_name(std::string(500, 'a')).size() == 80);
  CHECK(sanitize_name("abc___", 80) == "abc");
}

TEST_CASE("config files: keys, values, and errors with file:line", "[store][config]") {
  test::TempPath p(".conf");
  {
    std::ofstream f(p.path);
    f << "# comment\n dir = /var/log/recssh  # trailing\nlayout=user\ngzip = yes\nenv = \"SHELL,TERM,LANG\"\n"
         "merge_daily = on\ncompress-after = 1d\nretain = 90d\ncoalesce-bytes = 4096\n";
  }
  Config c;
  load_config_file(p.path, c);
  CHECK(c.dir == "/var/log/recssh");
  CHECK(c.layout == "user");
  CHECK(c.gzip == true);
  CHECK(c.env == "SHELL,TERM,LANG");
  CHECK(c.merge_daily == true);
  CHECK(c.compress_after == "1d");
  CHECK(c.retain == "90d");
  CHECK(c.coalesce_bytes == 4096u);
  CHECK(c.files_read == std::vector<std::string>{p.path});
  {
    std::ofstream f(p.path);
    f << "dir = x\n\nformat = v9\n";
  }
  try {
    load_config_file(p.path, c);
    FAIL("no error");
  } catch (const FormatError& e) {
    CHECK(e.location() == p.path + ":3");
    CHECK(e.message() == "format is v2 or v3");
  }
  {
    std::ofstream f(p.path);
    f << "layot = day\n";
  }
  CHECK_THROWS_WITH(load_config_file(p.path, c), Catch::Contains(":1: unknown key 'layot'"));
  Config none;
  load_config_file(p.path + ".missing", none); // a missing file is no error
  CHECK(none.files_read.empty());
}

TEST_CASE("day names format local days and parse back only real dates", "[store][day]") {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  CHECK(day_name(1795311637) == "2026-11-22");
  CHECK(parse_day_name("2026-11-22") == Day{2026, 11, 22});
  CHECK(parse_day_name("2024-02-29") == Day{2024, 2, 29});
  CHECK_FALSE(parse_day_name("2026-02-29"));
  CHECK_FALSE(parse_day_name("2026-13-01"));
  CHECK_FALSE(parse_day_name("2026-1-011"));
  CHECK_FALSE(parse_day_name("2026-11-2"));
  CHECK_FALSE(parse_day_name("daily-2026"));
  CHECK(*parse_day_name("2026-11-22") < *parse_day_name("2026-12-01"));
  ::unsetenv("TZ");
  ::tzset();
}

TEST_CASE("both layouts place sessions privately under the root with unique names", "[store][layout]") {
  TempDir t;
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  Placement day{t.path + "/rec", Layout::day, false};
  auto a = create_session_file(day, 1795311637, "root@db3 ls", "alice", Stream::shell, "ID1");
  auto b = create_session_file(day, 1795311637, "root@db3 ls", "alice", Stream::shell, "ID2");
  CHECK(a.path == t.path + "/rec/2026-11-22/" + "014037-root_db3_ls.cast");
  CHECK(b.path == t.path + "/rec/2026-11-22/" + "014037-root_db3_ls-2.cast");
  CHECK(mode_of(t.path + "/rec") == 0700);
  CHECK(mode_of(t.path + "/rec/2026-11-22") == 0700);
  CHECK(mode_of(a.path) == 0600);
  Placement user{t.path + "/rec", Layout::user, true};
  auto c = create_session_file(user, 1795311637, "x", "../bob", Stream::exec, "20261122T014037Z-00ff");
  CHECK(c.path == t.path + "/rec/bob/exec/20261122T014037Z-00ff.cast.gz");
  // A planted symlink where a day directory goes is refused, not followed.
  REQUIRE(::symlink("/tmp", (t.path + "/rec/2026-11-23").c_str()) == 0);
  CHECK_THROWS_WITH(create_session_file(day, 1795311637 + 86400, "x", "alice", Stream::shell, "ID3"),
                    Catch::Contains("is a symlink"));
  // A directory of ours that others can write to is made private again (issue 14 A5).
  REQUIRE(::chmod((t.path + "/rec/2026-11-22").c_str(), 0777) == 0);
  create_session_file(day, 1795311637, "root@db3 ls", "alice", Stream::shell, "ID4");
  CHECK(mode_of(t.path + "/rec/2026-11-22") == 0700);
  ::unsetenv("TZ");
  ::tzset();
  CHECK(parse_stream("exec") == Stream::exec);
  CHECK_FALSE(parse_stream("tcpip"));
  CHECK(parse_layout("user") == Layout::user);
  CHECK(is_recording_name("a.cast.gz"));
  CHECK_FALSE(is_recording_name(".a.cast"));
  CHECK_FALSE(is_recording_name("a.cast.tmp"));
}

TEST_CASE("a named file is never replaced without being told, and a temp sits beside it", "[store][naming]") {
  TempDir t;
  std::string p = t.path + "/my.cast";
  test::write_file(p, "old");
  CHECK_THROWS_WITH(create_named_file(p, Overwrite::no), Catch::Contains("already exists"));
  CHECK(test::read_file(p) == "old");
  auto f = create_named_file(p, Overwrite::yes);
  CHECK(test::read_file(p).empty());
  auto tmp = create_temp_beside(p, ".append-", ".cast");
  CHECK(tmp.path.rfind(t.path + "/.my.cast.append-", 0) == 0);
  CHECK(tmp.path.ends_with(".cast"));
  CHECK(mode_of(tmp.path) == 0600);
  CHECK(is_being_recorded(tmp.path)); // created locked, like every recording
}

TEST_CASE("the lock is seen by another process while held, and gone after", "[store][lock]") {
  TempDir t;
  std::string p = t.path + "/s.cast";
  test::write_file(p, "");
  int ready[2], release[2];
  REQUIRE(::pipe(ready) == 0);
  REQUIRE(::pipe(release) == 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    Fd fd(::open(p.c_str(), O_WRONLY));
    char c = try_lock(fd.get()) ? 'y' : 'n';
    (void)!::write(ready[1], &c, 1);
    (void)!::read(release[0], &c, 1);
    ::_exit(0);
  }
  char c = 0;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  CHECK(c == 'y');
  CHECK(is_being_recorded(p));
  Fd mine(::open(p.c_str(), O_RDONLY));
  CHECK_FALSE(try_lock(mine.get()));
  std::vector<std::string> seen;
  walk(t.path, [&](const Recording& r) { seen.push_back(r.state == State::recording ? "recording" : "finished"); });
  CHECK(seen == std::vector<std::string>{"recording"});
  (void)!::write(release[1], "x", 1);
  int st = 0;
  ::waitpid(pid, &st, 0);
  CHECK_FALSE(is_being_recorded(p));
  CHECK(try_lock(mine.get()));
  for (int fd : {ready[0], ready[1], release[0], release[1]}) ::close(fd);

  LockFile first(t.path + "/.job.lock", "busy");
  CHECK_THROWS_WITH(LockFile(t.path + "/.job.lock", "another run"),
                    Catch::Equals("another run (it holds " + t.path + "/.job.lock)"));
}

TEST_CASE("metadata round trip, and read back from a recording", "[store][metadata]") {
  Metadata m;
  m.version = "0.1.0";
  m.session_id = "20261122T023303Z-9f86d081884c7d65";
  m.stream = Stream::shell;
  m.user = "alice";
  m.host = "bastion";
  m.target = "root@db3";
  m.argv = {"ssh", "-p", "22", "root@db3", "echo \"x\""};
  CHECK(m.json() == "{\"version\":\"0.1.0\",\"session_id\":\"20261122T023303Z-9f86d081884c7d65\",\"stream\":\"shell\","
                    "\"user\":\"alice\",\"host\":\"bastion\",\"target\":\"root@db3\",\"argv\":[\"ssh\",\"-p\",\"22\","
                    "\"root@db3\",\"echo \\\"x\\\"\"]}");
  auto back = Metadata::parse(m.json());
  REQUIRE(back);
  CHECK(back->json() == m.json());
  m.target.clear(); // a local command: no target key
  CHECK(m.json().find("target") == std::string::npos);
  CHECK_FALSE(Metadata::parse("[1]"));
  CHECK_FALSE(Metadata::parse("{"));

  TempDir t;
  test::write_file(t.path + "/a.cast", k_cast);
  auto read = read_metadata(t.path + "/a.cast");
  REQUIRE(read);
  CHECK(read->user == "alice");
  CHECK(read->target == "root@db3");
  CHECK(read->stream == Stream::exec);
  CHECK(read->argv == std::vector<std::string>{"ssh", "db3"});
  test::write_file(t.path + "/b.cast", "{\"version\": 2, \"width\": 80, \"height\": 24}\n");
  CHECK_FALSE(read_metadata(t.path + "/b.cast"));
}

TEST_CASE("end markers are written and read back, from plain and gzip casts", "[store][metadata]") {
  CHECK(end_marker({7, 0, "exit"}) == "recssh: end: status=7 reason=exit");
  CHECK(end_marker({137, 9, ""}) == "recssh: end: status=137 reason=signal signal=9");
  auto e = parse_end_marker("recssh: end: status=137 reason=signal signal=9");
  REQUIRE(e);
  CHECK(e->status == 137);
  CHECK(e->signal == 9);
  CHECK(e->reason == "signal");
  CHECK(end_marker({0, 0, "exit", 42}) == "recssh: end: status=0 reason=exit lost=42");
  auto lossy = parse_end_marker("recssh: end: status=255 reason=sigterm lost=42");
  REQUIRE(lossy);
  CHECK(lossy->reason == "sigterm");
  CHECK(lossy->lost == 42);
  CHECK(parse_end_marker("recssh: end: status=0 reason=exit")->lost == 0);
  CHECK_FALSE(parse_end_marker("recssh: end: status=x"));
  CHECK_FALSE(parse_end_marker("a marker"));

  TempDir t;
  test::write_file(t.path + "/a.cast", k_cast);
  auto end = read_session_end(t.path + "/a.cast");
  REQUIRE(end); // the marker, not the output line that shows the same words
  CHECK(end->status == 3);
  {
    Fd fd(::open((t.path + "/a.cast.gz").c_str(), O_WRONLY | O_CREAT, 0600));
    FdSink sink(fd.get(), "a.cast.gz");
    GzipSink gz(sink, "a.cast.gz");
    gz.write(k_cast, std::strlen(k_cast));
    gz.close();
    sink.flush();
  }
  auto gz_end = read_session_end(t.path + "/a.cast.gz");
  REQUIRE(gz_end);
  CHECK(gz_end->status == 3);
  test::write_file(t.path + "/open.cast", "{\"version\": 2, \"width\": 80, \"height\": 24}\n[0.1, \"o\", \"x\"]\n");
  CHECK_FALSE(read_session_end(t.path + "/open.cast"));
}

TEST_CASE("the walk yields recordings in order, skips what is not one, never follows links", "[store][walk]") {
  TempDir t;
  for (auto d : {"/2026-11-22", "/2026-11-21", "/alice", "/alice/shell", "/.hidden"})
    REQUIRE(::mkdir((t.path + d).c_str(), 0700) == 0);
  for (auto f : {"/2026-11-22/b.cast", "/2026-11-22/a.cast.gz", "/2026-11-21/z.cast", "/alice/shell/ID.cast",
                 "/.hidden/x.cast", "/2026-11-22/.a.cast.tmp.123", "/2026-11-22/notes.txt"})
    test::write_file(t.path + f, "");
  REQUIRE(::symlink((t.path + "/2026-11-21/z.cast").c_str(), (t.path + "/2026-11-22/link.cast").c_str()) == 0);
  REQUIRE(::symlink((t.path + "/2026-11-21").c_str(), (t.path + "/2026-11-20").c_str()) == 0);
  std::vector<std::string> seen, hidden;
  WalkOptions o;
  o.on_hidden_file = [&](const std::string& p) { hidden.push_back(p.substr(t.path.size())); };
  walk(t.path + "/", [&](const Recording& r) {
    seen.push_back(r.path.substr(t.path.size()));
    CHECK(r.dir == dir_of(r.path));
    CHECK(r.gzip == r.path.ends_with(".gz"));
    CHECK(r.state == State::finished);
  }, o);
  CHECK(seen == std::vector<std::string>{"/2026-11-21/z.cast", "/2026-11-22/a.cast.gz", "/2026-11-22/b.cast",
                                         "/alice/shell/ID.cast"});
  CHECK(hidden == std::vector<std::string>{"/2026-11-22/.a.cast.tmp.123"});
  CHECK_THROWS_WITH(walk(t.path + "/missing", [](const Recording&) {}), Catch::Contains("cannot list"));
}

TEST_CASE("the tree is acted on through held directories, never through a symlink", "[store][tree]") {
  TempDir t;
  for (auto d : {"/root", "/root/day", "/root/day/sub", "/elsewhere"}) REQUIRE(::mkdir((t.path + d).c_str(), 0700) == 0);
  test::write_file(t.path + "/root/day/a.cast", "a");
  test::write_file(t.path + "/elsewhere/a.cast", "decoy");
  Fd root(::open((t.path + "/root").c_str(), O_RDONLY | O_DIRECTORY));
  REQUIRE(root.valid());
  CHECK(is_plain_name("a.cast"));
  for (auto bad : {"", ".", "..", "a/b", "a\nb"}) CHECK_FALSE(is_plain_name(bad));
  CHECK(is_plain_relative("day/sub"));
  for (auto bad : {"", "/day", "day/", "day//sub", "../x", "day/.."}) CHECK_FALSE(is_plain_relative(bad));

  Fd day = open_below(root.get(), "day", "R/day");
  auto st = stat_entry(day.get(), "a.cast");
  REQUIRE(st);
  FileId id = id_of(*st);
  // The directory is swapped for a symlink after the check: the held one is used.
  REQUIRE(::rename((t.path + "/root/day").c_str(), (t.path + "/root/moved").c_str()) == 0);
  REQUIRE(::symlink((t.path + "/elsewhere").c_str(), (t.path + "/root/day").c_str()) == 0);
  CHECK_THROWS_WITH(open_below(root.get(), "day", "R/day"), Catch::Contains("not followed"));
  CHECK_THROWS_WITH(open_below(root.get(), "../elsewhere", "R/x"), Catch::Contains("not a plain path"));
  // A same-named file elsewhere is another inode: not removed, not opened.
  Fd other(::open((t.path + "/elsewhere").c_str(), O_RDONLY | O_DIRECTORY));
  CHECK_FALSE(remove_if_same(other.get(), "a.cast", id, "x"));
  CHECK_THROWS_WITH(open_if_same(other.get(), "a.cast", id, "x"), Catch::Contains("changed since it was checked"));
  CHECK(test::read_file(fd_path(day.get()) + "/a.cast") == "a");
  CHECK(remove_if_same(day.get(), "a.cast", id, "R/day/a.cast"));
  CHECK(test::read_file(t.path + "/elsewhere/a.cast") == "decoy");
  CHECK_FALSE(boost::filesystem::exists(t.path + "/root/moved/a.cast"));
  // A file replaced under its name is left alone.
  test::write_file(t.path + "/root/moved/b.cast", "b");
  auto b = stat_entry(day.get(), "b.cast");
  REQUIRE(b);
  test::write_file(t.path + "/root/moved/c.cast", "c");
  REQUIRE(::rename((t.path + "/root/moved/c.cast").c_str(), (t.path + "/root/moved/b.cast").c_str()) == 0);
  CHECK_FALSE(remove_if_same(day.get(), "b.cast", id_of(*b), "R/day/b.cast"));
  CHECK(test::read_file(t.path + "/root/moved/b.cast") == "c");
}

TEST_CASE("a lock file that is not ours is refused", "[store][lock]") {
  TempDir t;
  std::string lock = t.path + "/lock";
  test::write_file(lock, "");
  REQUIRE(::chmod(lock.c_str(), 0666) == 0);
  CHECK_THROWS_WITH(LockFile(lock, "busy"), Catch::Contains("not a private lock file"));
  REQUIRE(::chmod(lock.c_str(), 0600) == 0);
  CHECK_NOTHROW(LockFile(lock, "busy"));
  if (::geteuid() == 0) {
    REQUIRE(::chown(lock.c_str(), 65534, 65534) == 0);
    CHECK_THROWS_WITH(LockFile(lock, "busy"), Catch::Contains("not a private lock file"));
  }
}

TEST_CASE("the seal chain is SHA-256 over the tag, the previous hash and each line", "[store][seal]") {
  // Expected values from Python's hashlib, computed as the chain is documented.
  SealChain chain;
  chain.add(R"({"version": 2})");
  CHECK(chain.hex() == "fc7b0c983407111697a2c5be614ad4dd5a50d801ca072b40303526def6b044b9");
  chain.add(R"([0.5, "o", "hi"])");
  CHECK(chain.hex() == "ab4ed28b910124c0241941347812e4425e316112f4b338253798d796069b1c86");
  CHECK(chain.lines() == 2);
  CHECK(chain.bytes() == 15 + 17);
}

TEST_CASE("seal sidecars are written and read back; broken ones name file:line", "[store][seal]") {
  TempDir t;
  const std::string p = t.path + "/a.cast.seal";
  const std::string hash(64, 'a');
  SealFinal f{10, 500, hash, 1700000000, {}, {}};
  std::string text = seal_head_line({"a.cast", "sid-1", {{"in.log", std::string(64, 'b'), {}}}}) + "\n" +
                     seal_checkpoint_line({5, 200, std::string(64, 'c'), 1700000000}) + "\n" + seal_final_line(f) +
                     "\n" + seal_signature_line("-----BEGIN SSH SIGNATURE-----\nxyz\n") + "\n";
  test::write_file(p, text);
  Seal s = read_seal(p);
  CHECK(s.head.cast == "a.cast");
  CHECK(s.head.id == "sid-1");
  REQUIRE(s.head.sources.size() == 1);
  CHECK(s.head.sources[0].name == "in.log");
  REQUIRE(s.checkpoints.size() == 1);
  CHECK(s.checkpoints[0].line == 5);
  CHECK(s.checkpoints[0].offset == 200);
  REQUIRE(s.final);
  CHECK(s.final->lines == 10);
  CHECK(s.final->text == seal_final_line(f));
  CHECK(s.signature == "-----BEGIN SSH SIGNATURE-----\nxyz\n");
  // a torn last line (crash while writing) is ignored
  test::write_file(p, text.substr(0, text.size() - 10));
  CHECK(read_seal(p).signature.empty());
  // broken records name the line
  test::write_file(p, seal_head_line({"a.cast", "", {}}) + "\n{\"line\":5,\"offset\":1,\"hash\":\"zz\"}\n");
  CHECK_THROWS_WITH(read_seal(p), Catch::Contains("a.cast.seal:2: \"hash\" is not a SHA-256"));
  test::write_file(p, "{\"version\":2}\n");
  CHECK_THROWS_WITH(read_seal(p), Catch::Contains("a.cast.seal:1: not a recssh seal"));
  CHECK(seal_id(R"({"version":2,"timestamp":1700000000,"recssh":{"session_id":"s-9"}})") == "s-9");
  CHECK(seal_id(R"({"version":2,"timestamp":1700000000})") == "timestamp:1700000000");
  CHECK(seal_id("not json").empty());
}
