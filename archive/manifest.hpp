// SPDX-License-Identifier: MIT
#pragma once
// Day manifests: what a day directory held when it was sealed, so that a recording
// deleted, added or swapped together with its seal is visible. DIR/.recssh-manifest
// is JSON lines: a head (the day, and the SHA-256 of the previous day's manifest: the
// days form a chain), one entry per sealed recording (name, final hash, lines,
// bytes), tombstones for recordings deleted on purpose (name, final hash, time), then
// {"manifest": SHA-256 of every byte before that line} and its SSH signature. The
// port forwards' captures (NAME.pcap) are listed too, with "kind": "pcap": they have
// no line chain, so their "final" is the SHA-256 of their bytes (uncompressed, so
// that rotation's gzip keeps it) and "lines" is 0.
#include "archive/seal.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace recssh::archive {

inline constexpr const char* k_manifest_name = ".recssh-manifest";
// Deletions on purpose (retention) go into a file of their own, DIR/.recssh-tombstones,
// one record per deleted recording, each followed by its signature: the manifest
// itself never changes after it is written, since the next day's chains to its bytes.
inline constexpr const char* k_tombstones_name = ".recssh-tombstones";

struct ManifestEntry {
  std::string file, final;
  std::uint64_t lines = 0, bytes = 0;
  bool capture = false; // "kind": "pcap"
};
// The SHA-256 and length of a capture's bytes (inflated when it is NAME.pcap.gz).
std::pair<std::string, std::uint64_t> capture_hash(const std::string& path);
struct Tombstone {
  std::string file, final;
  std::int64_t time = 0;
};
struct Manifest {
  std::string day, previous_day, previous; // previous: SHA-256 of that day's manifest
  std::vector<ManifestEntry> files;
  std::vector<Tombstone> deleted;
  std::string hash;          // as written in the file
  std::string computed_hash; // of the bytes before the hash line, as read
  std::string hash_line;     // the exact line the signature covers
  std::string signature;
};

std::string manifest_path(const std::string& dir);
Manifest read_manifest(const std::string& path); // throws FormatError naming file:line

struct DaySealResult {
  std::string manifest;
  std::size_t files = 0, newly_sealed = 0;
  bool signed_ = false;
};
// Seals every finished recording in `dir` that is not sealed yet and (re)writes its
// manifest: entries are only ever added (a recording that has gone stays listed, so
// verify reports it), a changed final hash is refused unless options.overwrite.
DaySealResult seal_day(const std::string& dir, const SealOptions& options);
// The same for a day the caller holds open (rotate, as root in users' trees): `dir` is
// the path for the day's own files (/proc/self/fd/N of the held directory), `parent`
// the one for its siblings (where the previous day's manifest is), `day` its name.
struct DayPlace {
  std::string dir, parent, day;
};
DaySealResult seal_day(const DayPlace& place, const SealOptions& options);

struct DayCheck {
  bool ok = true;
  std::vector<std::string> problems; // one line each, for people
  std::string signer;
};
DayCheck verify_day(const std::string& dir, const VerifyOptions& options);

// Appends a tombstone for `file` (sealed with `final`) to the day directory held open
// as `dirfd` (relative to it, never following a symlink: rotate runs as root in
// users' trees), signed with `key` when one is given. Throws Error.
void add_tombstone(int dirfd, const std::string& shown_dir, const Tombstone& t, const std::string& key);

} // namespace recssh::archive
