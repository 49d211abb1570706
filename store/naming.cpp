// SPDX-License-Identifier: MIT
#include "store/naming.hpp"

#include "store/lock.hpp"

#include "core/errors.hpp"

#include <boost/filesystem.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::store {
namespace {

std::string errno_text(int e) { return std::strerror(e); }

// Opens (creating with 0700 if missing) the directory `name` inside `parent`, never
// following a symlink, and checks it is ours.
Fd open_subdir(int parent, const std::string& name, const std::string& shown) {
  if (::mkdirat(parent, name.c_str(), 0700) != 0 && errno != EEXIST)
    throw Error("cannot create directory " + shown + ": " + errno_text(errno));
  Fd fd(::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    int e = errno;
    struct stat st {};
    if (::fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
      throw Error(shown + " is a symlink: refusing to follow it (remove it if it was planted)");
    throw Error("cannot open directory " + shown + ": " + errno_text(e));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || st.st_uid != ::geteuid())
    throw Error(shown + " is not owned by this user: refusing to record into it");
  // Ours but writable by others (chmod 777 by hand, or an old recorder's umask):
  // anyone could add, rename or remove recordings in it, and rotate, run by root,
  // refuses to act in it. It is made private again, as it was created.
  if ((st.st_mode & 022) && ::fchmod(fd.get(), 0700) != 0)
    throw Error(shown + " is open to other users and cannot be made private (chmod 700 it): " + errno_text(errno));
  return fd;
}

} // namespace

CreatedFile create_recording_file(const std::string& root, const std::vector<std::string>& subdirs,
                                  const std::string& stem, const std::string& ext) {
  if (root.empty()) throw Error("no directory for recordings");
  boost::system::error_code ec;
  if (!boost::filesystem::exists(root, ec)) {
    // Created private; an existing root keeps the mode its admin gave it.
    auto old = ::umask(077);
    boost::filesystem::create_directories(root, ec);
    ::umask(old);
    if (ec) throw Error("cannot create directory " + root + ": " + ec.message());
  }
  // O_PATH: a bastion's 1733 root grants others search, not read, permission.
  Fd dir(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) throw Error("cannot open directory " + root + ": " + errno_text(errno));
  std::string shown = root;
  for (const auto& sub : subdirs) {
    if (sub.empty() || sub == "." || sub == ".." || sub.find('/') != std::string::npos)
      throw Error("bad directory name " + sub); // callers pass sanitized names only
    shown += "/" + sub;
    dir = open_subdir(dir.get(), sub, shown);
  }
  for (int n = 1; n <= 100000; ++n) {
    std::string name = stem + (n == 1 ? "" : "-" + std::to_string(n)) + ext;
    Fd fd(::openat(dir.get(), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd.valid()) {
      if (!try_lock(fd.get()))
        throw Error("cannot lock " + shown + "/" + name + ": " + errno_text(errno));
      return {std::move(fd), shown + "/" + name};
    }
    if (errno != EEXIST) throw Error("cannot create " + shown + "/" + name + ": " + errno_text(errno));
    struct stat st {};
    if (::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
      throw Error(shown + "/" + name + " is a symlink: refusing to follow it (remove it if it was planted)");
  }
  throw Error("cannot find a free name for " + shown + "/" + stem + ext);
}

CreatedFile create_named_file(const std::string& path, Overwrite overwrite) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (overwrite == Overwrite::no) throw Error(path + " already exists (use --overwrite to replace it)");
    if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
      Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
      if (!fd.valid()) throw Error("cannot open " + path + ": " + errno_text(errno));
      return {std::move(fd), path};
    }
    std::string tmp = path + ".XXXXXX";
    Fd fd(::mkostemp(tmp.data(), O_CLOEXEC));
    if (!fd.valid()) throw Error("cannot create a file next to " + path + ": " + errno_text(errno));
    ::fchmod(fd.get(), 0600);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      int e = errno;
      ::unlink(tmp.c_str());
      throw Error("cannot replace " + path + ": " + errno_text(e));
    }
    try_lock(fd.get()); // a new inode: nobody else can hold its lock
    return {std::move(fd), path};
  }
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) throw Error("cannot create " + path + ": " + errno_text(errno));
  try_lock(fd.get()); // likewise new
  return {std::move(fd), path};
}

CreatedFile create_temp_beside(const std::string& path, const std::string& infix, const std::string& suffix) {
  std::string tmp = dir_of(path) + "/." + base_of(path) + infix + "XXXXXX" + suffix;
  Fd fd(::mkostemps(tmp.data(), static_cast<int>(suffix.size()), O_CLOEXEC));
  if (!fd.valid()) throw Error("cannot create a file next to " + path + ": " + errno_text(errno));
  ::fchmod(fd.get(), 0600);
  try_lock(fd.get());
  return {std::move(fd), tmp};
}

std::string new_session_id(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  unsigned char rnd[8]{};
  if (::getrandom(rnd, sizeof rnd, 0) != static_cast<ssize_t>(sizeof rnd)) {
    // No entropy source: pid and time still separate concurrent sessions.
    auto v = static_cast<std::uint64_t>(::getpid()) ^ static_cast<std::uint64_t>(::clock());
    std::memcpy(rnd, &v, sizeof rnd);
  }
  char hex[17];
  for (int i = 0; i < 8; ++i) std::snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
  return std::string(stamp) + "-" + hex;
}

} // namespace recssh::store
