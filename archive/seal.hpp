// SPDX-License-Identifier: MIT
#pragma once
// Sealing recordings after the fact and verifying seals (the chain and sidecar are
// store/seal.hpp; signatures are signature.hpp). Both stream the cast line by line,
// .gz transparently: memory stays flat whatever the size.
#include "store/seal.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace recssh::archive {

struct SealOptions {
  std::uint64_t every_lines = 1000; // a checkpoint every this many lines
  std::string key;                  // sign the final record with this key (empty: unsigned)
  bool overwrite = false;           // replace an existing seal
  bool holding_lock = false;        // the caller is the recorder that holds the file's lock
  // What the recording was made from, when not what its header says (a merge: its
  // inputs, with the final hashes of their seals). Empty: from the header.
  std::vector<store::SealSource> sources;
};
struct SealResult {
  std::string seal;  // the sidecar written
  store::SealFinal final;
  std::size_t checkpoints = 0;
  bool signed_ = false;
};
// Seals `path`: the sidecar is written beside it (temp + rename). Refuses a recording
// that is still being recorded, an existing seal unless overwrite, and a file whose
// last line is unfinished (a crashed recorder: repair it first). Throws Error.
SealResult seal_file(const std::string& path, const SealOptions& options);

struct VerifyOptions {
  std::string allowed_signers; // empty: signatures cannot be checked
  std::string revoked;         // an OpenSSH revocation list (KRL or keys), optional
  bool allow_unsigned = false; // an intact unsigned chain counts as OK
  // Where the source files of converted recordings are (found by base name): each one
  // the seal lists must be there with the SHA-256 it was sealed with. Empty: not checked.
  std::string sources_dir;
};
enum class Verdict {
  ok,                 // chain intact, signature good (or unsigned allowed)
  unsigned_intact,    // chain intact, nothing signed it
  signature_unchecked, // chain intact, signed, but no allowed-signers to check it with
  edited,             // a checkpoint or the final hash does not match
  truncated,          // lines are missing at the end
  appended,           // lines after the sealed end
  incomplete_seal,    // the sealer stopped (crash): verified up to its last checkpoint
  no_seal,            // no sidecar
  other_recording,    // the sidecar is for another recording
  merge_mismatch,     // a merged cast's join markers are not the sealed inputs its seal lists
  source_mismatch,    // a converted recording's source file is missing or not the one sealed
  bad_signature,
  unknown_signer,
  revoked,
  being_recorded,     // still open: not sealed yet
  unreadable,         // the cast or the sidecar cannot be read
};
const char* verdict_name(Verdict v);

struct VerifyResult {
  Verdict verdict = Verdict::unreadable;
  std::string message;      // one line, for people
  std::string signer;       // the allowed-signers principal, when signed and checked
  std::uint64_t lines = 0;  // complete lines in the cast
  std::uint64_t verified = 0; // lines the chain proved (through the last matching point)
  std::string seal;         // the sidecar used
  std::size_t merged = 0;   // a merged cast: the sealed inputs it was shown to consist of
  std::size_t sources = 0;  // source files found as sealed (VerifyOptions::sources_dir)
  bool ok() const { return verdict == Verdict::ok; }
};
VerifyResult verify_file(const std::string& path, const VerifyOptions& options);
// Several files on `jobs` threads (SHA-256 is the limit: one file per core), each
// result handed to `on_result` on the calling thread, in the order of `paths`.
void verify_files(const std::vector<std::string>& paths, const VerifyOptions& options, unsigned jobs,
                  const std::function<void(const std::string& path, const VerifyResult& r)>& on_result);

} // namespace recssh::archive
