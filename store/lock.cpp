// SPDX-License-Identifier: MIT
#include "store/lock.hpp"

#include "core/errors.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::store {

bool try_lock(int fd) { return ::flock(fd, LOCK_EX | LOCK_NB) == 0; }

bool try_lock_shared(int fd) { return ::flock(fd, LOCK_SH | LOCK_NB) == 0; }

namespace {
bool held_by_another(const Fd& fd) {
  return fd.valid() && ::flock(fd.get(), LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
}
} // namespace

bool is_being_recorded(const std::string& path) {
  return held_by_another(Fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)));
}

bool is_being_recorded_fd(int fd) {
  if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
    ::flock(fd, LOCK_UN);
    return false;
  }
  return errno == EWOULDBLOCK;
}

bool is_being_recorded_at(int dirfd, const std::string& name) {
  return held_by_another(Fd(::openat(dirfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)));
}

LockFile::LockFile(const std::string& path, const std::string& busy_message) : m_path(path) {
  m_fd = Fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!m_fd.valid()) throw Error("cannot open " + path + ": " + std::strerror(errno));
  // Someone else's file (or a FIFO, a device) is not our lock: whoever owns it could
  // hold it forever and keep every run out.
  struct stat st {};
  if (::fstat(m_fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 022))
    throw Error(path + " is not a private lock file of this user: refusing it (remove it)");
  if (!try_lock(m_fd.get())) throw Error(busy_message + " (it holds " + path + ")");
}

} // namespace recssh::store
