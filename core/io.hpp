// SPDX-License-Identifier: MIT
#pragma once
// Opening what a command reads and writes: an input by path or "-" (gzip detected and
// decompressed, the first bytes kept for probing) and an output by path or "-"
// (stdout, or an atomic file, gzip'd when asked). The pieces are byte_stream.hpp,
// gzip.hpp, atomic_file.hpp and paths.hpp, which this header brings in.
#include "core/atomic_file.hpp"
#include "core/byte_stream.hpp"
#include "core/errors.hpp"
#include "core/gzip.hpp"
#include "core/paths.hpp"

#include <memory>
#include <optional>
#include <string>

namespace recssh {

// An opened input: its display name, the (decompressed) byte stream, and the first
// bytes of it for format probing (they are also replayed by `source`).
struct Input {
  std::string name;
  std::unique_ptr<ByteSource> source;
  std::string head;
  bool gzip = false;
  // Bytes of the regular file (or memory) behind the input, compressed or not;
  // nullopt for pipes and terminals, which are never read ahead of the consumer.
  std::optional<std::uint64_t> size;
};

// Opens a path ("-" is stdin), decompressing gzip transparently. Throws Error.
Input open_input(const std::string& path, Diagnostics* diag = nullptr);
// The same over bytes already in memory (fuzzing, tests).
Input memory_input(std::string name, std::string bytes, Diagnostics* diag = nullptr);
// The same over any byte source (a file followed while it grows, a file read from an
// offset behind its header); `size` as in Input::size.
Input source_input(std::string name, std::unique_ptr<ByteSource> raw, Diagnostics* diag = nullptr,
                   std::optional<std::uint64_t> size = std::nullopt);

// Where a command's output goes: stdout for "-", else an AtomicFile; gzip'd when asked
// (or the path ends in .gz). commit() finishes and publishes it.
class Output {
public:
  Output(const std::string& path, Overwrite overwrite, bool gzip, mode_t mode = 0644);
  ~Output();
  ByteSink& sink() { return m_gzip ? static_cast<ByteSink&>(*m_gzip) : *m_fd_sink; }
  const std::string& name() const { return m_name; }
  // Ends the stream (gzip trailer, buffers flushed) without publishing it yet.
  void finish_writing();
  // The temp file's fd when the output is a plain (not gzip'd) file, so a fixed-size
  // placeholder in what was written can be filled in before commit(); else -1.
  int patchable_fd() const { return m_file && !m_gzip ? m_file->fd() : -1; }
  void commit();

private:
  bool m_finished = false;
  std::string m_name;
  std::unique_ptr<AtomicFile> m_file;
  std::unique_ptr<FdSink> m_fd_sink;
  std::unique_ptr<GzipSink> m_gzip;
};

} // namespace recssh
