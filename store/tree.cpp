// SPDX-License-Identifier: MIT
#include "store/tree.hpp"

#include "core/errors.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace recssh::store {

bool is_plain_name(const std::string& name) {
  if (name.empty() || name == "." || name == "..") return false;
  for (unsigned char c : name)
    if (c == '/' || c < 0x20 || c == 0x7f) return false; // a newline would forge journal lines
  return true;
}

bool is_plain_relative(const std::string& rel) {
  if (rel.empty()) return false;
  std::size_t from = 0;
  while (true) {
    std::size_t slash = rel.find('/', from);
    if (!is_plain_name(rel.substr(from, slash == std::string::npos ? std::string::npos : slash - from))) return false;
    if (slash == std::string::npos) return true;
    from = slash + 1;
  }
}

Fd open_below(int root_fd, const std::string& rel, const std::string& shown) {
  Fd dir(::openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) throw Error("cannot open " + shown + ": " + errno_message());
  if (rel.empty()) return dir;
  if (!is_plain_relative(rel)) throw Error(shown + ": not a plain path below the root");
  std::size_t from = 0;
  while (from <= rel.size()) {
    std::size_t slash = rel.find('/', from);
    std::string part = rel.substr(from, slash == std::string::npos ? std::string::npos : slash - from);
    Fd sub(::openat(dir.get(), part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub.valid()) {
      int e = errno;
      if (e == ELOOP || e == ENOTDIR) throw Error(shown + ": " + part + " is not a directory (a symlink?): not followed");
      throw Error("cannot open " + shown + ": " + errno_message(e));
    }
    dir = std::move(sub);
    if (slash == std::string::npos) break;
    from = slash + 1;
  }
  return dir;
}

std::optional<struct stat> stat_entry(int dirfd, const std::string& name) {
  struct stat st {};
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return std::nullopt;
  return st;
}

bool remove_if_same(int dirfd, const std::string& name, FileId id, const std::string& shown) {
  auto st = stat_entry(dirfd, name);
  if (!st || !S_ISREG(st->st_mode) || id_of(*st) != id) return false;
  if (::unlinkat(dirfd, name.c_str(), 0) != 0) {
    if (errno == ENOENT) return false;
    throw Error("cannot remove " + shown + ": " + errno_message());
  }
  return true;
}

Fd open_if_same(int dirfd, const std::string& name, FileId id, const std::string& shown) {
  Fd fd(::openat(dirfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) throw Error("cannot open " + shown + ": " + errno_message());
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || id_of(st) != id)
    throw Error(shown + " changed since it was checked: left alone");
  return fd;
}

std::string fd_path(int fd) {
  std::string p = "/proc/self/fd/" + std::to_string(fd);
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) throw Error("cannot reach " + p + " (is /proc mounted?): " + errno_message());
  return p;
}

} // namespace recssh::store
