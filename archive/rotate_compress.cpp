// SPDX-License-Identifier: MIT
// Rotation's compress step: X becomes X.gz, proven to hold the same events before X
// goes. A kill in between leaves both, which the next run resolves. Every step is
// relative to the held directory (rotation.hpp); X is read through the fd that was
// checked, and X.gz keeps X's owner (ownership is who a recording belongs to).
#include "archive/compare.hpp"
#include "archive/rotation.hpp"
#include "core/fd.hpp"
#include "core/io.hpp"

#include <fcntl.h>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::archive {

// X and X.gz both present: an earlier run was killed between writing X.gz and
// removing X. X.gz is complete (it was renamed into place only when written); once it
// proves identical, X goes. Either way only one of them takes part in this run.
void Rotation::recover_compress() {
  std::map<std::string, const Rec*> by_path;
  for (const auto& f : m_files) by_path[f.path] = &f;
  std::set<std::string> drop;
  for (const auto& f : m_files) {
    if (!f.gz) continue;
    auto plain_it = by_path.find(f.path.substr(0, f.path.size() - 3));
    if (plain_it == by_path.end()) continue;
    const Rec& plain = *plain_it->second;
    drop.insert(plain.path);
    try {
      Fd dir = open_dir(f.rel_dir);
      Fd plain_fd = store::open_if_same(dir.get(), plain.name, plain.id, plain.path);
      Fd gz_fd = store::open_if_same(dir.get(), f.name, f.id, f.path);
      verify_same_events(store::fd_path(plain_fd.get()), store::fd_path(gz_fd.get()));
      say("recover: " + f.path + " is complete; remove " + plain.path);
      if (!m_p.dry_run) store::remove_if_same(dir.get(), plain.name, plain.id, plain.path);
      ++m_report.recovered;
    } catch (const Error& e) {
      failure(f.path + " and " + plain.path + " differ; both left for inspection: " + e.what());
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
    if (!f.gz && f.mtime < m_now - *m_p.compress_after) by_dir[f.rel_dir].push_back(&f);
  for (const auto& [rel, files] : by_dir) {
    Fd dir;
    try {
      dir = open_dir(rel);
      crash_point("compress-checked");
    } catch (const Error& e) {
      failure("compress in " + shown_dir(rel) + " failed, originals kept: " + e.what());
      continue;
    }
    std::vector<const Rec*> written;
    for (const Rec* f : files) {
      std::string target = f->name + ".gz";
      if (store::stat_entry(dir.get(), target)) {
        failure("compress " + f->path + ": " + f->path + ".gz exists and was not made by this run; both left");
        continue;
      }
      say("compress " + f->path);
      if (m_p.dry_run) {
        ++m_report.compressed;
        continue;
      }
      try {
        gzip_file(dir, *f);
        written.push_back(f);
      } catch (const Error& e) {
        failure("compress " + f->path + " failed, original kept: " + e.what());
      }
    }
    if (written.empty()) continue;
    ::fsync(dir.get()); // every .gz is on disk before any original goes
    crash_point("compress-written");
    for (const Rec* f : written) {
      std::string target = f->name + ".gz";
      try {
        Fd plain = store::open_if_same(dir.get(), f->name, f->id, f->path);
        try {
          verify_same_events(store::fd_path(plain.get()), at(dir, target));
        } catch (...) {
          ::unlinkat(dir.get(), target.c_str(), 0);
          throw;
        }
        struct stat plain_st {};
        ::fstat(plain.get(), &plain_st);
        if (!store::remove_if_same(dir.get(), f->name, f->id, f->path))
          throw Error(f->path + " changed since it was checked");
        ++m_report.compressed;
        carry_shipped(dir, plain_st, *f);
      } catch (const Error& e) {
        failure("compress " + f->path + " failed, original kept: " + e.what());
      }
    }
    m_touched_dirs.insert(rel);
  }
}

void Rotation::gzip_file(const Fd& dir, const Rec& f) {
  Fd in = store::open_if_same(dir.get(), f.name, f.id, f.path);
  if (m_p.seal) seal_unsealed(dir, f); // the chain is over the plain lines: it verifies the .gz too
  struct stat st {};
  ::fstat(in.get(), &st);
  const std::string target = at(dir, f.name + ".gz");
  try {
    AtomicFile out(target, Overwrite::no, st.st_mode & 07777);
    {
      FdSink fd_sink(out.fd(), target);
      GzipSink gz(fd_sink, target);
      copy_fd(in.get(), gz, f.path);
      gz.close();
      fd_sink.flush();
    }
    set_mtime(out.fd(), f.mtime); // retention keeps counting from the recording's age
    if (st.st_uid != m_euid && ::fchown(out.fd(), st.st_uid, st.st_gid) != 0)
      throw Error("cannot give " + f.path + ".gz to the owner of " + f.path + ": " + errno_message());
    out.commit(AtomicFile::DirSync::later); // compress() syncs the directory once
  } catch (const Error& e) {
    std::string what = e.what();
    const std::string from = store::fd_path(dir.get());
    for (std::size_t p; (p = what.find(from)) != std::string::npos;) what.replace(p, from.size(), shown_dir(f.rel_dir));
    throw Error(what);
  }
}

} // namespace recssh::archive
