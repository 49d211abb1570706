// SPDX-License-Identifier: MIT
#pragma once
// How many CPUs this process can keep busy, for choosing how many threads to run: a
// container or a systemd unit (CPUQuota=) may see every CPU of the host but be
// allowed the time of fewer, and threads past that only wait for each other.
#include <optional>
#include <string_view>

namespace recssh {

// The CPUs the process may run on (taskset, a cgroup's cpuset), and no more than its
// cgroup's CPU quota in whole CPUs (at least 1).
unsigned usable_cpus();

// The tightest CPU quota (in CPUs: quota over period) of the cgroup named in
// `proc_self_cgroup` (the text of /proc/self/cgroup) and of those above it that are
// mounted, found through `mountinfo` (the text of /proc/self/mountinfo): cgroup v2's
// cpu.max, v1's cpu.cfs_quota_us over cpu.cfs_period_us. A mount's root is taken off
// the cgroup's path (a container sees its own cgroup at the mount point). nullopt:
// none set, or nothing readable.
std::optional<double> cgroup_cpu_quota(std::string_view proc_self_cgroup, std::string_view mountinfo);

// `affinity` CPUs, fewer where `quota` allows fewer whole ones; at least 1.
unsigned cpus_within(unsigned affinity, std::optional<double> quota);

} // namespace recssh
