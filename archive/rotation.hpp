// SPDX-License-Identifier: MIT
#pragma once
// The steps of one `recast rotate` run (rotate.hpp), private to archive/: rotate.cpp
// finds the files, decides which it may touch, and expires them; rotate_state.cpp
// keeps the lock and journal where no other user can write; rotate_merge.cpp merges
// finished days (and recovers an interrupted merge), rotate_compress.cpp gzips (and
// recovers an interrupted compress). Every step logs what it does through the
// caller's callback.
//
// Root runs this over a root where users write (recast(1), THREAT MODEL), so every
// step that changes or reads a file works relative to a directory fd opened from the
// held root fd without following symlinks (store/tree.hpp), and acts on a file only
// while its name still leads to the inode that was checked.
#include "archive/manifest.hpp"
#include "archive/rotate.hpp"
#include "core/fd.hpp"
#include "store/lock.hpp"
#include "store/shipped.hpp"
#include "store/tree.hpp"
#include "store/walk.hpp"

#include <map>
#include <optional>
#include <set>
#include <vector>

namespace recssh::archive {

// Test hooks: RECSSH_ROTATE_CRASH_AT=<point> kills the process there (fault
// injection); RECSSH_ROTATE_STOP_AT=<point> stops it there (SIGSTOP) so that a test
// can change the tree under it, then continue it.
void crash_point(const char* name);
void set_mtime(int fd, std::int64_t mtime);

class Rotation {
public:
  Rotation(std::string root, const RotatePolicy& p, const std::function<void(const std::string&)>& log);
  RotateReport run();

private:
  struct Rec {
    std::string path;    // shown: ROOT/REL_DIR/NAME
    std::string rel_dir; // relative to the root; "" for the root itself
    std::string name;
    std::int64_t mtime = 0;
    bool gz = false;
    uid_t uid = 0;
    gid_t gid = 0;
    store::FileId id;
    uid_t owner = 0; // whose it is (rotate_merge.cpp): uid, or the directory's owner for ours
  };

  // Files and directories of these users are rotate's own: the running user's and
  // root's (no one else can make a file theirs).
  bool trusted(uid_t uid) const { return uid == m_euid || uid == 0; }
  void say(const std::string& what) { m_log((m_p.dry_run ? "would " : "") + what); }
  void failure(const std::string& what);
  std::string shown_dir(const std::string& rel) const { return rel.empty() ? m_root : m_root + "/" + rel; }
  // The directory ROOT/rel, opened from the held root fd without following symlinks.
  Fd open_dir(const std::string& rel) const { return store::open_below(m_root_fd.get(), rel, shown_dir(rel)); }
  // /proc/self/fd/N/NAME of a directory this run holds: for the path-based readers and
  // writers, resolved through the held directory, never through its name.
  static std::string at(const Fd& dir, const std::string& name) { return store::fd_path(dir.get()) + "/" + name; }

  // rotate_state.cpp
  void open_state();
  std::string journal() const { return m_state_dir + "/" + m_state_prefix + "journal"; }
  // Where a merge's private view of its inputs goes (rotate_merge.cpp): PREFIX + XXXXXX.
  std::string view_prefix() const { return m_state_dir + "/" + m_state_prefix + "inputs."; }
  // rotate.cpp
  bool enter_dir(const store::Directory& d);
  void scan();
  void stale_temp(const std::string& path);
  void retain();
  std::optional<Tombstone> tombstone_for(int dirfd, const Rec& f);
  void remove_empty_days();
  // rotate_merge.cpp
  void remove_stale_views();
  void recover_journal();
  void merge_daily();
  Rec merge_group(const std::string& rel_dir, const std::string& final_name, const std::vector<const Rec*>& files,
                  uid_t owner);
  // rotate_seal.cpp
  // Seals `f` (in the held `dir`) unless it has a seal.
  void seal_unsealed(const Fd& dir, const Rec& f);
  // For a merge: seals `f` if need be, checks that its seal verifies (throws Error
  // naming why not) and returns what the daily file's seal lists for it: itself, and
  // when it is an earlier daily file, the inputs its own seal lists.
  std::vector<store::SealSource> merge_sources(const Fd& dir, const Rec& f);
  // Writes the manifest of every finished day that has none yet (after merging and
  // compressing: written once, since the next day's manifest chains to its bytes).
  void write_manifests();
  bool has_manifest(const std::string& rel_dir) const;
  // rotate_shipped.cpp
  void open_shipped();
  // Whether the journal has `f`'s content as shipped to the required target.
  bool shipped(const Fd& dir, const Rec& f);
  // After `f` was replaced by its .gz: the .gz counts as shipped wherever `f` did.
  void carry_shipped(const Fd& dir, const struct stat& plain, const Rec& f);
  // rotate_compress.cpp
  void recover_compress();
  void compress();
  void gzip_file(const Fd& dir, const Rec& f);
  // rotate_captures.cpp: port forwards' captures age like recordings, on their own
  // mtime (a merge leaves its inputs' captures without a cast of the same name).
  void retain_captures();
  void compress_captures();

  std::string m_root;
  RotatePolicy m_p;
  const std::function<void(const std::string&)>& m_log;
  std::int64_t m_now;
  uid_t m_euid;
  Fd m_root_fd;
  bool m_shared_root = false;     // writable by others, or not ours: state kept outside it
  std::string m_state_dir;        // where the lock and journal are
  std::string m_state_prefix;     // their names' prefix there
  bool m_journal_pending = false; // a journal exists that this run did not resolve
  std::optional<store::LockFile> m_lock;
  std::optional<store::ShippedJournal> m_shipped;
  std::vector<Rec> m_files;
  std::vector<Rec> m_captures; // finished, old enough, and acted on as recordings are
  std::vector<std::string> m_temps;
  std::set<std::string> m_touched_dirs; // relative
  std::set<std::string> m_open_dirs;    // relative: holding a recording being recorded or too recent
  RotateReport m_report;
};

} // namespace recssh::archive
