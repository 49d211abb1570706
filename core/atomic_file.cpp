// SPDX-License-Identifier: MIT
#include "core/atomic_file.hpp"

#include "core/paths.hpp"
#include "core/signals.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace recssh {

void sync_directory(const std::string& dir) {
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.valid()) ::fsync(d.get());
}

// ---- atomic file ----

AtomicFile::AtomicFile(std::string path, Overwrite overwrite, mode_t mode)
    : m_path(std::move(path)), m_overwrite(overwrite) {
  struct stat st;
  if (overwrite == Overwrite::no && ::lstat(m_path.c_str(), &st) == 0)
    throw Error(m_path + ": file exists (use --overwrite to replace it)");
  m_tmp = dir_of(m_path) + "/." + base_of(m_path) + ".tmp.XXXXXX";
  int fd = ::mkostemp(m_tmp.data(), O_CLOEXEC);
  if (fd < 0) throw_errno("can't create a temporary file next to " + m_path);
  m_fd = Fd(fd);
  m_signal_slot = remember_temp_file(m_tmp.c_str());
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, mode & ~mask);
}

AtomicFile::~AtomicFile() {
  forget_temp_file(m_signal_slot);
  if (!m_committed) ::unlink(m_tmp.c_str());
}

void AtomicFile::commit(DirSync sync) {
  if (::fsync(m_fd.get()) != 0) throw_errno("can't sync " + m_path);
  if (::close(m_fd.release()) != 0) throw_errno("can't write " + m_path);
  if (m_overwrite == Overwrite::no) {
    // Fails with EEXIST instead of replacing: no window where a file that appeared
    // meanwhile is clobbered. renameat2 does it in one step; link+unlink where the
    // file system lacks it.
    int rc = ::renameat2(AT_FDCWD, m_tmp.c_str(), AT_FDCWD, m_path.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
      rc = ::link(m_tmp.c_str(), m_path.c_str());
      if (rc == 0) ::unlink(m_tmp.c_str());
    }
    if (rc != 0) {
      int err = errno;
      if (err == EEXIST) throw Error(m_path + ": file exists (use --overwrite to replace it)");
      throw_errno("can't create " + m_path, err);
    }
  } else if (::rename(m_tmp.c_str(), m_path.c_str()) != 0) {
    throw_errno("can't rename " + m_tmp + " to " + m_path);
  }
  m_committed = true;
  forget_temp_file(std::exchange(m_signal_slot, -1));
  if (sync == DirSync::now) sync_directory(dir_of(m_path));
}

} // namespace recssh
