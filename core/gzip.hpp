// SPDX-License-Identifier: MIT
#pragma once
// gzip over byte streams: transparent on input (concatenated members, a stream cut
// short), sync-flushed on output so a crash loses at most the last second.
#include "core/byte_stream.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace recssh {

// Inflates gzip (several concatenated members too). A stream cut short (a crashed
// writer) is a warning; what was flushed before it is returned.
class GzipSource final : public ByteSource {
public:
  GzipSource(std::unique_ptr<ByteSource> below, std::string name, Diagnostics* diag);
  ~GzipSource() override;
  std::size_t read(char* buf, std::size_t n) override;

private:
  struct State;
  std::unique_ptr<State> m_state;
  std::unique_ptr<ByteSource> m_below;
  std::string m_name;
  Diagnostics* m_diag;
};

// Deflates into `below` with a gzip header. It sync-flushes at least once a second
// (wall clock) while being written, so a crash loses at most the last second.
class GzipSink final : public ByteSink {
public:
  GzipSink(ByteSink& below, std::string name);
  ~GzipSink() override;
  void write(const char* p, std::size_t n) override;
  void flush() override; // a Z_SYNC_FLUSH: everything so far is decodable
  void close() override;

private:
  void pump(int mode);
  struct State;
  std::unique_ptr<State> m_state;
  ByteSink& m_below;
  std::string m_name;
  std::chrono::steady_clock::time_point m_last_flush;
  bool m_closed = false;
};

} // namespace recssh
