// SPDX-License-Identifier: MIT
#pragma once
// Sealing while recording (store/seal.hpp has the chain and the sidecar format): the
// writer thread hands over each batch once it is on the disk, so the chain covers
// exactly the bytes the file holds (a lost batch is not in the file and not in the
// chain). A checkpoint is due every N lines or S seconds; it is written after the
// cast's bytes are synced, so that a crash leaves a sidecar whose last checkpoint the
// file still verifies against. The syncs run on a thread of their own: an fdatasync
// of tens of MiB takes a while, and the writer thread must not stop draining the
// recorder's bounded buffer meanwhile (it would drop output of a fast session). A
// checkpoint that falls due while the previous one is still syncing replaces the one
// waiting, so memory stays flat on a slow disk. Plain casts only: a gzip'd cast's
// writer sees compressed bytes (those are sealed when the session ends, by reading
// the file back).
#include "core/fd.hpp"
#include "store/seal.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace recssh::record {

struct LiveSealOptions {
  std::uint64_t every_lines = 1000;
  std::chrono::seconds every{5};
  // Told every checkpoint and the final record ("NAME line=N hash=H", "NAME final=H
  // lines=N"), e.g. for syslog: a copy where the recorded user cannot edit it. Called
  // on the seal's sync thread for checkpoints, on the closing thread for the final.
  std::function<void(const std::string&)> anchor;
};

class LiveSeal {
public:
  LiveSeal(Fd sidecar, std::string sidecar_name, std::string cast_name, LiveSealOptions options);
  ~LiveSeal();
  LiveSeal(const LiveSeal&) = delete;
  LiveSeal& operator=(const LiveSeal&) = delete;
  // A batch of whole lines that is now in the cast (whose fd is `cast_fd`, open until
  // close()). Called by one thread only.
  void written(const std::string& batch, int cast_fd);
  // The session is over and the cast synced: the final record. Throws Error.
  store::SealFinal close();
  const std::string& sidecar_name() const { return m_sidecar_name; }
  // A write to the sidecar failed: sealing stopped (the cast goes on).
  std::string error() const;

private:
  void append(const std::string& line);
  void sync_loop();
  void stop_syncing();

  Fd m_fd;
  std::string m_sidecar_name, m_cast_name;
  LiveSealOptions m_options;
  // Used by the writing thread only.
  store::SealChain m_chain;
  std::string m_head_hash; // of the head line, for the final record
  std::uint64_t m_lines_at_checkpoint = 0;
  std::chrono::steady_clock::time_point m_last_checkpoint = std::chrono::steady_clock::now();
  // Shared with the sync thread.
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::optional<store::SealCheckpoint> m_due; // the newest checkpoint not yet written
  int m_cast_fd = -1;
  bool m_stop = false;
  std::string m_error;
  std::mutex m_sidecar_mutex; // one writer of the sidecar at a time
  std::thread m_syncer;       // last: it starts once everything above exists
};

} // namespace recssh::record
