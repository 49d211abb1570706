// SPDX-License-Identifier: MIT
#pragma once
// Every recording under a root, in a stable order (by path), in either layout and in
// any directory structure below it, with what rotate, review and shipping need to
// know before they touch one: size, age, compression, whether it is still being
// recorded, and who owns it and the directory it is in (the only identity that root
// can trust in a root where users write: see recast(1), THREAT MODEL). Memory stays
// flat: one directory's names at a time, per level.
#include <cstdint>
#include <functional>
#include <string>
#include <sys/stat.h>

namespace recssh::store {

enum class State { recording, finished };

struct Recording {
  std::string path;      // ROOT/.../NAME.cast[.gz]
  std::string dir;       // the directory it is in (a day directory in the day layout)
  std::string rel_dir;   // the same, relative to ROOT ("" for ROOT itself)
  std::string name;      // NAME.cast[.gz]
  std::int64_t mtime = 0;
  std::uint64_t size = 0;
  bool gzip = false;
  State state = State::finished; // recording: a recorder holds its lock (lock.hpp)
  uid_t uid = 0;                 // the file's owner
  gid_t gid = 0;
  uid_t dir_uid = 0;             // the owner of the directory it is in
  dev_t dev = 0;                 // the inode that was seen: whoever acts on it later
  ino_t ino = 0;                 // checks that the name still leads there
};

// A directory below ROOT about to be entered, as opened (O_NOFOLLOW, fstat).
struct Directory {
  std::string path; // ROOT/...
  std::string rel;  // relative to ROOT
  int depth = 1;    // 1: a direct child of ROOT
  struct stat st {};
  uid_t parent_uid = 0;
};

struct WalkOptions {
  // Hidden files (".NAME": temporary files, staging, journals), which are not
  // recordings; hidden directories are never entered.
  std::function<void(const std::string& path)> on_hidden_file = nullptr;
  // Called before a directory is entered; false leaves it (and all below) out.
  std::function<bool(const Directory& dir)> enter = nullptr;
  // Port forwards' captures (NAME.pcap[.gz], see placement.hpp), which are not
  // recordings but live beside them and age like them (rotate).
  std::function<void(const Recording& capture)> on_capture = nullptr;
};

// Calls `visit` for each regular file with a recording's name (layout.hpp) below
// `root`, never following a symlink. Throws Error when root cannot be listed.
void walk(const std::string& root, const std::function<void(const Recording&)>& visit,
          const WalkOptions& options = {});

} // namespace recssh::store
