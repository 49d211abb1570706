// SPDX-License-Identifier: MIT
#pragma once
// The lock protocol. A recorder holds an exclusive flock(2) on its file from the
// moment it creates it to the end of the session. Anything that would change or
// remove a recording (append, merge, rotate, and later seal and ship) first either
// takes the same lock or tests for it and leaves the file alone. flock, not fcntl
// locks: they belong to the open file, so a forked child cannot drop them by closing
// another descriptor of the same file.
#include "core/fd.hpp"

#include <string>

namespace recssh::store {

// Takes the exclusive lock on fd without waiting; false when another open file holds
// a lock on it.
bool try_lock(int fd);

// Takes a shared lock on fd without waiting; false when a recorder (or append, merge,
// rotate) holds the exclusive one. Readers that must see a file stay as it is while
// they read it (ship) hold this: nothing that changes recordings can start meanwhile.
bool try_lock_shared(int fd);

// Is some process recording into path (or dirfd/name)? Tested with a shared lock
// attempt, so two testers never see each other. A file that cannot be opened is not
// being recorded.
bool is_being_recorded(const std::string& path);
bool is_being_recorded_at(int dirfd, const std::string& name);
// The same on a file already open (the test's shared lock is let go at once).
bool is_being_recorded_fd(int fd);

// A lock file that keeps two runs of one job apart (rotate): created 0600 if missing,
// never through a symlink, and held exclusively for the object's lifetime. It must be
// a regular file owned by the effective user and not writable by others. Throws
// Error naming the file when another run holds it, or when it is not ours.
class LockFile {
public:
  LockFile(const std::string& path, const std::string& busy_message);
  const std::string& path() const { return m_path; }

private:
  std::string m_path;
  Fd m_fd;
};

} // namespace recssh::store
