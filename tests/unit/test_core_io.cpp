// SPDX-License-Identifier: MIT
#include "core/cpus.hpp"
#include "core/io.hpp"
#include "core/line_reader.hpp"
#include "helpers.hpp"

#include <catch2/catch.hpp>
#include <sys/stat.h>

using namespace recssh;

TEST_CASE("lines are split the same whatever the read sizes", "[core][io]") {
  std::string text = "a\nbb\n\nccc\r\nlast";
  for (std::size_t chunk : {1, 2, 3, 7, 1000}) {
    test::StringSource src(text, chunk);
    LineReader r(src, "t");
    std::vector<std::string> lines;
    std::string_view line;
    while (r.next(line)) lines.emplace_back(line);
    REQUIRE(lines == std::vector<std::string>{"a", "bb", "", "ccc\r", "last"});
    CHECK_FALSE(r.terminated());
    CHECK(r.location() == "t:5");
  }
}

TEST_CASE("gzip output reads back, and a cut stream yields what was flushed", "[core][io][gzip]") {
  test::TempPath p(".cast.gz");
  std::string payload;
  for (int i = 0; i < 20000; ++i) payload += "line " + std::to_string(i) + "\n";
  {
    Output out(p.path, Overwrite::no, true);
    out.sink().write(payload.substr(0, payload.size() / 2));
    out.sink().flush(); // sync flush point
    out.sink().write(payload.substr(payload.size() / 2));
    out.commit();
  }
  Input in = open_input(p.path);
  CHECK(in.gzip);
  std::string back;
  char buf[4096];
  for (std::size_t n; (n = in.source->read(buf, sizeof buf)) > 0;) back.append(buf, n);
  CHECK(back == payload);

  // Cut the file: a crash after the sync flush keeps the first half.
  std::string gz = test::read_file(p.path);
  test::TempPath cut(".cast.gz");
  test::write_file(cut.path, gz.substr(0, gz.size() - 200));
  Diagnostics diag;
  std::vector<std::string> warnings;
  diag.on_warning = [&](const std::string&, const std::string& m) { warnings.push_back(m); };
  Input in2 = open_input(cut.path, &diag);
  std::string partial;
  for (std::size_t n; (n = in2.source->read(buf, sizeof buf)) > 0;) partial.append(buf, n);
  CHECK(partial.size() >= payload.size() / 2);
  CHECK(payload.compare(0, partial.size(), partial) == 0);
  CHECK(warnings.size() == 1);
}

TEST_CASE("an atomic file is all or nothing and never clobbers without leave", "[core][io][atomic]") {
  test::TempPath p(".out");
  {
    AtomicFile f(p.path, Overwrite::no);
    CHECK(::write(f.fd(), "abc", 3) == 3);
    // not committed: destructor removes the temp file
  }
  struct stat st;
  CHECK(::stat(p.path.c_str(), &st) != 0);
  test::write_file(p.path, "precious");
  CHECK_THROWS_WITH(AtomicFile(p.path, Overwrite::no), Catch::Contains("file exists"));
  {
    AtomicFile f(p.path, Overwrite::yes);
    CHECK(::write(f.fd(), "new", 3) == 3);
    CHECK(test::read_file(p.path) == "precious"); // untouched until commit
    f.commit();
  }
  CHECK(test::read_file(p.path) == "new");
}

TEST_CASE("every line has simdjson's padding readable after it", "[core][io]") {
  std::string text;
  for (int len = 0; text.size() < (5u << 20); len = (len * 31 + 7) % 70001) text += std::string(std::size_t(len), 'x') + "\n";
  test::StringSource src(text, 100000);
  LineReader r(src, "t");
  std::string_view line;
  std::size_t n = 0;
  while (r.next(line)) {
    REQUIRE(r.capacity(line) >= line.size() + LineReader::k_padding);
    ++n;
  }
  CHECK(n > 100);
}

