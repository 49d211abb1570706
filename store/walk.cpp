// SPDX-License-Identifier: MIT
#include "store/walk.hpp"

#include "core/errors.hpp"
#include "core/fd.hpp"
#include "store/layout.hpp"
#include "store/lock.hpp"

#include <algorithm>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace recssh::store {
namespace {

// Every entry of one directory, sorted; the DIR stream is closed before recursing so
// that a deep tree holds one descriptor per level only.
std::vector<std::string> sorted_names(int dirfd, const std::string& shown) {
  Fd copy(::dup(dirfd));
  DIR* d = copy.valid() ? ::fdopendir(copy.get()) : nullptr;
  if (!d) throw Error("cannot list " + shown + ": " + errno_message());
  copy.release(); // closedir closes it
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..") names.emplace_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

void walk_dir(int dirfd, const std::string& shown, const std::string& rel, int depth,
              const std::function<void(const Recording&)>& visit, const WalkOptions& o) {
  struct stat dst {};
  if (::fstat(dirfd, &dst) != 0) throw Error("cannot stat " + shown + ": " + errno_message());
  for (const auto& name : sorted_names(dirfd, shown)) {
    struct stat st {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue; // gone meanwhile
    std::string path = shown + "/" + name;
    if (name[0] == '.') {
      if (!S_ISDIR(st.st_mode) && o.on_hidden_file) o.on_hidden_file(path);
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      Fd sub(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!sub.valid()) continue;
      std::string sub_rel = rel.empty() ? name : rel + "/" + name;
      if (o.enter) {
        Directory d;
        d.path = path;
        d.rel = sub_rel;
        d.depth = depth + 1;
        d.parent_uid = dst.st_uid;
        if (::fstat(sub.get(), &d.st) != 0 || !o.enter(d)) continue; // judged as opened, not as listed
      }
      walk_dir(sub.get(), path, sub_rel, depth + 1, visit, o);
      continue;
    }
    if (!S_ISREG(st.st_mode)) continue;
    const bool capture = is_capture_name(name);
    if (!(capture ? bool(o.on_capture) : is_recording_name(name))) continue;
    Recording r;
    r.path = std::move(path);
    r.dir = shown;
    r.rel_dir = rel;
    r.name = name;
    r.uid = st.st_uid;
    r.gid = st.st_gid;
    r.dir_uid = dst.st_uid;
    r.dev = st.st_dev;
    r.ino = st.st_ino;
    r.mtime = static_cast<std::int64_t>(st.st_mtime);
    r.size = static_cast<std::uint64_t>(st.st_size);
    r.gzip = name.ends_with(".gz");
    r.state = is_being_recorded_at(dirfd, name) ? State::recording : State::finished;
    if (capture) o.on_capture(r);
    else visit(r);
  }
}

} // namespace

void walk(const std::string& root, const std::function<void(const Recording&)>& visit, const WalkOptions& options) {
  Fd dir(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) throw Error("cannot list " + root + ": " + errno_message());
  std::string shown = root;
  while (shown.size() > 1 && shown.back() == '/') shown.pop_back();
  walk_dir(dir.get(), shown == "/" ? "" : shown, "", 0, visit, options);
}

} // namespace recssh::store
