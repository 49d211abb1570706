// SPDX-License-Identifier: MIT
#pragma once
// The shipped journal: what `recast ship` has put where, so that a later run skips a
// recording without asking the store, `recast ship --status` answers without the
// network, and rotate deletes a recording only once its bytes are known to be off the
// host. One append-only file of lines, each written whole with one write(2) and
// fsync'd: a crash leaves at most a torn last line, which is ignored (and the next
// append starts on a fresh line). The latest line for a file and target wins;
// superseded lines, and entries whose path no longer leads to their file, are dropped
// by rewriting the file (temp + rename) when they outnumber the rest. Paths are
// absolute.
//
// It lives in the effective user's private state directory (state.hpp:
// STATE/ship/shipped.journal), never under a recordings root: a user of a shared
// root must not be able to say that a recording was shipped, or rotate would delete
// it. A journal that is not a private file of the effective user is refused.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <sys/types.h>
#include <unordered_map>
#include <vector>

namespace recssh::store {

// Which file, as it was when it was shipped: any change (an append, a rewrite, a new
// file with a reused inode) makes it another file.
struct FileIdentity {
  dev_t dev = 0;
  ino_t ino = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};
FileIdentity identity_of(const struct stat& st);

enum class ShipState { shipped, conflict, failed };
const char* ship_state_name(ShipState s);

struct ShipEntry {
  std::int64_t time = 0; // when (seconds since the epoch)
  ShipState state = ShipState::failed;
  FileIdentity id;
  std::string sha256;   // of the bytes shipped (empty for a failure before hashing)
  std::string target;   // s3://BUCKET/PREFIX
  std::string endpoint; // where that bucket was reached
  std::string key;      // the object's key (the conflict key for a conflict)
  std::string path;     // the file's name then, for people
  std::string message;  // a failure's error
};

class ShippedJournal {
public:
  // The default journal: $RECSSH_SHIP_JOURNAL, else STATE/ship/shipped.journal.
  static std::string default_path();

  // Reads the journal at `path` (none yet: empty). `writable` makes its private
  // directory and allows record(); a read-only journal never creates anything.
  ShippedJournal(std::string path, bool writable);

  const std::string& path() const { return m_path; }
  // Lines that could not be read (a torn last line, damage): ignored.
  std::size_t skipped_lines() const { return m_skipped; }

  // The latest entry for this file (dev, inode) and target (and endpoint, unless it
  // is empty), a copy (other threads may record meanwhile). The caller compares its identity: one that differs is a changed file.
  std::optional<ShipEntry> find(const FileIdentity& id, const std::string& target,
                                const std::string& endpoint = "") const;
  // The latest entry for this file for any target.
  std::optional<ShipEntry> find_any(const FileIdentity& id) const;
  // Whether bytes with this SHA-256 were shipped (or shipped under a conflict key) to
  // `target` (any target when empty).
  bool has_content(const std::string& sha256, const std::string& target) const;

  // Appends `entry` and syncs it; thread-safe. Throws Error.
  void record(const ShipEntry& entry);
  // A file that replaced a shipped one with the same content (rotate's gzip of it):
  // every shipped or conflict entry of `from` is recorded again for `to`, so that the
  // new file counts as shipped where the old one was.
  void carry(const FileIdentity& from, const FileIdentity& to, const std::string& path);

private:
  void load();
  void remember(ShipEntry e);
  void compact(std::vector<ShipEntry> keep);
  void append_line(const std::string& line);

  std::string m_path;
  bool m_writable;
  std::size_t m_skipped = 0, m_lines = 0;
  std::vector<ShipEntry> m_entries; // latest per (file, target, endpoint)
  std::unordered_map<std::string, std::size_t> m_by_file;   // file+target+endpoint → entry
  std::unordered_map<std::string, std::size_t> m_any;       // file → its latest entry
  std::unordered_map<std::string, std::vector<std::string>> m_content; // sha256 → targets
  mutable std::mutex m_mutex;
};

} // namespace recssh::store
