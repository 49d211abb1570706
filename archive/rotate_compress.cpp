// SPDX-License-Identifier: MIT
// Rotation's compress step: X becomes X.gz, proven to hold the same events before X
// goes. A kill in between leaves both, which the next run resolves.
#include "archive/compare.hpp"
#include "archive/rotation.hpp"
#include "core/fd.hpp"
#include "core/io.hpp"

#include <fcntl.h>
#include <map>
#include <sys/stat.h>

namespace recssh::archive {

// X and X.gz both present: an earlier run was killed between writing X.gz and
// removing X. X.gz is complete (it was renamed into place only when written); once it
// proves identical, X goes. Either way only one of them takes part in this run.
void Rotation::recover_compress() {
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

// Per directory: write every .gz (each synced), sync the directory once, then verify
// each against its original and remove the original; the removals are synced once
// at the end. A crash anywhere leaves originals, or pairs the next run resolves.
void Rotation::compress() {
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

void Rotation::gzip_file(const Rec& f, const std::string& target) {
  Fd in(::open(f.path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!in.valid()) throw Error("cannot read " + f.path + ": " + errno_message());
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

} // namespace recssh::archive
