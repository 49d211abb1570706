// SPDX-License-Identifier: MIT
#include "archive/rotate.hpp"

#include "archive/rotation.hpp"
#include "core/io.hpp"
#include "store/layout.hpp"
#include "store/placement.hpp"
#include "store/seal.hpp"
#include "store/walk.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::archive {

void crash_point(const char* name) {
  const char* at = std::getenv("RECSSH_ROTATE_CRASH_AT");
  if (at && std::strcmp(at, name) == 0) ::raise(SIGKILL);
  const char* stop = std::getenv("RECSSH_ROTATE_STOP_AT");
  if (stop && std::strcmp(stop, name) == 0) ::raise(SIGSTOP);
}

void set_mtime(int fd, std::int64_t mtime) {
  timespec ts[2];
  ts[0].tv_sec = ts[1].tv_sec = static_cast<time_t>(mtime);
  ts[0].tv_nsec = ts[1].tv_nsec = 0;
  ::futimens(fd, ts);
}

namespace {
std::string user_name(uid_t uid) {
  if (passwd* pw = ::getpwuid(uid)) return pw->pw_name;
  return "uid " + std::to_string(uid);
}
} // namespace

Rotation::Rotation(std::string root, const RotatePolicy& p, const std::function<void(const std::string&)>& log)
    : m_root(std::move(root)), m_p(p), m_log(log), m_now(static_cast<std::int64_t>(::time(nullptr))),
      m_euid(::geteuid()) {
  while (m_root.size() > 1 && m_root.back() == '/') m_root.pop_back();
  // ROOT itself may be a symlink the admin made; everything below it is opened from
  // this fd and never through a symlink.
  m_root_fd = Fd(::open(m_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!m_root_fd.valid()) throw Error(m_root + ": cannot open the directory: " + errno_message());
  store::fd_path(m_root_fd.get()); // fails early without /proc
}

RotateReport Rotation::run() {
  open_state();
  open_shipped();
  recover_journal();
  scan();
  recover_compress();
  if (m_p.retain) retain();
  if (m_p.retain) retain_captures();
  if (m_p.merge_daily) merge_daily();
  if (m_p.compress_after) compress();
  if (m_p.compress_after) compress_captures();
  if (m_p.seal && !m_p.seal_key.empty()) write_manifests(); // unsigned, a manifest proves nothing
  remove_empty_days();
  return m_report;
}

void Rotation::failure(const std::string& what) {
  ++m_report.failed;
  m_log("error: " + what);
}

// Which directories rotate may act in. Its own (and root's), always. Someone else's
// only if no third party can write there (so the owner's files are the owner's), if
// it sits in a directory of rotate's or of the same owner, and, for a user layout's
// top-level directory (ROOT/NAME, NAME not a day), if that owner is the user NAME.
bool Rotation::enter_dir(const store::Directory& d) {
  const uid_t owner = d.st.st_uid;
  if (trusted(owner)) return true;
  std::string why;
  if (d.st.st_mode & 022)
    why = "writable by others (mode " + std::to_string((d.st.st_mode >> 6) & 7) +
          std::to_string((d.st.st_mode >> 3) & 7) + std::to_string(d.st.st_mode & 7) + ") and owned by " +
          user_name(owner);
  else if (!trusted(d.parent_uid) && d.parent_uid != owner)
    why = "owned by " + user_name(owner) + " inside a directory of " + user_name(d.parent_uid);
  else if (d.depth == 1 && !store::parse_day_name(base_of(d.path))) {
    passwd* pw = ::getpwnam(base_of(d.path).c_str());
    if (!pw || pw->pw_uid != owner) why = "owned by " + user_name(owner) + ", not by the user it is named after";
  }
  if (why.empty()) return true;
  failure("skip " + d.path + " and everything in it: " + why);
  return false;
}

void Rotation::scan() {
  store::WalkOptions wo;
  wo.on_hidden_file = [&](const std::string& path) { m_temps.push_back(path); };
  wo.enter = [&](const store::Directory& d) { return enter_dir(d); };
  // Captures by the same rules, quietly: they are no directory's reason to stay.
  wo.on_capture = [&](const store::Recording& r) {
    if (r.mtime > m_now - m_p.min_age || r.state == store::State::recording) return;
    if (!trusted(r.uid) && r.uid != r.dir_uid) return;
    if (!store::is_plain_name(r.name)) return;
    m_captures.push_back({r.path, r.rel_dir, r.name, r.mtime, r.gzip, r.uid, r.gid, {r.dev, r.ino}, r.uid});
  };
  store::walk(
      m_root,
      [&](const store::Recording& r) {
        if (r.mtime > m_now - m_p.min_age) {
          ++m_report.recent;
          m_open_dirs.insert(r.rel_dir);
          return;
        }
        if (r.state == store::State::recording) {
          ++m_report.locked;
          m_open_dirs.insert(r.rel_dir);
          m_log("skip (locked: being recorded) " + r.path);
          return;
        }
        // In someone else's directory only that owner's files (and ours) are acted
        // on: anything else got there by a hard link, not by a recorder.
        if (!trusted(r.uid) && r.uid != r.dir_uid) {
          failure("skip " + r.path + ": owned by " + user_name(r.uid) + ", in a directory of " + user_name(r.dir_uid));
          return;
        }
        if (!store::is_plain_name(r.name)) {
          failure("skip " + r.path + ": a control character in its name");
          return;
        }
        uid_t owner = trusted(r.uid) && !trusted(r.dir_uid) ? r.dir_uid : r.uid;
        m_files.push_back({r.path, r.rel_dir, r.name, r.mtime, r.gzip, r.uid, r.gid, {r.dev, r.ino}, owner});
      },
      wo);
  std::sort(m_files.begin(), m_files.end(), [](const Rec& a, const Rec& b) { return a.path < b.path; });
  for (const auto& t : m_temps) stale_temp(t); // not while walking
}

// Temporary files of an earlier, killed run (AtomicFile's ".NAME.tmp.XXXXXX",
// merge staging) once they are old enough not to belong to a live process.
void Rotation::stale_temp(const std::string& path) {
  const std::string name = base_of(path);
  if (name.find(".tmp.") == std::string::npos && !ends_with(name, ".staging.cast")) return;
  if (name.find(".staging.cast") != std::string::npos && m_journal_pending) return; // the journal decides
  std::string dir = dir_of(path);
  std::string rel = dir.size() > m_root.size() ? dir.substr(m_root.size() + 1) : "";
  try {
    Fd d = open_dir(rel);
    struct stat dst {};
    ::fstat(d.get(), &dst);
    auto st = store::stat_entry(d.get(), name);
    if (!st || !S_ISREG(st->st_mode) || st->st_mtime > m_now - m_p.min_age || store::is_being_recorded_at(d.get(), name))
      return;
    if (!trusted(st->st_uid) && st->st_uid != dst.st_uid) return; // not left by rotate nor by the owner
    say("remove stale temporary file " + path);
    if (!m_p.dry_run) store::remove_if_same(d.get(), name, store::id_of(*st), path);
  } catch (const Error& e) {
    failure(e.what());
  }
}

// The tombstone for a recording about to be deleted, when its day has a manifest and
// the recording a seal; read through the held directory (/proc/self/fd), never by path.
std::optional<Tombstone> Rotation::tombstone_for(int dirfd, const Rec& f) {
  struct stat st {};
  if (::fstatat(dirfd, k_manifest_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return std::nullopt;
  const std::string held = "/proc/self/fd/" + std::to_string(dirfd) + "/";
  std::string plain = f.name;
  if (plain.size() > 3 && plain.compare(plain.size() - 3, 3, ".gz") == 0) plain.resize(plain.size() - 3);
  auto seal = store::find_seal(held + f.name);
  if (!seal) return std::nullopt;
  try {
    auto s = store::read_seal(*seal);
    if (s.final) return Tombstone{plain, s.final->hash, m_now};
  } catch (const Error& e) {
    m_log("note: " + f.path + ": its seal cannot be read (" + e.what() + "); deleted without a tombstone");
  }
  return std::nullopt;
}

void Rotation::retain() {
  std::vector<Rec> keep;
  for (auto& f : m_files) {
    if (f.mtime >= m_now - *m_p.retain) {
      keep.push_back(f);
      continue;
    }
    if (m_p.require_shipped_to) {
      bool ok = false;
      try {
        ok = shipped(open_dir(f.rel_dir), f);
      } catch (const Error& e) {
        m_log("note: " + f.path + ": " + e.what());
      }
      if (!ok) {
        m_log("kept: not shipped: " + f.path);
        ++m_report.kept_unshipped;
        keep.push_back(f);
        continue;
      }
    }
    say("delete " + f.path + " (older than retention)");
    if (!m_p.dry_run) {
      try {
        Fd dir = open_dir(f.rel_dir);
        crash_point("retain-checked");
        // In a day with a manifest, the deletion is recorded (a tombstone) before the
        // file goes, so that it is never silently missing.
        auto tomb = tombstone_for(dir.get(), f);
        if (tomb) add_tombstone(dir.get(), shown_dir(f.rel_dir), *tomb, m_p.seal_key);
        if (!store::remove_if_same(dir.get(), f.name, f.id, f.path)) {
          m_log("note: " + f.path + " changed since it was checked; left alone");
          continue;
        }
        store::remove_seals_of(dir.get(), f.name, f.uid); // a seal of nothing is clutter
        m_touched_dirs.insert(f.rel_dir);
      } catch (const Error& e) {
        failure(e.what());
        continue;
      }
    }
    ++m_report.deleted;
  }
  m_files.swap(keep);
}

void Rotation::remove_empty_days() {
  if (m_p.dry_run) return;
  for (const auto& rel : m_touched_dirs) {
    try {
      Fd d = open_dir(rel);
      ::fsync(d.get());
    } catch (const Error&) {
      // gone or replaced: nothing of ours to sync
    }
  }
  for (const auto& rel : m_touched_dirs) {
    if (rel.empty() || !store::parse_day_name(base_of(rel))) continue;
    try {
      Fd parent = open_dir(rel.find('/') == std::string::npos ? "" : dir_of(rel));
      if (::unlinkat(parent.get(), base_of(rel).c_str(), AT_REMOVEDIR) == 0)
        m_log("remove empty directory " + shown_dir(rel));
    } catch (const Error&) {
    }
  }
}

std::optional<std::int64_t> parse_age(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::size_t pos = 0;
  long long n = 0;
  try {
    n = std::stoll(text, &pos);
  } catch (...) {
    return std::nullopt;
  }
  if (n < 0) return std::nullopt;
  std::string unit = text.substr(pos);
  if (unit.empty() || unit == "s") return n;
  if (unit == "m") return n * 60;
  if (unit == "h") return n * 3600;
  if (unit == "d") return n * 86400;
  if (unit == "w") return n * 7 * 86400;
  return std::nullopt;
}

RotateReport rotate(const std::string& root, const RotatePolicy& policy,
                    const std::function<void(const std::string&)>& log) {
  struct stat st {};
  if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) throw Error(root + ": not a directory");
  return Rotation(root, policy, log).run();
}

} // namespace recssh::archive
