// SPDX-License-Identifier: MIT
#include "core/cpus.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sched.h>
#include <sstream>
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

// `path` and each directory above it up to "/" ("/a/b", "/a", "/").
std::vector<std::string> self_and_ancestors(std::string path) {
  std::vector<std::string> out;
  while (!path.empty() && path.back() == '/') path.pop_back();
  for (;;) {
    out.push_back(path.empty() ? "/" : path);
    if (path.empty()) return out;
    path.erase(path.rfind('/'));
  }
}

void tighter(std::optional<double>& best, double cpus) {
  if (cpus > 0 && (!best || cpus < *best)) best = cpus;
}

// cpu.max: "max 100000" (none) or "150000 100000".
std::optional<double> v2_quota(const std::string& dir) {
  const auto text = slurp(dir + "/cpu.max");
  if (!text) return std::nullopt;
  std::istringstream in(*text);
  std::string quota;
  double period = 0;
  if (!(in >> quota >> period) || quota == "max" || period <= 0) return std::nullopt;
  try {
    return std::stod(quota) / period;
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<double> v1_quota(const std::string& dir) {
  const auto quota = slurp(dir + "/cpu.cfs_quota_us"), period = slurp(dir + "/cpu.cfs_period_us");
  if (!quota || !period) return std::nullopt;
  try {
    const double q = std::stod(*quota), p = std::stod(*period);
    if (q <= 0 || p <= 0) return std::nullopt; // -1: none
    return q / p;
  } catch (...) {
    return std::nullopt;
  }
}

} // namespace

std::optional<double> cgroup_cpu_quota(std::string_view proc_self_cgroup, const std::string& root) {
  std::optional<double> best;
  std::istringstream lines{std::string(proc_self_cgroup)};
  for (std::string line; std::getline(lines, line);) {
    // "hierarchy-ID:controllers:path"; v2's is "0::/path".
    const auto a = line.find(':'), b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos) continue;
    const std::string controllers = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
    if (path.empty() || path[0] != '/') continue;
    if (controllers.empty()) { // (at root, or at root/unified beside v1's controllers)
      for (const char* mount : {"", "/unified"})
        for (const std::string& dir : self_and_ancestors(path))
          if (auto q = v2_quota(root + mount + (dir == "/" ? "" : dir))) tighter(best, *q);
      continue;
    }
    std::istringstream names(controllers);
    bool cpu = false;
    for (std::string name; std::getline(names, name, ',');) cpu = cpu || name == "cpu";
    if (!cpu) continue;
    for (const char* mount : {"/cpu", "/cpu,cpuacct", "/cpuacct,cpu"})
      for (const std::string& dir : self_and_ancestors(path))
        if (auto q = v1_quota(root + mount + (dir == "/" ? "" : dir))) tighter(best, *q);
  }
  return best;
}

unsigned usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  unsigned n = ::sched_getaffinity(0, sizeof set, &set) == 0 ? unsigned(CPU_COUNT(&set)) : 1;
  if (const auto cgroup = slurp("/proc/self/cgroup"))
    if (const auto quota = cgroup_cpu_quota(*cgroup, "/sys/fs/cgroup"))
      n = std::min(n, unsigned(std::max(1.0, std::floor(*quota))));
  return std::max(n, 1u);
}

} // namespace recssh
