// SPDX-License-Identifier: MIT
#include "core/io.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh {

// ---- opening ----


namespace {
// A text file saved with a UTF-8 byte order mark (some editors add one) is read
// without it: no format has one, so each reader and probe would otherwise refuse the
// file. Binary formats keep their bytes: their headers hold NUL bytes right away
// (ttyrec's and BSD script's microseconds are below 2^24), text has none.
std::size_t bom_size(std::string_view head) {
  constexpr std::string_view bom = "\xEF\xBB\xBF";
  if (head.substr(0, 3) != bom) return 0;
  return head.substr(3, 64).find('\0') == std::string_view::npos ? 3 : 0;
}

// Sniffs gzip and reads the head for probing, without losing any byte.
Input make_input(std::string name, std::unique_ptr<ByteSource> raw, Diagnostics* diag,
                 std::optional<std::uint64_t> size) {
  Input in;
  in.name = std::move(name);
  in.size = size;
  std::string magic(2, '\0');
  std::size_t got = 0;
  while (got < 2) {
    std::size_t r = raw->read(magic.data() + got, 2 - got);
    if (r == 0) break;
    got += r;
  }
  magic.resize(got);
  in.gzip = got == 2 && magic[0] == '\x1f' && magic[1] == '\x8b';
  std::unique_ptr<ByteSource> src = std::make_unique<PrefixSource>(magic, std::move(raw));
  if (in.gzip) src = std::make_unique<GzipSource>(std::move(src), in.name, diag);
  // Read ahead the first line (bounded) for probing; it is replayed afterwards.
  constexpr std::size_t k_head_max = 1 << 16;
  std::string head(k_head_max, '\0');
  std::size_t used = 0;
  while (used < k_head_max) {
    std::size_t r = src->read(head.data() + used, std::min<std::size_t>(4096, k_head_max - used));
    if (r == 0) break;
    used += r;
    if (std::memchr(head.data(), '\n', used) && used >= 512) break;
  }
  head.resize(used);
  head.erase(0, bom_size(head));
  in.head = head;
  in.source = std::make_unique<PrefixSource>(std::move(head), std::move(src));
  return in;
}
} // namespace

Input open_input(const std::string& path, Diagnostics* diag) {
  std::string name = path == "-" ? "<stdin>" : path;
  std::unique_ptr<ByteSource> raw;
  struct stat st {};
  std::optional<std::uint64_t> size; // regular files only (see Input::size)
  if (path == "-") {
    if (::fstat(0, &st) == 0 && S_ISREG(st.st_mode)) size = std::uint64_t(st.st_size);
    raw = std::make_unique<FdSource>(0, name);
  } else {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw_errno("can't open " + path);
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      ::close(fd);
      throw Error("can't read " + path + ": is a directory");
    }
    if (S_ISREG(st.st_mode)) size = std::uint64_t(st.st_size);
    raw = std::make_unique<FdSource>(Fd(fd), name);
  }
  return make_input(std::move(name), std::move(raw), diag, size);
}

Input memory_input(std::string name, std::string bytes, Diagnostics* diag) {
  const std::uint64_t size = bytes.size();
  return make_input(std::move(name), std::make_unique<StringSource>(std::move(bytes)), diag, size);
}

Input source_input(std::string name, std::unique_ptr<ByteSource> raw, Diagnostics* diag,
                   std::optional<std::uint64_t> size) {
  return make_input(std::move(name), std::move(raw), diag, size);
}

Output::Output(const std::string& path, Overwrite overwrite, bool gzip, mode_t mode) {
  if (path == "-") {
    m_name = "<stdout>";
    m_fd_sink = std::make_unique<FdSink>(1, m_name);
  } else {
    m_name = path;
    m_file = std::make_unique<AtomicFile>(path, overwrite, mode);
    m_fd_sink = std::make_unique<FdSink>(m_file->fd(), m_name);
    m_fd_sink->start_writeback_early();
  }
  if (gzip) m_gzip = std::make_unique<GzipSink>(*m_fd_sink, m_name);
}

Output::~Output() = default;

void Output::finish_writing() {
  if (m_finished) return;
  m_finished = true;
  if (m_gzip) m_gzip->close();
  m_fd_sink->flush();
}

void Output::commit() {
  finish_writing();
  if (m_file) m_file->commit();
}

} // namespace recssh
