// SPDX-License-Identifier: MIT
// Rotation of the port forwards' captures (forward/: NAME.pcap beside the session's
// cast in the day layout, ROOT/USER/tcpip/ in the user layout). They are not
// recordings (never merged, not sealed) but recast ship sends them, so they follow the
// same rules otherwise, on their own mtime (written until the session ends, like its
// cast): past retention they go, when shipping is required only once the shipped
// journal holds their content; past compress_after they become NAME.pcap.gz, proven
// byte for byte the same before the original goes, and the .gz counts as shipped
// where the original did. Every step is relative to the held directory, as for casts.
#include "archive/manifest.hpp"
#include "archive/rotation.hpp"
#include "core/byte_stream.hpp"
#include "core/fd.hpp"
#include "core/gzip.hpp"
#include "core/io.hpp"

#include <cstring>
#include <fcntl.h>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::archive {

namespace {

// Whether `gz` inflates to exactly the bytes of `plain`.
bool same_bytes(int plain, const std::string& gz_path, const std::string& shown) {
  Fd gz_fd(::open(gz_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!gz_fd.valid()) throw Error("cannot open " + shown + ".gz: " + errno_message());
  GzipSource inflated(std::make_unique<FdSource>(std::move(gz_fd), shown + ".gz"), shown + ".gz", nullptr);
  FdSource original(plain, shown);
  std::string a(1 << 16, '\0'), b(1 << 16, '\0');
  for (;;) {
    std::size_t n = original.read(a.data(), a.size()), got = 0;
    while (got < n) {
      std::size_t k = inflated.read(b.data() + got, n - got);
      if (k == 0) return false;
      got += k;
    }
    if (std::memcmp(a.data(), b.data(), n) != 0) return false;
    if (n == 0) return inflated.read(b.data(), 1) == 0;
  }
}

} // namespace

void Rotation::retain_captures() {
  std::vector<Rec> keep;
  for (auto& f : m_captures) {
    if (f.mtime >= m_now - *m_p.retain) {
      keep.push_back(f);
      continue;
    }
    if (m_p.require_shipped_to) { // recast ship sends captures too: the same rule as casts
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
    say("delete " + f.path + " (a port forward's capture older than retention)");
    if (m_p.dry_run) {
      ++m_report.captures_deleted;
      continue;
    }
    try {
      Fd dir = open_dir(f.rel_dir);
      // A day with a manifest lists its captures: the deletion leaves a tombstone there.
      struct stat mst {};
      if (::fstatat(dir.get(), k_manifest_name, &mst, AT_SYMLINK_NOFOLLOW) == 0) {
        Fd held = store::open_if_same(dir.get(), f.name, f.id, f.path);
        std::string plain = f.gz ? f.name.substr(0, f.name.size() - 3) : f.name;
        add_tombstone(dir.get(), shown_dir(f.rel_dir), {plain, capture_hash(store::fd_path(held.get())).first, m_now},
                      m_p.seal_key);
      }
      if (store::remove_if_same(dir.get(), f.name, f.id, f.path)) ++m_report.captures_deleted;
      else m_log("note: " + f.path + " changed since it was checked; left alone");
      m_touched_dirs.insert(f.rel_dir);
    } catch (const Error& e) {
      failure(e.what());
    }
  }
  m_captures.swap(keep);
}

void Rotation::compress_captures() {
  std::map<std::string, std::vector<const Rec*>> by_dir;
  for (const auto& f : m_captures)
    if (!f.gz && f.mtime < m_now - *m_p.compress_after) by_dir[f.rel_dir].push_back(&f);
  for (const auto& [rel, files] : by_dir) {
    Fd dir;
    try {
      dir = open_dir(rel);
    } catch (const Error& e) {
      failure("compress in " + shown_dir(rel) + " failed, captures kept: " + e.what());
      continue;
    }
    std::vector<const Rec*> written;
    for (const Rec* f : files) {
      const std::string target = f->name + ".gz";
      if (store::stat_entry(dir.get(), target)) {
        failure("compress " + f->path + ": " + f->path + ".gz exists and was not made by this run; both left");
        continue;
      }
      say("compress " + f->path);
      if (m_p.dry_run) {
        ++m_report.captures_compressed;
        continue;
      }
      try {
        Fd in = store::open_if_same(dir.get(), f->name, f->id, f->path);
        struct stat st {};
        ::fstat(in.get(), &st);
        AtomicFile out(at(dir, target), Overwrite::no, st.st_mode & 07777);
        {
          FdSink fd_sink(out.fd(), f->path + ".gz");
          GzipSink gz(fd_sink, f->path + ".gz");
          copy_fd(in.get(), gz, f->path);
          gz.close();
          fd_sink.flush();
        }
        set_mtime(out.fd(), f->mtime); // retention keeps counting from the capture's age
        if (st.st_uid != m_euid && ::fchown(out.fd(), st.st_uid, st.st_gid) != 0)
          throw Error("cannot give " + f->path + ".gz to the owner of " + f->path + ": " + errno_message());
        out.commit(AtomicFile::DirSync::later);
        written.push_back(f);
      } catch (const Error& e) {
        failure("compress " + f->path + " failed, original kept: " + e.what());
      }
    }
    if (written.empty()) continue;
    ::fsync(dir.get()); // every .gz is on disk before any original goes
    for (const Rec* f : written) {
      const std::string target = f->name + ".gz";
      try {
        Fd plain = store::open_if_same(dir.get(), f->name, f->id, f->path);
        if (!same_bytes(plain.get(), at(dir, target), f->path)) {
          ::unlinkat(dir.get(), target.c_str(), 0);
          throw Error(f->path + ".gz does not inflate to the same bytes");
        }
        struct stat plain_st {};
        ::fstat(plain.get(), &plain_st);
        if (!store::remove_if_same(dir.get(), f->name, f->id, f->path))
          throw Error(f->path + " changed since it was checked");
        ++m_report.captures_compressed;
        carry_shipped(dir, plain_st, *f);
      } catch (const Error& e) {
        failure("compress " + f->path + " failed, original kept: " + e.what());
      }
    }
    m_touched_dirs.insert(rel);
  }
}

} // namespace recssh::archive
