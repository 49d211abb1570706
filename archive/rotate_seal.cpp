// SPDX-License-Identifier: MIT
// Rotation with sealing configured: what is compressed or merged is sealed first, and
// a merge consumes only recordings whose seals verify, so the daily file's own seal
// (which lists them) extends the proof instead of laundering an edit.
#include "archive/rotation.hpp"
#include "archive/seal.hpp"
#include "core/errors.hpp"
#include "core/sha256.hpp"

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

} // namespace recssh::archive
