// SPDX-License-Identifier: MIT
#pragma once
// The cast file of a live recording. Events are formatted on the recorder's thread and
// handed to a writer thread through a bounded buffer, so a slow or full disk never
// stalls the session: what cannot be written is counted and, as soon as writing works
// again, a gap marker with the lost byte count goes into the cast. Every batch handed
// to write(2) is whole lines; a failed or short write is cut back (ftruncate) to the
// last whole line, so the file is a valid cast at every moment, kill -9 included.
//
// A full disk must not silence the end of the recording: on filesystems that can
// (fallocate FALLOC_FL_KEEP_SIZE), room for the end markers is kept allocated past the
// end of the file, and a batch that would eat into it is counted lost instead. Only
// the lines written after settle() (the gap and end markers) may use that room.
#include "core/event_writer.hpp"
#include "core/fd.hpp"
#include "record/live_seal.hpp"

#include <memory>
#include <string>

namespace recssh::record {

enum class OnError { keep_going, abort };

struct RecordingFileOptions {
  std::string format = "v2";   // the writer (registry name): v2, v3, or raw (output only)
  bool gzip = false;           // .cast.gz, sync-flushed at least once a second
  OnError on_error = OnError::keep_going;
  std::size_t buffer_limit = 3u << 20; // bytes on their way to the disk before dropping
};

class RecordingFile {
public:
  // Takes an open, locked, empty file.
  RecordingFile(Fd fd, std::string name, RecordingFileOptions options);
  ~RecordingFile(); // stops the writer thread (finish() is the orderly way)
  RecordingFile(const RecordingFile&) = delete;
  RecordingFile& operator=(const RecordingFile&) = delete;

  // Seal as the lines reach the disk (live_seal.hpp); before begin(), plain casts only.
  void seal_as_written(std::unique_ptr<LiveSeal> seal);
  void begin(const Header& h);
  void write(const Event& e);
  // Called from the poll loop now and then: gzip flush, deferred gap markers.
  void tick(Micros now);
  // The session is over: waits until everything handed over so far is on the disk or
  // counted lost, then lets the next lines use the room kept for the end. Returns
  // the bytes lost in all, for the end marker.
  std::uint64_t settle();
  // Writes everything still buffered and closes the stream. Throws Error if the file
  // could not be completed; the cast is still valid up to its last whole line.
  void finish();

  const std::string& name() const { return m_name; }
  // The asciicast version written (0: raw output).
  int version() const { return m_version; }
  // True once a write has failed (for --on-error=abort) .
  bool failed() const;
  std::string last_error() const;
  std::uint64_t lost_bytes() const;
  // After finish(): the seal's final record, or the reason there is none.
  const std::optional<store::SealFinal>& seal_final() const { return m_seal_final; }
  const std::string& seal_error() const { return m_seal_error; }

private:
  struct Shared;
  class QueueSink;
  void report_gap(Micros t);
  std::string m_name;
  RecordingFileOptions m_opts;
  std::shared_ptr<Shared> m_shared;
  std::unique_ptr<QueueSink> m_queue;
  std::unique_ptr<ByteSink> m_gzip;
  std::unique_ptr<EventWriter> m_writer;
  int m_version = 0;
  std::uint64_t m_reported_lost = 0;
  bool m_finished = false;
  bool m_dirty = false;
  std::optional<store::SealFinal> m_seal_final;
  std::string m_seal_error;
};

} // namespace recssh::record
