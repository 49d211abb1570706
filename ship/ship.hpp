// SPDX-License-Identifier: MIT
#pragma once
// recast ship: finished recordings to S3-compatible storage, idempotent and verified.
// For each recording: its SHA-256 (and per-part hashes when it goes multipart), a HEAD
// of its key (same recssh-sha256: nothing to do; another object there: never
// overwritten, the recording goes to a key suffixed with its own hash and the conflict
// is reported), the upload (one PUT, or multipart resuming an interrupted upload of
// the same bytes), then a HEAD that must show the size and checksum (and with
// verify_read a GET whose bytes must hash the same). Reports through a callback; -j
// workers, each with its own connection; memory bounded by curl's buffers, not by
// file sizes. With a journal (store/shipped.hpp), every confirmed result is recorded
// there, and a recording the journal already has for this target, unchanged, is
// skipped without asking the store.
#include "ship/http.hpp"
#include "ship/names.hpp"
#include "ship/s3.hpp"
#include "ship/settings.hpp"
#include "store/shipped.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace recssh::ship {

// One recording to ship and where below the target it goes.
struct Candidate {
  std::string path;
  std::string dir; // the key's DIR part (names.hpp: object_key)
  // The inode the walk saw (0: a file named directly): what is opened must be it, so
  // that a directory swapped for a symlink in a root users write to cannot make root
  // ship some other file under a recording's name.
  dev_t dev = 0;
  ino_t ino = 0;
};

enum class Outcome {
  uploaded,  // now in the store, confirmed
  present,   // was already there with the same checksum: nothing sent
  conflict,  // another object holds the key: shipped (or already) under conflict_key
  pending,   // not finished yet (locked or too young): the next run takes it
  failed,
};
const char* outcome_name(Outcome o);

struct Result {
  std::string path, key;
  Outcome outcome = Outcome::failed;
  std::string message; // what happened, for people (never a secret)
  std::uint64_t bytes_sent = 0;
  bool multipart = false;
  bool resumed = false; // an interrupted multipart upload was continued
  bool from_journal = false; // skipped: the journal has it, unchanged, for this target
  std::string sha256;
  std::optional<store::FileIdentity> identity; // of the file as it was read
};

struct Options {
  Target target;
  std::string host;       // the key's HOST part
  unsigned jobs = 4;
  unsigned part_jobs = 4; // parts of one file sent at once, each on its own connection
  std::uint64_t part_size = 64ull << 20; // larger files go multipart, in parts this big
  bool verify_read = false;
  std::int64_t min_age_s = 60;           // younger recordings wait for the next run
  std::int64_t abort_after_s = 7 * 86400; // unfinished multipart uploads older than this go
  Limits limits;
  RetryPolicy retry;
  store::ShippedJournal* journal = nullptr; // consulted and written when given
  bool recheck = false; // ask the store even about what the journal has
};

constexpr std::uint64_t k_min_part_size = 5ull << 20; // S3's minimum, all parts but the last
constexpr std::uint64_t k_max_part_size = 5ull << 30;
constexpr int k_max_parts = 10000;

// The recordings in `paths`: a directory is walked as a root (store/walk: finished
// recordings only, never through a symlink; DIR mirrors its layout), a file is taken
// as it is (DIR: its day directory's name, else the day it started). Recordings still
// being recorded or younger than min_age come back as `pending` results.
std::vector<Candidate> collect(const std::vector<std::string>& paths, const Options& options,
                               const std::function<void(const Result&)>& report);

struct Callbacks {
  std::function<void(const Result&)> report;        // one per recording, in completion order
  std::function<void(const std::string&)> notice;   // retries, aborted stale uploads
};

// Ships every candidate; the callbacks are called one at a time (never concurrently).
void ship(const std::vector<Candidate>& candidates, const Settings& settings, const Options& options,
          const Callbacks& callbacks);

// The part size for a file: options' size, grown so that no file needs more than
// k_max_parts parts.
std::uint64_t part_size_for(std::uint64_t file_size, std::uint64_t wanted);

} // namespace recssh::ship
