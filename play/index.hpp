// SPDX-License-Identifier: MIT
#pragma once
// The sidecar index: a recording's keyframes, markers and duration kept between plays
// under $XDG_CACHE_HOME/recssh/play/ (~/.cache/...), one file per recording named by a
// hash of its real path (and stream and format), 0600 in a 0700 directory (the snapshots hold what the screen
// showed). It names the file's size, mtime and a hash of its first 64 KiB; an index
// whose file changed is stale, and the player builds a new one.
#include "play/keyframes.hpp"

#include <optional>
#include <string>
#include <vector>

namespace recssh::play {

struct FileIdentity {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string head_sha256;
  bool operator==(const FileIdentity&) const = default;
};

struct Index {
  FileIdentity file;
  std::uint64_t interval = 0;
  std::optional<Micros> duration;
  std::vector<Keyframe> keyframes;
  std::vector<Marker> markers;
};

// The identity of a regular file; nullopt for anything else.
std::optional<FileIdentity> identify(const std::string& path);
// Where the index of `path` lives under `cache_dir` (the recssh/play directory). The
// stream played and the format it was read as are part of the key: they change what
// the screens were.
std::string index_path(const std::string& cache_dir, const std::string& path, const std::string& stream,
                       const std::string& from);
// $XDG_CACHE_HOME/recssh/play, else $HOME/.cache/recssh/play; empty when neither is set.
std::string default_cache_dir();

enum class IndexState { missing, stale, older, fresh };
// Reads the index at `file`; `state` says why nothing was returned. A damaged index
// counts as stale; one an earlier recast wrote in another form is older.
std::optional<Index> load_index(const std::string& file, const FileIdentity& id, IndexState& state);
// Writes it atomically (temp + rename), creating the directories. Throws Error.
void save_index(const std::string& file, const Index& index);

} // namespace recssh::play
