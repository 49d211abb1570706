// SPDX-License-Identifier: MIT
#pragma once
// The journal of a daily merge, written before the merged file is renamed into place
// and removed once every input is gone, so that a rotate killed at any point is
// completed or rolled back by the next one. It lives with rotate's lock in its state
// directory (rotation.hpp), where no other user can write. Every name in it is
// relative: one directory below the root and plain file names in it, each input with
// the inode it had, so that recovery removes only what the merge consumed:
//   recast-rotate-journal 2
//   dir 2026-11-22 / merge daily-alice-db1.cast / staging .daily-alice-db1.cast.staging.cast
//   input DEV INO NAME (one line per input)
// A journal that does not follow these rules is refused whole, never acted on.
#include "store/tree.hpp"

#include <optional>
#include <string>
#include <vector>

namespace recssh::archive {

struct MergeJournal {
  struct Input {
    std::string name;
    store::FileId id;
  };
  std::string dir; // relative to the root
  std::string final_name;
  std::string staging;
  std::vector<Input> inputs;
};

// Written through a temporary file and renamed, so it is either whole or absent.
void write_journal(const std::string& path, const MergeJournal& j);

// nullopt when there is no journal. Throws Error when it exists but is not a regular
// file owned by this user and writable by no one else, or breaks a rule above.
std::optional<MergeJournal> read_journal(const std::string& path);

} // namespace recssh::archive
