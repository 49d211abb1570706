// SPDX-License-Identifier: MIT
#include "core/cpus.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sched.h>
#include <sstream>
#include <string>
#include <vector>

namespace recssh {

namespace {

std::optional<std::string> slurp(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<double> number(const std::string& s) {
  try {
    return std::stod(s);
  } catch (...) {
    return std::nullopt;
  }
}

// cpu.max: "max 100000" (none) or "150000 100000".
std::optional<double> v2_quota(const std::string& dir) {
  const auto text = slurp(dir + "/cpu.max");
  if (!text) return std::nullopt;
  std::istringstream in(*text);
  std::string quota, period;
  if (!(in >> quota >> period) || quota == "max") return std::nullopt;
  const auto q = number(quota), p = number(period);
  return q && p && *q > 0 && *p > 0 ? std::optional(*q / *p) : std::nullopt;
}

// cpu.cfs_quota_us (-1: none) over cpu.cfs_period_us.
std::optional<double> v1_quota(const std::string& dir) {
  const auto quota = slurp(dir + "/cpu.cfs_quota_us"), period = slurp(dir + "/cpu.cfs_period_us");
  if (!quota || !period) return std::nullopt;
  const auto q = number(*quota), p = number(*period);
  return q && p && *q > 0 && *p > 0 ? std::optional(*q / *p) : std::nullopt;
}

// A cgroup file system as /proc/self/mountinfo lists it.
struct CgroupMount {
  std::string root;  // the cgroup at the mount point
  std::string point;
  bool v2 = false;
  bool cpu = false;  // v1: the cpu controller is in this hierarchy
};

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto octal = [&](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '7'; };
    if (s[i] == '\\' && octal(i + 1) && octal(i + 2) && octal(i + 3)) {
      out += char(std::stoi(s.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// "36 35 0:30 /docker/abc /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct"
std::vector<CgroupMount> cgroup_mounts(std::string_view mountinfo) {
  std::vector<CgroupMount> out;
  std::istringstream lines{std::string(mountinfo)};
  for (std::string line; std::getline(lines, line);) {
    std::istringstream in(line);
    std::vector<std::string> f;
    for (std::string w; in >> w;) f.push_back(w);
    const auto dash = std::find(f.begin(), f.end(), "-");
    if (f.size() < 5 || dash == f.end() || f.end() - dash < 4) continue;
    const std::string& type = dash[1];
    if (type != "cgroup" && type != "cgroup2") continue;
    CgroupMount m{unescape(f[3]), unescape(f[4]), type == "cgroup2", false};
    std::istringstream options(dash[3]);
    for (std::string o; std::getline(options, o, ',');) m.cpu = m.cpu || o == "cpu";
    out.push_back(std::move(m));
  }
  return out;
}

// Where the cgroup at `path` is under `m`'s mount point, and each one above it there.
std::vector<std::string> dirs_of(const std::string& path, const CgroupMount& m) {
  std::string rel = "/";
  if (m.root == "/") rel = path;
  else if (path.compare(0, m.root.size(), m.root) == 0 && (path.size() == m.root.size() || path[m.root.size()] == '/'))
    rel = path.substr(m.root.size());
  while (rel.size() > 1 && rel.back() == '/') rel.pop_back();
  std::vector<std::string> out;
  for (;;) {
    out.push_back(m.point + (rel == "/" || rel.empty() ? "" : rel));
    if (rel.size() <= 1) return out;
    rel.erase(std::max<std::size_t>(rel.rfind('/'), 1));
  }
}

} // namespace

std::optional<double> cgroup_cpu_quota(std::string_view proc_self_cgroup, std::string_view mountinfo) {
  const auto mounts = cgroup_mounts(mountinfo);
  std::optional<double> best;
  auto tighter = [&](std::optional<double> q) {
    if (q && (!best || *q < *best)) best = q;
  };
  std::istringstream lines{std::string(proc_self_cgroup)};
  for (std::string line; std::getline(lines, line);) {
    // "hierarchy-ID:controllers:path"; v2's is "0::/path".
    const auto a = line.find(':'), b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos || b + 1 >= line.size() || line[b + 1] != '/') continue;
    const std::string controllers = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
    bool cpu = false;
    std::istringstream names(controllers);
    for (std::string name; std::getline(names, name, ',');) cpu = cpu || name == "cpu";
    for (const CgroupMount& m : mounts) {
      if (controllers.empty() ? !m.v2 : (m.v2 || !cpu || !m.cpu)) continue;
      for (const std::string& dir : dirs_of(path, m)) tighter(m.v2 ? v2_quota(dir) : v1_quota(dir));
    }
  }
  return best;
}

unsigned cpus_within(unsigned affinity, std::optional<double> quota) {
  // (compared as doubles: a quota of more CPUs than an unsigned holds is no limit)
  if (quota && *quota < double(affinity)) affinity = unsigned(std::max(1.0, std::floor(*quota)));
  return std::max(affinity, 1u);
}

unsigned usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  const unsigned affinity = ::sched_getaffinity(0, sizeof set, &set) == 0 ? unsigned(CPU_COUNT(&set)) : 1;
  // The quota is read once per process (cgroup, mountinfo and a file or two under the
  // cgroup's mount: the cast reader asks for every large file it opens, grep and ls
  // for every archive); the affinity every time, which is one system call. (A quota
  // changed later, or a move to another cgroup, is not seen by a running process.)
  static const std::optional<double> quota = [] {
    const auto cgroup = slurp("/proc/self/cgroup"), mountinfo = slurp("/proc/self/mountinfo");
    return cgroup && mountinfo ? cgroup_cpu_quota(*cgroup, *mountinfo) : std::nullopt;
  }();
  return cpus_within(affinity, quota);
}

} // namespace recssh
