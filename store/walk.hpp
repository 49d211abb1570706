// SPDX-License-Identifier: MIT
#pragma once
// Every recording under a root, in a stable order (by path), in either layout and in
// any directory structure below it, with what rotate, review and shipping need to
// know before they touch one: size, age, compression, and whether it is still being
// recorded. Memory stays flat: one directory's names at a time, per level.
#include <cstdint>
#include <functional>
#include <string>

namespace recssh::store {

enum class State { recording, finished };

struct Recording {
  std::string path;      // ROOT/.../NAME.cast[.gz]
  std::string dir;       // the directory it is in (a day directory in the day layout)
  std::int64_t mtime = 0;
  std::uint64_t size = 0;
  bool gzip = false;
  State state = State::finished; // recording: a recorder holds its lock (lock.hpp)
};

struct WalkOptions {
  // Hidden files (".NAME": temporary files, staging, journals), which are not
  // recordings; hidden directories are never entered.
  std::function<void(const std::string& path)> on_hidden_file = nullptr;
};

// Calls `visit` for each regular file with a recording's name (layout.hpp) below
// `root`, never following a symlink. Throws Error when root cannot be listed.
void walk(const std::string& root, const std::function<void(const Recording&)>& visit,
          const WalkOptions& options = {});

} // namespace recssh::store
