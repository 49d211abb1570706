// SPDX-License-Identifier: MIT
#pragma once
// Byte sources and sinks: plain fds, gzip (transparent on input, sync-flushed on
// output), and atomic files (temp file + rename; the destructor never commits).
#include "core/errors.hpp"
#include "core/fd.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <sys/uio.h>
#include <vector>

namespace recssh {

class ByteSource {
public:
  virtual ~ByteSource() = default;
  // Reads up to n bytes; 0 means end of input. Throws Error on failure.
  virtual std::size_t read(char* buf, std::size_t n) = 0;
};

class ByteSink {
public:
  virtual ~ByteSink() = default;
  virtual void write(const char* p, std::size_t n) = 0;
  void write(std::string_view s) { write(s.data(), s.size()); }
  // Writes the pieces in order. They need to stay valid only during the call, so a
  // sink that would copy them may write large ones from where they are instead.
  virtual void write_gather(std::span<const std::string_view> pieces) {
    for (std::string_view s : pieces) write(s);
  }
  // Pushes everything written so far to the file (not to the disk: no fsync).
  virtual void flush() {}
  // Ends the stream (gzip trailer); nothing may be written after.
  virtual void close() { flush(); }
};

class FdSource final : public ByteSource {
public:
  FdSource(Fd fd, std::string name) : m_fd(std::move(fd)), m_name(std::move(name)) {}
  // Borrows fd (stdin): it is not closed.
  FdSource(int fd, std::string name) : m_borrowed(fd), m_name(std::move(name)) {}
  std::size_t read(char* buf, std::size_t n) override;

private:
  Fd m_fd;
  int m_borrowed = -1;
  std::string m_name;
};

// Replays bytes that were read ahead for probing, then continues with `below`.
class PrefixSource final : public ByteSource {
public:
  PrefixSource(std::string prefix, std::unique_ptr<ByteSource> below)
      : m_prefix(std::move(prefix)), m_below(std::move(below)) {}
  std::size_t read(char* buf, std::size_t n) override;

private:
  std::string m_prefix;
  std::size_t m_pos = 0;
  std::unique_ptr<ByteSource> m_below;
};

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

// Writes to an fd. With buffer_size 0 every write() is passed on as one write(2), so
// a recorder's event line lands whole; otherwise writes are gathered.
class FdSink final : public ByteSink {
public:
  FdSink(int fd, std::string name, std::size_t buffer_size = 1 << 20);
  ~FdSink() override;
  void write(const char* p, std::size_t n) override;
  // Pieces of k_direct bytes or more go to the file with writev from where they are,
  // between the buffered bytes around them: one copy less for `cat` of large output.
  void write_gather(std::span<const std::string_view> pieces) override;
  void flush() override;
  // For a file that will be fsync'd when complete: ask the kernel to start writing
  // every few MiB as they come (sync_file_range, not waiting), so the disk works
  // while we do and the final fsync has little left.
  void start_writeback_early() { m_early_writeback = true; }

private:
  static constexpr std::uint64_t k_writeback_step = std::uint64_t(8) << 20;
  static constexpr std::size_t k_direct = 1024; // smaller pieces: a copy is cheaper than an iovec
  void write_all(const char* p, std::size_t n);
  void write_all(std::vector<iovec>& iov); // consumes iov
  void written(std::size_t n);
  bool m_early_writeback = false;
  std::uint64_t m_written = 0, m_kicked = 0;
  int m_fd;
  std::string m_name;
  std::unique_ptr<char[]> m_buf; // not cleared: one is made per output file
  std::size_t m_size = 0;
  std::size_t m_used = 0;
  std::vector<iovec> m_iov; // write_gather's, kept for its capacity
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

enum class Overwrite { no, yes };

// A file written under a temporary name in the target's directory and renamed over
// the target by commit(). If commit() is never called the temp file is removed, so
// the target is either untouched or complete. With Overwrite::no an existing target
// is refused up front and again, atomically, at the rename.
class AtomicFile {
public:
  AtomicFile(std::string path, Overwrite overwrite, mode_t mode = 0644);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  int fd() const { return m_fd.get(); }
  const std::string& path() const { return m_path; }
  // fsync, rename, and fsync the directory, unless the caller syncs the directory
  // itself later (once for many files).
  enum class DirSync { now, later };
  void commit(DirSync sync = DirSync::now);

private:
  std::string m_path, m_tmp;
  Overwrite m_overwrite;
  Fd m_fd;
  bool m_committed = false;
};

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

// A source over an in-memory string.
class StringSource final : public ByteSource {
public:
  explicit StringSource(std::string s) : m_s(std::move(s)) {}
  std::size_t read(char* buf, std::size_t n) override;

private:
  std::string m_s;
  std::size_t m_pos = 0;
};

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

bool ends_with(std::string_view s, std::string_view suffix);

// "a/b/c.cast" -> "a/b" ("." without a slash) and "c.cast".
std::string dir_of(const std::string& path);
std::string base_of(const std::string& path);
// fsync of a directory, so entries created, renamed or removed in it are durable.
void sync_directory(const std::string& dir);
// Every byte readable from `from` into `to`. Throws Error naming `name`.
void copy_fd(int from, ByteSink& to, const std::string& name);

} // namespace recssh
