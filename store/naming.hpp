// SPDX-License-Identifier: MIT
#pragma once
// Where recordings go and what they are called. Names are built from untrusted text
// (ssh arguments), so they keep only [A-Za-z0-9._-], are bounded, and can never leave
// the root. Files are created with O_CREAT|O_EXCL|O_NOFOLLOW (a suffix on collision,
// so 50 sessions started in one second get 50 files), mode 0600, in directories of
// mode 0700 that must be real directories owned by us: a planted symlink is refused,
// and a directory of ours that others can write to is made 0700 again.
#include "core/fd.hpp"
#include "core/io.hpp"
#include "core/names.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace recssh::store {

using recssh::sanitize_name;

struct CreatedFile {
  Fd fd;            // open for writing, locked for recording (store/lock.hpp)
  std::string path; // root/sub/.../name
};

// Creates root (and parents) if missing, then each of `subdirs` under it, then a new
// file `stem + ext` (or `stem-2 + ext`, ...). Throws Error with the path at fault.
CreatedFile create_recording_file(const std::string& root, const std::vector<std::string>& subdirs,
                                  const std::string& stem, const std::string& ext);

// A file the user named. An existing file is refused unless `overwrite`; then a regular
// file is replaced by rename (never truncated in place), a device such as /dev/null is
// written as is. New files are 0600 and never follow a symlink.
CreatedFile create_named_file(const std::string& path, Overwrite overwrite);

// A private, locked temporary file next to `path`: DIR/.NAME<infix>XXXXXX<suffix>, 0600.
CreatedFile create_temp_beside(const std::string& path, const std::string& infix, const std::string& suffix);

// A session id: UTC time and 64 random bits, e.g. 20261122T023303Z-9f86d081884c7d65.
std::string new_session_id(std::int64_t unix_seconds);

} // namespace recssh::store
