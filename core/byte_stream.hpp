// SPDX-License-Identifier: MIT
#pragma once
// Byte sources and sinks: the two interfaces every reader and writer streams through,
// over file descriptors and memory. (Gzip stacks on them: gzip.hpp.)
#include "core/errors.hpp"
#include "core/fd.hpp"

#include <memory>
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

// A source over an in-memory string.
class StringSource final : public ByteSource {
public:
  explicit StringSource(std::string s) : m_s(std::move(s)) {}
  std::size_t read(char* buf, std::size_t n) override;

private:
  std::string m_s;
  std::size_t m_pos = 0;
};

// Every byte readable from `from` into `to`. Throws Error naming `name`.
void copy_fd(int from, ByteSink& to, const std::string& name);

} // namespace recssh
