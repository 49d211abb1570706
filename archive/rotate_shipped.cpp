// SPDX-License-Identifier: MIT
// Rotation and the shipped journal (store/shipped.hpp). Shipping happens before rotate
// compresses: what is shipped is the plain .cast, and its SHA-256 is what the journal
// keeps. Retention asks for that content: a .cast whose own SHA-256 was shipped, or a
// .gz whose decompressed bytes hash to a shipped SHA-256 (gzip is verified to give
// back the same events before the original goes, and decompresses to the same bytes),
// or whose own bytes were shipped as they are. A hash, not a name or an inode, so
// nothing a rename or a reused inode does can make an unshipped file look shipped.
#include "archive/rotation.hpp"
#include "core/byte_stream.hpp"
#include "core/gzip.hpp"
#include "core/sha256.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace recssh::archive {
namespace {

std::string hash_source(ByteSource& src) {
  Sha256 h;
  std::vector<char> buf(1 << 20);
  for (std::size_t n; (n = src.read(buf.data(), buf.size())) > 0;) h.update(buf.data(), n);
  return h.hex();
}

} // namespace

void Rotation::open_shipped() {
  if (m_p.shipped_journal.empty()) return;
  struct stat st {};
  const bool exists = ::lstat(m_p.shipped_journal.c_str(), &st) == 0;
  if (!exists && !m_p.require_shipped_to) return; // nothing was shipped by this user: nothing to carry
  try {
    m_shipped.emplace(m_p.shipped_journal, !m_p.dry_run);
  } catch (const Error& e) {
    // Without a journal nothing is known to be shipped, so retention keeps everything
    // that needs it (the check below finds no journal and says so for each file).
    failure(std::string("the shipped journal cannot be used: ") + e.what());
    return;
  }
  if (m_shipped->skipped_lines())
    m_log("note: " + m_p.shipped_journal + ": " + std::to_string(m_shipped->skipped_lines()) +
          " unreadable line(s) ignored (a write cut short by a crash)");
}

bool Rotation::shipped(const Fd& dir, const Rec& f) {
  if (!m_shipped) return false;
  const std::string& target = *m_p.require_shipped_to;
  {
    Fd fd = store::open_if_same(dir.get(), f.name, f.id, f.path);
    FdSource raw(fd.get(), f.path);
    if (m_shipped->has_content(hash_source(raw), target)) return true;
  }
  if (!f.gz) return false;
  Fd fd = store::open_if_same(dir.get(), f.name, f.id, f.path);
  GzipSource plain(std::make_unique<FdSource>(fd.get(), f.path), f.path, nullptr);
  return m_shipped->has_content(hash_source(plain), target);
}

void Rotation::carry_shipped(const Fd& dir, const struct stat& plain, const Rec& f) {
  if (!m_shipped || m_p.dry_run) return;
  auto gz = store::stat_entry(dir.get(), f.name + ".gz");
  if (!gz) return;
  try {
    m_shipped->carry(store::identity_of(plain), store::identity_of(*gz), f.path + ".gz");
  } catch (const Error& e) {
    m_log("note: " + f.path + ".gz: the shipped journal was not updated (" + e.what() +
          "); the next recast ship finds it already in the store");
  }
}

} // namespace recssh::archive
