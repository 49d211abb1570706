// SPDX-License-Identifier: MIT
#pragma once
// `recast convert -r DIR -o OUTDIR`: every legacy recording under DIR converted into
// OUTDIR at the same relative path (NAME.cast). script(1) typescripts are paired with
// their timing files by name, sudo I/O log directories are one recording each, an
// audit.log with its rotated copies gives a directory of per-session casts.
// Outputs that exist are skipped unless forced; one failure does not stop the rest.
#include "convert/convert_file.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace recssh::convert {

struct BatchOptions {
  std::string root, out_dir;
  bool force = false;
  bool progress = false; // a progress line on stderr (a terminal)
  bool verbose = false;  // also name the files that are not recordings
  ConvertJob job;        // format choices for every conversion
};

struct BatchSummary {
  std::uint64_t converted = 0, skipped = 0, failed = 0, ignored = 0;
  std::uint64_t bytes = 0;
  std::vector<std::pair<std::string, std::string>> failures; // input, reason
  std::vector<std::pair<std::string, std::string>> skips;    // input, reason
};

BatchSummary convert_tree(const BatchOptions& options);

} // namespace recssh::convert
