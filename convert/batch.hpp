// SPDX-License-Identifier: MIT
#pragma once
// `recast convert -r DIR -o OUTDIR`: every legacy recording under DIR converted into
// OUTDIR at the same relative path (NAME.cast). How files group into recordings is
// each format's (FormatInfo::tree, probe_dir): script(1) typescripts are paired with
// their timing files by name, sudo I/O log directories are one recording each, an
// audit.log with its rotated copies gives a directory of per-session casts.
// Outputs that exist are skipped unless forced; one failure does not stop the rest.
#include "convert/convert_file.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace recssh::convert {

// Where a batch is: called before each recording and once at the end (current "").
struct BatchProgress {
  std::size_t files_done = 0, files = 0;
  std::uint64_t bytes_done = 0, bytes = 0;
  std::string current; // the input being converted
};

struct BatchOptions {
  std::string root, out_dir;
  bool force = false;
  bool verbose = false;  // also name the files that are not recordings
  ConvertJob job;        // format choices for every conversion
  std::function<void(const BatchProgress&)> on_progress = nullptr;
  Diagnostics* diag = nullptr; // the conversions' warnings (nullptr: stderr)
};

struct BatchSummary {
  std::uint64_t converted = 0, skipped = 0, failed = 0, ignored = 0;
  std::uint64_t bytes = 0;
  std::vector<std::pair<std::string, std::string>> failures; // input, reason
  std::vector<std::pair<std::string, std::string>> skips;    // input, reason
};

BatchSummary convert_tree(const BatchOptions& options);

// A legacy recording found in a tree: the path `recast convert` is given (a file, a
// sudo I/O log directory, a script(1) timing file that names its typescript), or for
// a group (an audit.log and its rotated copies) the group's path and its files.
struct TreeSource {
  std::string input;
  std::vector<std::string> inputs; // a group's files; empty otherwise
  const FormatInfo* format = nullptr;
  std::string output; // its conversion's path relative to an output root
  std::uint64_t bytes = 0;
  std::string named;  // the file it is known by (a typescript, not its timing file)
};

struct TreeScan {
  std::vector<TreeSource> sources;
  std::uint64_t skipped = 0, ignored = 0; // links not followed; files that are not legacy recordings
  std::vector<std::pair<std::string, std::string>> skips; // the skipped (and with verbose the ignored), why
};

// Every legacy recording below `root` (not asciicast files: the store's walk finds
// those), in path order; symbolic links never followed; `exclude` (given absolute
// paths) leaves a path and all below it out. Throws Error if root is no directory.
TreeScan find_sources(const std::string& root, bool verbose,
                      const std::function<bool(const std::string& path)>& exclude = nullptr);

} // namespace recssh::convert
