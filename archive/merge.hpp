// SPDX-License-Identifier: MIT
#pragma once
// `recast merge -o OUT FILES...|DIR`: recordings ordered by their header timestamp on
// one continuous timeline. Inputs are streamed one after another (memory does not
// grow with their length, only a little per file); the output is written to a
// temporary file and renamed into place.
#include "archive/join.hpp"
#include "core/errors.hpp"

#include <functional>
#include <string>
#include <vector>

namespace recssh::archive {

struct MergeOptions {
  GapPolicy gap;              // default: the real gap, capped at the idle limit if any
  bool allow_overlap = false; // otherwise overlapping sessions are an error
  bool overwrite = false;
  std::string format = "v2";  // the writer (registry name) of the output
  bool gzip = false;
  Diagnostics* diag = nullptr;
  // Called after each input is merged (`recast merge -v` names it).
  std::function<void(const std::string& path)> on_merged = nullptr;
};

struct MergeInput {
  std::string path;
  std::int64_t timestamp = 0;
  std::string sha256;
};

struct MergeResult {
  std::uint64_t inputs = 0, events = 0;
  std::vector<std::string> overlaps; // "A overlaps B by N s" (with allow_overlap)
};

// Expands directories (recursively: *.cast, *.cast.gz, *.json) and orders by header
// timestamp, then path. Throws Error naming a file without a timestamp.
std::vector<MergeInput> collect_inputs(const std::vector<std::string>& paths, Diagnostics* diag);

MergeResult merge_casts(const std::vector<MergeInput>& inputs, const std::string& out, const MergeOptions& o);

} // namespace recssh::archive
