// SPDX-License-Identifier: MIT
#pragma once
// Acting on files below a root that other users can write to (rotate, run by root):
// a path is resolved once, component by component from a held directory fd and never
// through a symlink, and every later step (stat, read, rename, unlink) is relative to
// the directory fd that resolution returned. A user who swaps a directory for a
// symlink meanwhile changes nothing for us: we hold the directory itself, not its
// name. A file is identified by (st_dev, st_ino) when it is checked, and removed only
// if its name still leads to that inode.
#include "core/fd.hpp"

#include <optional>
#include <string>
#include <sys/stat.h>

namespace recssh::store {

struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const FileId&) const = default;
};
inline FileId id_of(const struct stat& st) { return {st.st_dev, st.st_ino}; }

// Is `name` one path component (not empty, ".", "..", no '/', no control character)?
bool is_plain_name(const std::string& name);
// Is `rel` a relative path of plain components ("a/b"; "" is not)?
bool is_plain_relative(const std::string& rel);

// Opens root_fd/rel one component at a time with O_NOFOLLOW|O_DIRECTORY ("" opens
// root_fd itself again). `shown` names it in errors. Throws Error when a component is
// missing, a symlink or not a directory.
Fd open_below(int root_fd, const std::string& rel, const std::string& shown);

// The entry `name` of dirfd, not followed; nullopt when there is none.
std::optional<struct stat> stat_entry(int dirfd, const std::string& name);

// Removes dirfd/name if it is still the regular file `id`: true when removed, false
// when it is gone or is now something else (which is then left alone). Throws Error
// (naming `shown`) when unlinkat fails otherwise.
bool remove_if_same(int dirfd, const std::string& name, FileId id, const std::string& shown);

// Opens dirfd/name for reading, never through a symlink, and only if it is the
// regular file `id`. Throws Error naming `shown` otherwise.
Fd open_if_same(int dirfd, const std::string& name, FileId id, const std::string& shown);

// "/proc/self/fd/N": a path that path-based code (readers, AtomicFile) can use and
// that resolves through the held directory, whatever happens to its name meanwhile.
// Valid while dirfd is open. Throws Error when /proc is not mounted.
std::string fd_path(int fd);

} // namespace recssh::store
