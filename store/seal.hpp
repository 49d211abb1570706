// SPDX-License-Identifier: MIT
#pragma once
// Tamper evidence for a recording: a SHA-256 chain over the exact bytes of each line
// of the uncompressed cast (header included, each line with its '\n'), and the
// sidecar FILE.seal that holds its checkpoints. The cast itself is not touched, so
// it stays a plain asciicast that every player reads.
//
//   h1 = SHA-256("recssh-seal-v1\n" || line 1)      (the header)
//   hn = SHA-256(h(n-1), 32 raw bytes || line n)
//
// The sidecar is JSON lines: a head (what is sealed), checkpoints ({"line": n,
// "offset": bytes through line n, "hash": hn, "time": unix seconds}), then at close a
// final record, and the signature of the final record's exact bytes when signed.
// Both the recorder (live) and `recast seal` (after the fact) write it here.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace recssh::store {

inline constexpr std::string_view k_seal_chain = "sha256-lines-v1";
inline constexpr std::string_view k_seal_namespace = "recssh"; // ssh-keygen -Y -n

// The chain as it advances, one line at a time.
class SealChain {
public:
  SealChain();
  ~SealChain();
  SealChain(SealChain&&) noexcept;
  SealChain& operator=(SealChain&&) noexcept;
  // `line` without its '\n' (the '\n' is hashed too).
  void add(std::string_view line);
  std::uint64_t lines() const { return m_lines; }
  std::uint64_t bytes() const { return m_bytes; } // through the last line's '\n'
  std::string hex() const;

private:
  struct Ctx;
  std::unique_ptr<Ctx> m_ctx;
  unsigned char m_hash[32] = {};
  std::uint64_t m_lines = 0, m_bytes = 0;
};

struct SealSource { // a file a converted recording was made from, or a merge's input
  std::string name, sha256;
  std::string final; // a merge's input: the final hash of its seal, checked when merged
};
struct SealHead {
  std::string cast;    // the sealed file's name, for the reader
  std::string id;      // the recording's session id, or its header timestamp
  std::vector<SealSource> sources;
};
struct SealCheckpoint {
  std::uint64_t line = 0, offset = 0;
  std::string hash;
  std::int64_t time = 0;
};
struct SealFinal {
  std::uint64_t lines = 0, bytes = 0;
  std::string hash;
  std::int64_t time = 0;
  std::string head; // SHA-256 of the head line: the signature covers name, id and sources too
  std::string text; // the record's exact bytes: what the signature covers
};
struct Seal {
  SealHead head;
  std::string head_line; // its exact bytes, as read
  std::vector<SealCheckpoint> checkpoints;
  std::optional<SealFinal> final;
  std::string signature; // armored "-----BEGIN SSH SIGNATURE-----" text, or empty
};

// The sidecar of a cast: FILE.seal (for a .cast.gz its own, or the .cast's from
// before compression).
std::string seal_path(const std::string& cast_path);
std::optional<std::string> find_seal(const std::string& cast_path);

// Removes the seals of recording `name` in the directory `dirfd` (NAME.seal, and for
// NAME.gz also the seal it had before compression) when they are regular files of
// `owner`: a recording that goes takes its seal along, and nothing else. Relative to
// the held directory, never following a symlink (rotate runs as root in users' trees).
void remove_seals_of(int dirfd, const std::string& name, unsigned owner);

// Sidecar lines, each without its '\n'.
std::string seal_head_line(const SealHead& head);
std::string seal_head_hash(std::string_view head_line); // what SealFinal::head holds
std::string seal_checkpoint_line(const SealCheckpoint& c);
std::string seal_final_line(const SealFinal& f);
std::string seal_signature_line(std::string_view armored);

// Reads a sidecar; throws FormatError naming file:line for a broken one. A torn last
// line (a crash while writing it) is ignored, as for casts.
Seal read_seal(const std::string& path);

// What identifies a recording for its seal: the recssh session id, else the header's
// timestamp; empty when the header (the first line) has neither.
std::string seal_id(std::string_view header_line);

} // namespace recssh::store
