// SPDX-License-Identifier: MIT
#pragma once
// `recast rotate ROOT`, for cron: optionally merge each finished day's recordings per
// user and host into one daily cast, gzip recordings older than compress_after,
// delete those older than retain. Never touches a recording that is locked (being
// recorded) or modified within min_age. Every output is written to a temporary file,
// re-read and compared event for event with its inputs before any input is removed.
// A merge is journaled so a rotate killed at any point is completed or rolled back by
// the next one; a compress is recognised by its two files. A lock keeps two rotations
// apart. Lock and journal live where only the effective user can write
// (rotate_state.cpp). Root runs this over roots where users write: nothing a user
// wrote is trusted, and nothing outside ROOT is touched (recast(1), THREAT MODEL).
#include "core/errors.hpp"

#include <functional>
#include <optional>
#include <string>

namespace recssh::archive {

struct RotatePolicy {
  bool merge_daily = false;
  std::optional<std::int64_t> compress_after; // seconds since last modification
  std::optional<std::int64_t> retain;         // seconds since last modification
  std::int64_t min_age = 60;                  // seconds: younger files are left alone
  bool dry_run = false;
  std::string seal_key; // signs the tombstones of sealed recordings that retention deletes
  // Sealing configured (`seal = yes` or a key): recordings are sealed before they are
  // compressed or merged, a merge's inputs must verify, and the daily file gets a seal
  // that lists them (archive/seal.hpp).
  bool seal = false;
  std::uint64_t seal_every_lines = 1000;
  std::string allowed_signers; // to check the inputs' signatures before a merge (optional)
  // The shipped journal (store/shipped.hpp), when there is one: a compressed recording
  // inherits the entries of the plain one. With require_shipped_to (s3://BUCKET/PREFIX),
  // retention deletes a recording only if the journal has its content's SHA-256 (of
  // the bytes as they are, or for a .gz of the bytes it decompresses to) as shipped
  // there; any other is kept and reported ("kept: not shipped: FILE").
  std::string shipped_journal;
  std::optional<std::string> require_shipped_to;
};

struct RotateReport {
  unsigned long merged_groups = 0, merged_inputs = 0, compressed = 0, deleted = 0, locked = 0, recent = 0,
                recovered = 0, failed = 0, kept_unshipped = 0;
  unsigned long captures_compressed = 0, captures_deleted = 0; // port forwards' PCAPs
};

// "90d", "12h", "30m", "45s" or plain seconds; nullopt if malformed.
std::optional<std::int64_t> parse_age(const std::string& text);

// `log` receives one line per action (and per failure, starting with "error: ").
RotateReport rotate(const std::string& root, const RotatePolicy& policy,
                    const std::function<void(const std::string&)>& log);

} // namespace recssh::archive
