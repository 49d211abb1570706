// SPDX-License-Identifier: MIT
#include "archive/rotate.hpp"

#include "archive/rotation.hpp"
#include "core/io.hpp"
#include "store/layout.hpp"
#include "store/walk.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::archive {

void crash_point(const char* name) {
  const char* at = std::getenv("RECSSH_ROTATE_CRASH_AT");
  if (at && std::strcmp(at, name) == 0) ::raise(SIGKILL);
}

void remove_file(const std::string& p) {
  if (::unlink(p.c_str()) != 0 && errno != ENOENT) throw Error("cannot remove " + p + ": " + errno_message());
}

void set_mtime(int fd, std::int64_t mtime) {
  timespec ts[2];
  ts[0].tv_sec = ts[1].tv_sec = static_cast<time_t>(mtime);
  ts[0].tv_nsec = ts[1].tv_nsec = 0;
  ::futimens(fd, ts);
}

Rotation::Rotation(std::string root, const RotatePolicy& p, const std::function<void(const std::string&)>& log)
    : m_root(std::move(root)), m_p(p), m_log(log), m_now(static_cast<std::int64_t>(::time(nullptr))) {}

RotateReport Rotation::run() {
  m_lock.emplace(m_root + "/.recast-rotate.lock", m_root + ": another recast rotate is running");
  recover_journal();
  scan();
  recover_compress();
  if (m_p.retain) retain();
  if (m_p.merge_daily) merge_daily();
  if (m_p.compress_after) compress();
  remove_empty_days();
  return m_report;
}

void Rotation::failure(const std::string& what) {
  ++m_report.failed;
  m_log("error: " + what);
}

void Rotation::scan() {
  store::WalkOptions wo;
  wo.on_hidden_file = [&](const std::string& path) { m_temps.push_back(path); };
  store::walk(
      m_root,
      [&](const store::Recording& r) {
        if (r.mtime > m_now - m_p.min_age) {
          ++m_report.recent;
          return;
        }
        if (r.state == store::State::recording) {
          ++m_report.locked;
          m_log("skip (locked: being recorded) " + r.path);
          return;
        }
        m_files.push_back({r.path, r.mtime, r.gzip});
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
  if (name.find(".staging.cast") != std::string::npos) {
    struct stat jst {};
    if (::lstat(journal().c_str(), &jst) == 0) return; // the journal decides
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || st.st_mtime > m_now - m_p.min_age || store::is_being_recorded(path)) return;
  say("remove stale temporary file " + path);
  if (!m_p.dry_run) remove_file(path);
}

void Rotation::retain() {
  std::vector<Rec> keep;
  for (auto& f : m_files) {
    if (f.mtime >= m_now - *m_p.retain) {
      keep.push_back(f);
      continue;
    }
    say("delete " + f.path + " (older than retention)");
    if (!m_p.dry_run) {
      try {
        remove_file(f.path);
        m_touched_dirs.insert(dir_of(f.path));
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
  for (const auto& d : m_touched_dirs) sync_directory(d);
  for (const auto& d : m_touched_dirs)
    if (d != m_root && store::parse_day_name(base_of(d)) && ::rmdir(d.c_str()) == 0) m_log("remove empty directory " + d);
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
