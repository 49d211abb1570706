// SPDX-License-Identifier: MIT
#pragma once
// Sealing while recording (store/seal.hpp has the chain and the sidecar format): the
// writer thread hands over each batch once it is on the disk, so the chain covers
// exactly the bytes the file holds (a lost batch is not in the file and not in the
// chain). A checkpoint is written every N lines or S seconds, after the cast's bytes
// are synced, so that a crash leaves a sidecar whose last checkpoint the file still
// verifies against. Plain casts only: a gzip'd cast's writer sees compressed bytes
// (those are sealed when the session ends, by reading the file back).
#include "core/fd.hpp"
#include "store/seal.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace recssh::record {

struct LiveSealOptions {
  std::uint64_t every_lines = 1000;
  std::chrono::seconds every{5};
  // Told every checkpoint and the final record ("NAME line=N hash=H", "NAME final=H
  // lines=N"), e.g. for syslog: a copy where the recorded user cannot edit it. Called
  // on the writer thread.
  std::function<void(const std::string&)> anchor;
};

class LiveSeal {
public:
  LiveSeal(Fd sidecar, std::string sidecar_name, std::string cast_name, LiveSealOptions options);
  // A batch of whole lines that is now in the cast (whose fd is `cast_fd`).
  void written(const std::string& batch, int cast_fd);
  // The session is over and the cast synced: the final record. Throws Error.
  store::SealFinal close();
  const std::string& sidecar_name() const { return m_sidecar_name; }
  // A write to the sidecar failed: sealing stopped (the cast goes on).
  const std::string& error() const { return m_error; }

private:
  void append(const std::string& line);
  Fd m_fd;
  std::string m_sidecar_name, m_cast_name, m_error;
  LiveSealOptions m_options;
  store::SealChain m_chain;
  std::string m_head_hash; // of the head line, for the final record
  std::uint64_t m_lines_at_checkpoint = 0;
  std::chrono::steady_clock::time_point m_last_checkpoint = std::chrono::steady_clock::now();
};

} // namespace recssh::record
