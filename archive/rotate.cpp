// SPDX-License-Identifier: MIT
#include "archive/rotate.hpp"

#include "archive/merge.hpp"
#include "archive/verify.hpp"
#include "core/fd.hpp"
#include "core/format.hpp"
#include "core/io.hpp"
#include "core/names.hpp"

#include <boost/filesystem.hpp>
#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <set>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::archive {
namespace {

namespace fs = boost::filesystem;

// Test hook: RECSSH_ROTATE_CRASH_AT=<point> kills the process there (fault injection).
void crash_point(const char* name) {
  const char* at = std::getenv("RECSSH_ROTATE_CRASH_AT");
  if (at && std::strcmp(at, name) == 0) ::raise(SIGKILL);
}


void remove_file(const std::string& p) {
  if (::unlink(p.c_str()) != 0 && errno != ENOENT) throw Error("cannot remove " + p + ": " + std::strerror(errno));
}

// A recorder holds an exclusive lock on its file for the whole session.
bool is_locked(const std::string& p) {
  Fd fd(::open(p.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return false;
  return ::flock(fd.get(), LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
}

struct Rec {
  std::string path;
  std::int64_t mtime = 0;
  bool gz = false;
};

bool is_recording(const std::string& name) {
  return !name.empty() && name[0] != '.' && (ends_with(name, ".cast") || ends_with(name, ".cast.gz"));
}

std::string local_day(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  ::localtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

bool is_day_name(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

// (user, target) from the header's "recssh" object; empty when absent.
std::pair<std::string, std::string> session_owner(const std::string& path) {
  auto r = open_reader(path, "", ReadOptions{});
  const std::string* raw = r->header().find_extra("recssh");
  if (!raw) return {};
  simdjson::dom::parser parser;
  simdjson::dom::element obj;
  if (parser.parse(*raw).get(obj)) return {};
  std::string_view user, target;
  if (obj["user"].get_string().get(user)) user = {};
  if (obj["target"].get_string().get(target)) target = {};
  return {std::string(user), std::string(target)};
}

void set_mtime(int fd, std::int64_t mtime) {
  timespec ts[2];
  ts[0].tv_sec = ts[1].tv_sec = static_cast<time_t>(mtime);
  ts[0].tv_nsec = ts[1].tv_nsec = 0;
  ::futimens(fd, ts);
}

class Rotation {
public:
  Rotation(std::string root, const RotatePolicy& p, const std::function<void(const std::string&)>& log)
      : m_root(std::move(root)), m_p(p), m_log(log), m_now(static_cast<std::int64_t>(::time(nullptr))) {}

  RotateReport run() {
    lock();
    recover_journal();
    scan();
    recover_compress();
    if (m_p.retain) retain();
    if (m_p.merge_daily) merge_daily();
    if (m_p.compress_after) compress();
    remove_empty_days();
    return m_report;
  }

private:
  std::string journal() const { return m_root + "/.recast-rotate.journal"; }
  void say(const std::string& what) { m_log((m_p.dry_run ? "would " : "") + what); }
  void failure(const std::string& what) {
    ++m_report.failed;
    m_log("error: " + what);
  }

  void lock() {
    std::string path = m_root + "/.recast-rotate.lock";
    m_lock = Fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!m_lock.valid()) throw Error("cannot open " + path + ": " + std::strerror(errno));
    if (::flock(m_lock.get(), LOCK_EX | LOCK_NB) != 0)
      throw Error(m_root + ": another recast rotate is running (it holds " + path + ")");
  }

  // A merge that was interrupted: journal = "merge FINAL", "staging STAGING", "input P"...
  void recover_journal() {
    std::ifstream in(journal());
    if (!in) return;
    std::string line, final_path, staging;
    std::vector<std::string> inputs;
    while (std::getline(in, line)) {
      if (line.rfind("merge ", 0) == 0) final_path = line.substr(6);
      else if (line.rfind("staging ", 0) == 0) staging = line.substr(8);
      else if (line.rfind("input ", 0) == 0) inputs.push_back(line.substr(6));
    }
    if (final_path.empty() || staging.empty()) {
      failure(journal() + ": unreadable journal; left in place for inspection");
      throw Error(journal() + ": unreadable journal (inspect it, then remove it)");
    }
    ++m_report.recovered;
    struct stat st {};
    if (::lstat(staging.c_str(), &st) == 0) {
      // Killed before the rename: the inputs are intact; drop the staged output.
      say("recover: roll back merge into " + final_path + " (remove " + staging + ")");
      if (!m_p.dry_run) remove_file(staging);
    } else {
      // Killed after the rename: the merged file holds everything; finish removing.
      for (const auto& p : inputs) {
        if (p == final_path || ::lstat(p.c_str(), &st) != 0) continue;
        say("recover: remove merged input " + p + " (in " + final_path + ")");
        if (!m_p.dry_run) remove_file(p);
      }
      if (!m_p.dry_run) sync_directory(dir_of(final_path));
    }
    if (!m_p.dry_run) remove_file(journal());
  }

  void scan() {
    boost::system::error_code ec;
    for (fs::recursive_directory_iterator it(m_root, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->status().type() == fs::directory_file) it.disable_recursion_pending();
        else m_temps.push_back(it->path().string());
        continue;
      }
      if (it->symlink_status().type() != fs::regular_file || !is_recording(name)) continue;
      std::string path = it->path().string();
      struct stat st {};
      if (::lstat(path.c_str(), &st) != 0) continue;
      if (st.st_mtime > m_now - m_p.min_age) {
        ++m_report.recent;
        continue;
      }
      if (is_locked(path)) {
        ++m_report.locked;
        m_log("skip (locked: being recorded) " + path);
        continue;
      }
      m_files.push_back({path, static_cast<std::int64_t>(st.st_mtime), ends_with(name, ".gz")});
    }
    if (ec) throw Error("cannot list " + m_root + ": " + ec.message());
    std::sort(m_files.begin(), m_files.end(), [](const Rec& a, const Rec& b) { return a.path < b.path; });
    for (const auto& t : m_temps) stale_temp(t, base_of(t)); // not while iterating
  }

  // X and X.gz both present: an earlier run was killed between writing X.gz and
  // removing X. X.gz is complete (it was renamed into place only when written); once it
  // proves identical, X goes. Either way only one of them takes part in this run.
  void recover_compress() {
    std::set<std::string> paths;
    for (const auto& f : m_files) paths.insert(f.path);
    std::set<std::string> drop;
    for (const auto& f : m_files) {
      if (!f.gz || !paths.count(f.path.substr(0, f.path.size() - 3))) continue;
      std::string plain = f.path.substr(0, f.path.size() - 3);
      try {
        verify_same_events(plain, f.path);
        say("recover: " + f.path + " is complete; remove " + plain);
        if (!m_p.dry_run) remove_file(plain);
        ++m_report.recovered;
        drop.insert(plain);
      } catch (const Error& e) {
        failure(f.path + " and " + plain + " differ; both left for inspection: " + e.what());
        drop.insert(plain);
        drop.insert(f.path);
      }
    }
    if (drop.empty()) return;
    std::vector<Rec> keep;
    for (auto& f : m_files)
      if (!drop.count(f.path)) keep.push_back(f);
    m_files.swap(keep);
  }

  // Temporary files of an earlier, killed run (AtomicFile's ".NAME.tmp.XXXXXX",
  // merge staging) once they are old enough not to belong to a live process.
  void stale_temp(const std::string& path, const std::string& name) {
    if (name.find(".tmp.") == std::string::npos && !ends_with(name, ".staging.cast")) return;
    if (name.find(".staging.cast") != std::string::npos) {
      struct stat jst {};
      if (::lstat(journal().c_str(), &jst) == 0) return; // the journal decides
    }
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || st.st_mtime > m_now - m_p.min_age || is_locked(path)) return;
    say("remove stale temporary file " + path);
    if (!m_p.dry_run) remove_file(path);
  }

  void retain() {
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

  void merge_daily() {
    const std::string today = local_day(m_now);
    // day directory -> (user, target) -> files
    std::map<std::pair<std::string, std::pair<std::string, std::string>>, std::vector<std::string>> groups;
    for (const auto& f : m_files) {
      std::string day = base_of(dir_of(f.path));
      if (!is_day_name(day) || day >= today) continue; // only finished days
      try {
        groups[{dir_of(f.path), session_owner(f.path)}].push_back(f.path);
      } catch (const Error& e) {
        failure(f.path + ": not merged: " + e.what());
      }
    }
    std::set<std::string> consumed;
    std::vector<Rec> merged; // the daily files, for the compress step of this same run
    for (auto& [key, paths] : groups) {
      const auto& [dir, owner] = key;
      std::string final_path = dir + "/daily-" + sanitize_name(owner.first, 64, "unknown") + "-" +
                               sanitize_name(owner.second, 64, "unknown") + ".cast";
      bool has_new = std::any_of(paths.begin(), paths.end(), [&](const std::string& p) { return p != final_path; });
      if (paths.size() < 2 || !has_new) continue;
      try {
        std::int64_t newest = merge_group(final_path, paths);
        ++m_report.merged_groups;
        m_report.merged_inputs += paths.size();
        consumed.insert(paths.begin(), paths.end());
        if (!m_p.dry_run) merged.push_back({final_path, newest, false});
      } catch (const Error& e) {
        failure("merge into " + final_path + " failed, inputs untouched: " + e.what());
      }
    }
    // What was merged is gone; the daily files take its place (with its age).
    std::vector<Rec> keep;
    for (auto& f : m_files)
      if (!consumed.count(f.path)) keep.push_back(f);
    keep.insert(keep.end(), merged.begin(), merged.end());
    m_files.swap(keep);
  }

  // Returns the newest input's mtime, which the merged file gets.
  std::int64_t merge_group(const std::string& final_path, const std::vector<std::string>& paths) {
    say("merge " + std::to_string(paths.size()) + " recordings into " + final_path);
    if (m_p.dry_run) return 0;
    std::string staging = dir_of(final_path) + "/." + base_of(final_path) + ".staging.cast";
    auto inputs = collect_inputs(paths, nullptr);
    MergeOptions mo;
    mo.allow_overlap = true; // two terminals to one host: placed one after the other
    mo.overwrite = true;
    mo.gap = GapPolicy::parse("cap:2");
    auto result = merge_casts(inputs, staging, mo);
    for (const auto& o : result.overlaps) m_log("note: " + final_path + ": overlap placed after: " + o);
    std::vector<std::string> ordered;
    std::int64_t newest = 0;
    for (const auto& in : inputs) {
      ordered.push_back(in.path);
      struct stat st {};
      if (::stat(in.path.c_str(), &st) == 0) newest = std::max<std::int64_t>(newest, st.st_mtime);
    }
    verify_merged(staging, ordered); // before anything is removed
    {
      Fd s(::open(staging.c_str(), O_RDONLY | O_CLOEXEC));
      set_mtime(s.get(), newest); // age counts from the newest session, not from now
    }
    crash_point("merge-staged");
    {
      AtomicFile j(journal(), Overwrite::no, 0600);
      FdSink fd_sink(j.fd(), journal());
      ByteSink& sink = fd_sink;
      sink.write("merge " + final_path + "\nstaging " + staging + "\n");
      for (const auto& p : ordered) sink.write("input " + p + "\n");
      sink.flush();
      j.commit();
    }
    crash_point("merge-journaled");
    if (::rename(staging.c_str(), final_path.c_str()) != 0)
      throw Error("cannot rename " + staging + ": " + std::strerror(errno));
    sync_directory(dir_of(final_path));
    crash_point("merge-renamed");
    bool first = true;
    for (const auto& p : ordered) {
      if (p == final_path) continue;
      remove_file(p);
      if (first) crash_point("merge-removed-one");
      first = false;
    }
    sync_directory(dir_of(final_path));
    remove_file(journal());
    return newest;
  }

  // Per directory: write every .gz (each synced), sync the directory once, then verify
  // each against its original and remove the original; the removals are synced once
  // at the end. A crash anywhere leaves originals, or pairs the next run resolves.
  void compress() {
    std::map<std::string, std::vector<const Rec*>> by_dir;
    for (const auto& f : m_files)
      if (!f.gz && f.mtime < m_now - *m_p.compress_after) by_dir[dir_of(f.path)].push_back(&f);
    for (const auto& [dir, files] : by_dir) {
      std::vector<const Rec*> written;
      for (const Rec* f : files) {
        std::string target = f->path + ".gz";
        struct stat st {};
        if (::lstat(target.c_str(), &st) == 0) {
          failure("compress " + f->path + ": " + target + " exists and was not made by this run; both left");
          continue;
        }
        say("compress " + f->path);
        if (m_p.dry_run) {
          ++m_report.compressed;
          continue;
        }
        try {
          gzip_file(*f, target);
          written.push_back(f);
        } catch (const Error& e) {
          failure("compress " + f->path + " failed, original kept: " + e.what());
        }
      }
      if (written.empty()) continue;
      sync_directory(dir); // every .gz is on disk before any original goes
      crash_point("compress-written");
      for (const Rec* f : written) {
        std::string target = f->path + ".gz";
        try {
          try {
            verify_same_events(f->path, target);
          } catch (...) {
            remove_file(target);
            throw;
          }
          remove_file(f->path);
          ++m_report.compressed;
        } catch (const Error& e) {
          failure("compress " + f->path + " failed, original kept: " + e.what());
        }
      }
      m_touched_dirs.insert(dir);
    }
  }

  void gzip_file(const Rec& f, const std::string& target) {
    Fd in(::open(f.path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!in.valid()) throw Error("cannot read " + f.path + ": " + std::strerror(errno));
    struct stat st {};
    ::fstat(in.get(), &st);
    AtomicFile out(target, Overwrite::no, st.st_mode & 07777);
    {
      FdSink fd_sink(out.fd(), target);
      GzipSink gz(fd_sink, target);
      copy_fd(in.get(), gz, f.path);
      gz.close();
      fd_sink.flush();
    }
    set_mtime(out.fd(), f.mtime); // retention keeps counting from the recording's age
    out.commit(AtomicFile::DirSync::later); // compress() syncs the directory once
  }

  void remove_empty_days() {
    if (m_p.dry_run) return;
    for (const auto& d : m_touched_dirs) sync_directory(d);
    for (const auto& d : m_touched_dirs)
      if (d != m_root && is_day_name(base_of(d)) && ::rmdir(d.c_str()) == 0) m_log("remove empty directory " + d);
  }

  std::string m_root;
  RotatePolicy m_p;
  const std::function<void(const std::string&)>& m_log;
  std::int64_t m_now;
  Fd m_lock;
  std::vector<Rec> m_files;
  std::vector<std::string> m_temps;
  std::set<std::string> m_touched_dirs;
  RotateReport m_report;
};

} // namespace

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
