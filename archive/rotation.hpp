// SPDX-License-Identifier: MIT
#pragma once
// The steps of one `recast rotate` run (rotate.hpp), private to archive/: rotate.cpp
// finds the files and expires them, rotate_merge.cpp merges finished days (and
// recovers an interrupted merge), rotate_compress.cpp gzips (and recovers an
// interrupted compress). Every step logs what it does through the caller's callback.
#include "archive/rotate.hpp"
#include "store/lock.hpp"

#include <set>
#include <vector>

namespace recssh::archive {

// Test hook: RECSSH_ROTATE_CRASH_AT=<point> kills the process there (fault injection).
void crash_point(const char* name);
// unlink, where a file already gone is fine.
void remove_file(const std::string& path);
void set_mtime(int fd, std::int64_t mtime);

class Rotation {
public:
  Rotation(std::string root, const RotatePolicy& p, const std::function<void(const std::string&)>& log);
  RotateReport run();

private:
  struct Rec {
    std::string path;
    std::int64_t mtime = 0;
    bool gz = false;
  };

  std::string journal() const { return m_root + "/.recast-rotate.journal"; }
  void say(const std::string& what) { m_log((m_p.dry_run ? "would " : "") + what); }
  void failure(const std::string& what);

  // rotate.cpp
  void scan();
  void stale_temp(const std::string& path);
  void retain();
  void remove_empty_days();
  // rotate_merge.cpp
  void recover_journal();
  void merge_daily();
  std::int64_t merge_group(const std::string& final_path, const std::vector<std::string>& paths);
  // rotate_compress.cpp
  void recover_compress();
  void compress();
  void gzip_file(const Rec& f, const std::string& target);

  std::string m_root;
  RotatePolicy m_p;
  const std::function<void(const std::string&)>& m_log;
  std::int64_t m_now;
  std::optional<store::LockFile> m_lock;
  std::vector<Rec> m_files;
  std::vector<std::string> m_temps;
  std::set<std::string> m_touched_dirs;
  RotateReport m_report;
};

} // namespace recssh::archive
