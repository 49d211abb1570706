// SPDX-License-Identifier: MIT
// Rotation with sealing configured: what is compressed or merged is sealed first, and
// a merge consumes only recordings whose seals verify, so the daily file's own seal
// (which lists them) extends the proof instead of laundering an edit.
#include "archive/rotation.hpp"
#include "archive/seal.hpp"
#include "core/errors.hpp"
#include "core/paths.hpp"
#include "core/sha256.hpp"
#include "store/layout.hpp"

#include <fcntl.h>
#include <set>

namespace recssh::archive {

void Rotation::seal_unsealed(const Fd& dir, const Rec& f) {
  // Read and written through the held directory (/proc/self/fd/N/NAME), after the
  // caller checked that the name leads to the inode it scanned.
  const std::string held = at(dir, f.name);
  if (store::find_seal(held)) return;
  say("seal " + f.path);
  SealOptions so;
  so.every_lines = m_p.seal_every_lines;
  so.key = m_p.seal_key;
  seal_file(held, so);
}

std::vector<store::SealSource> Rotation::merge_sources(const Fd& dir, const Rec& f) {
  seal_unsealed(dir, f);
  const std::string held = at(dir, f.name);
  VerifyOptions vo;
  vo.allowed_signers = m_p.allowed_signers;
  VerifyResult v = verify_file(held, vo);
  switch (v.verdict) {
  case Verdict::ok:
  case Verdict::unsigned_intact:
  case Verdict::signature_unchecked:
    break;
  default:
    throw Error(f.path + ": its seal does not verify (" + std::string(verdict_name(v.verdict)) + ": " + v.message + ")");
  }
  const store::Seal seal = store::read_seal(v.seal);
  std::vector<store::SealSource> out{{f.name, sha256_file(held), seal.final ? seal.final->hash : std::string()}};
  for (const auto& s : seal.head.sources) // an earlier merge: its join markers stay in the new one
    if (!s.final.empty()) out.push_back(s);
  return out;
}

bool Rotation::has_manifest(const std::string& rel_dir) const {
  try {
    return store::stat_entry(open_dir(rel_dir).get(), k_manifest_name).has_value();
  } catch (const Error&) {
    return false; // the merge itself reports a directory it cannot open
  }
}

void Rotation::write_manifests() {
  const std::string today = store::day_name(m_now);
  std::set<std::string> days; // relative; sorted, so each day comes after the one it chains to
  auto finished_day = [&](const std::string& rel) {
    return !rel.empty() && store::parse_day_name(base_of(rel)) && base_of(rel) < today;
  };
  for (const auto& f : m_files)
    if (finished_day(f.rel_dir)) days.insert(f.rel_dir);
  for (const auto& rel : m_open_dirs)
    if (finished_day(rel)) days.insert(rel); // to say why it waits
  for (const auto& rel : days) {
    const std::string shown = shown_dir(rel);
    try {
      Fd dir = open_dir(rel);
      if (store::stat_entry(dir.get(), k_manifest_name)) continue;
      if (m_open_dirs.count(rel)) { // a session that began that day is still being written
        m_log("day manifest " + shown + ": not yet, a recording there is still open or too recent");
        continue;
      }
      say("write the day manifest " + shown + "/" + k_manifest_name);
      if (m_p.dry_run) continue;
      const std::string parent_rel = rel.find('/') == std::string::npos ? "" : dir_of(rel);
      Fd parent = parent_rel.empty() ? Fd(::fcntl(m_root_fd.get(), F_DUPFD_CLOEXEC, 0)) : open_dir(parent_rel);
      SealOptions so;
      so.every_lines = m_p.seal_every_lines;
      so.key = m_p.seal_key;
      auto r = seal_day(DayPlace{store::fd_path(dir.get()), store::fd_path(parent.get()), base_of(rel)}, so);
      m_log("day manifest " + shown + ": " + std::to_string(r.files) + " recordings (" +
            std::to_string(r.newly_sealed) + " sealed now)" + (r.signed_ ? ", signed" : ", not signed (no seal-key)"));
    } catch (const Error& e) {
      failure("day manifest " + shown + ": " + e.what());
    }
  }
}

} // namespace recssh::archive
