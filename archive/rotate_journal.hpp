// SPDX-License-Identifier: MIT
#pragma once
// The journal of a daily merge (ROOT/.recast-rotate.journal), written before the
// merged file is renamed into place and removed once every input is gone, so that a
// rotate killed at any point is completed or rolled back by the next one:
//   merge FINAL / staging STAGING / input PATH (one line per input)
#include <optional>
#include <string>
#include <vector>

namespace recssh::archive {

struct MergeJournal {
  std::string final_path;
  std::string staging;
  std::vector<std::string> inputs;
};

// Written through a temporary file and renamed, so it is either whole or absent.
void write_journal(const std::string& path, const MergeJournal& j);

// nullopt when there is no journal; throws Error when it exists but is unreadable.
std::optional<MergeJournal> read_journal(const std::string& path);

} // namespace recssh::archive
