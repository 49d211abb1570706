// SPDX-License-Identifier: MIT
#pragma once
// `recast append BASE MORE...`: the events of MORE continue BASE's timeline. BASE's
// bytes are copied unchanged into a temporary file next to it, the new events are
// added, and the result replaces BASE by rename: a crash leaves the old or the new
// BASE, never a half-written one. A .gz BASE gets a new gzip member (concatenated
// members are one valid gzip stream).
#include "archive/join.hpp"
#include "core/errors.hpp"

#include <string>
#include <vector>

namespace recssh::archive {

struct AppendOptions {
  GapPolicy gap;             // default: cap at BASE's idle_time_limit, else 2 s
  Diagnostics* diag = nullptr;
};

struct AppendResult {
  std::uint64_t events = 0; // events appended (join markers and resizes excluded)
  Micros end{0};            // time of BASE's last event afterwards
};

AppendResult append_casts(const std::string& base, const std::vector<std::string>& more, const AppendOptions& o);

} // namespace recssh::archive