TEST_CASE("gathered writes come out in order, with large pieces written from where they are", "[core][io]") {
  // Pieces below and above the direct-write size, larger than the buffer, more than
  // IOV_MAX in one call, mixed with plain writes (small ones, and ones larger than the
  // buffer that go out with the buffered bytes in one writev). Each piece's storage is scribbled
  // over after the call: a sink that kept a pointer to it would write garbage.
  std::uint64_t state = 7;
  auto rnd = [&](std::uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  for (std::size_t buffer : {std::size_t(0), std::size_t(4096), std::size_t(1) << 20}) {
    test::TempPath p(".out");
    std::string expected;
    {
      Fd fd(::open(p.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600));
      REQUIRE(fd.get() >= 0);
      FdSink sink(fd.get(), p.path, buffer);
      for (int call = 0; call < 60; ++call) {
        std::vector<std::string> storage;
        const std::size_t count = call == 7 ? 2500 : rnd(40);
        for (std::size_t i = 0; i < count; ++i) {
          const std::size_t size = call == 7 ? 1100 : rnd(5) == 0 ? 1024 + rnd(9000) : rnd(1024);
          std::string piece(size, '\0');
          for (char& c : piece) c = char('a' + rnd(26));
          storage.push_back(std::move(piece));
        }
        std::vector<std::string_view> pieces(storage.begin(), storage.end());
        sink.write_gather(pieces);
        for (std::string& s : storage) {
          expected += s;
          std::fill(s.begin(), s.end(), '#');
        }
        if (rnd(3) == 0) {
          const std::string plain = "plain write " + std::to_string(call) + "\n";
          sink.write(plain.data(), plain.size());
          expected += plain;
        }
        if (rnd(4) == 0) { // a plain write larger than the buffer, after buffered bytes
          std::string big(4096 + rnd(9000), '\0');
          for (char& c : big) c = char('A' + rnd(26));
          sink.write(big.data(), big.size());
          expected += big;
          std::fill(big.begin(), big.end(), '#');
        }
      }
      sink.flush();
    }
    INFO("buffer " << buffer);
    const std::string got = test::read_file(p.path);
    REQUIRE(got.size() == expected.size());
    CHECK(got == expected);
  }
}

TEST_CASE("cgroup_cpu_quota: the tightest quota along the cgroup's path, v2 and v1", "[core][cpus]") {
  char tmpl[] = "/tmp/recssh-cgroup-XXXXXX";
  REQUIRE(::mkdtemp(tmpl));
  const std::string root = tmpl;
  auto put = [&](const std::string& rel, const std::string& text) {
    REQUIRE(std::system(("mkdir -p '" + root + rel.substr(0, rel.rfind('/')) + "'").c_str()) == 0);
    test::write_file(root + rel, text);
  };
  // A mountinfo line for a cgroup file system: its root, where, v1's options.
  auto mount = [&](const std::string& cg_root, const std::string& at, const std::string& type, const std::string& opts) {
    return "40 31 0:37 " + cg_root + " " + root + at + " rw,relatime - " + type + " cgroup " + opts + "\n";
  };
  const std::string v2 = mount("/", "", "cgroup2", "rw");
  // Nothing there, or no quota: none.
  CHECK_FALSE(cgroup_cpu_quota("0::/user.slice/u.service\n", v2));
  put("/user.slice/u.service/cpu.max", "max 100000\n");
  CHECK_FALSE(cgroup_cpu_quota("0::/user.slice/u.service\n", v2));
  // v2: the unit's own, and an ancestor's when tighter (systemd's CPUQuota=150%).
  put("/user.slice/cpu.max", "150000 100000\n");
  CHECK(cgroup_cpu_quota("0::/user.slice/u.service\n", v2) == 1.5);
  put("/user.slice/u.service/cpu.max", "50000 100000\n");
  CHECK(cgroup_cpu_quota("0::/user.slice/u.service\n", v2) == 0.5);
  // Only the cgroup's own path and those above it count.
  CHECK(cgroup_cpu_quota("0::/user.slice/other.service\n", v2) == 1.5);
  CHECK_FALSE(cgroup_cpu_quota("0::/\n", v2));
  // Not mounted (no mountinfo line): nothing read.
  CHECK_FALSE(cgroup_cpu_quota("0::/user.slice/u.service\n", ""));
  // A container with its own cgroup namespace: "/" is its cgroup, the quota at the root.
  put("/ns/cpu.max", "200000 100000\n");
  CHECK(cgroup_cpu_quota("0::/\n", mount("/", "/ns", "cgroup2", "rw")) == 2.0);
  // Hybrid: v2 at unified, beside v1 hierarchies without the cpu controller's quota.
  put("/unified/user.slice/cpu.max", "50000 100000\n");
  CHECK(cgroup_cpu_quota("1:cpu:/user.slice\n0::/user.slice\n", mount("/", "/unified", "cgroup2", "rw")) == 0.5);
  // v1, the cpu controller mounted alone (and cpuacct apart), as on Debian's hybrid hosts.
  put("/cpu/job/cpu.cfs_quota_us", "100000\n");
  put("/cpu/job/cpu.cfs_period_us", "100000\n");
  const std::string alone = mount("/", "/cpu", "cgroup", "rw,cpu") + mount("/", "/cpuacct", "cgroup", "rw,cpuacct");
  CHECK(cgroup_cpu_quota("2:cpuacct:/job\n1:cpu:/job\n", alone) == 1.0);
  CHECK_FALSE(cgroup_cpu_quota("2:cpuacct:/job\n1:cpu:/\n", alone)); // not the cpu controller's path
  // v1 in a container without a cgroup namespace: the host's path, the container's
  // cgroup at the mount point; its own quota (-1 above it: none) and a tighter one
  // in a cgroup inside it.
  put("/cc/cpu.cfs_quota_us", "300000\n");
  put("/cc/cpu.cfs_period_us", "100000\n");
  const std::string docker = mount("/docker/abc", "/cc", "cgroup", "rw,cpu,cpuacct");
  CHECK(cgroup_cpu_quota("4:cpu,cpuacct:/docker/abc\n", docker) == 3.0);
  put("/cc/inner/cpu.cfs_quota_us", "50000\n");
  put("/cc/inner/cpu.cfs_period_us", "100000\n");
  put("/cc/inner/x/cpu.cfs_quota_us", "-1\n");
  put("/cc/inner/x/cpu.cfs_period_us", "100000\n");
  CHECK(cgroup_cpu_quota("12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc/inner/x\n", docker) == 0.5);
  // Garbage is ignored, not an error.
  put("/bad/cpu.max", "lots 0\n");
  CHECK_FALSE(cgroup_cpu_quota("0::/bad\nnonsense\n", v2 + "nonsense\n - cgroup2\n"));
  std::system(("rm -rf '" + root + "'").c_str());
}

TEST_CASE("cpus_within: the affinity, fewer where the quota allows fewer whole CPUs", "[core][cpus]") {
  CHECK(cpus_within(2, std::nullopt) == 2);
  CHECK(cpus_within(2, 0.5) == 1);
  CHECK(cpus_within(2, 1.5) == 1);
  CHECK(cpus_within(2, 2.0) == 2);
  CHECK(cpus_within(4, 3.0) == 3);
  CHECK(cpus_within(2, 3.0) == 2);
  CHECK(cpus_within(2, 1e12) == 2); // (more than an unsigned holds: no limit)
  CHECK(cpus_within(0, std::nullopt) == 1);
}
