// SPDX-License-Identifier: MIT
#pragma once
// Files that appear whole or not at all: written under a temporary name and renamed
// over the target; and directory syncs that make such renames durable.
#include "core/errors.hpp"
#include "core/fd.hpp"

#include <string>
#include <sys/types.h>

namespace recssh {

enum class Overwrite { no, yes };

// A file written under a temporary name in the target's directory and renamed over
// the target by commit(). If commit() is never called the temp file is removed, so
// the target is either untouched or complete (after a fatal SIGINT or SIGTERM too,
// where remove_temp_files_on_signals() is in force). With Overwrite::no an existing target
// is refused up front and again, atomically, at the rename.
class AtomicFile {
public:
  AtomicFile(std::string path, Overwrite overwrite, mode_t mode = 0644);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  int fd() const { return m_fd.get(); }
  const std::string& path() const { return m_path; }
  // fsync, rename, and fsync the directory, unless the caller syncs the directory
  // itself later (once for many files).
  enum class DirSync { now, later };
  void commit(DirSync sync = DirSync::now);

private:
  std::string m_path, m_tmp;
  Overwrite m_overwrite;
  Fd m_fd;
  bool m_committed = false;
  int m_signal_slot = -1; // core/signals.hpp: removed if a signal kills the process
};

// fsync of a directory, so entries created, renamed or removed in it are durable.
void sync_directory(const std::string& dir);

} // namespace recssh
