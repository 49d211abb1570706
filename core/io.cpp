// SPDX-License-Identifier: MIT
#include "core/io.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <zlib.h>

namespace recssh {

namespace {
[[noreturn]] void throw_errno(const std::string& what, int err = errno) {
  throw Error(what + ": " + std::strerror(err));
}

} // namespace

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void sync_directory(const std::string& dir) {
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.valid()) ::fsync(d.get());
}

void copy_fd(int from, ByteSink& to, const std::string& name) {
  // One buffer per thread for every file copied: rotate and merge copy thousands.
  constexpr std::size_t k_size = 1 << 20;
  static thread_local std::unique_ptr<char[]> buf(new char[k_size]);
  for (;;) {
    ssize_t n = ::read(from, buf.get(), k_size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("cannot read " + name);
    if (n == 0) return;
    to.write(buf.get(), static_cast<std::size_t>(n));
  }
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// ---- sources ----

std::size_t FdSource::read(char* buf, std::size_t n) {
  int fd = m_fd.valid() ? m_fd.get() : m_borrowed;
  for (;;) {
    ssize_t r = ::read(fd, buf, n);
    if (r >= 0) return std::size_t(r);
    if (errno == EINTR) continue;
    throw_errno("can't read " + m_name);
  }
}

std::size_t PrefixSource::read(char* buf, std::size_t n) {
  if (m_pos < m_prefix.size()) {
    std::size_t k = std::min(n, m_prefix.size() - m_pos);
    std::memcpy(buf, m_prefix.data() + m_pos, k);
    m_pos += k;
    if (m_pos == m_prefix.size()) {
      std::string().swap(m_prefix); // release the memory: inputs stay flat
      m_pos = 0;
    }
    return k;
  }
  return m_below->read(buf, n);
}

struct GzipSource::State {
  z_stream zs{};
  std::vector<unsigned char> in = std::vector<unsigned char>(1 << 16);
  bool in_eof = false;
  bool finished = false;
  bool member_done = false;
};

GzipSource::GzipSource(std::unique_ptr<ByteSource> below, std::string name, Diagnostics* diag)
    : m_state(std::make_unique<State>()), m_below(std::move(below)), m_name(std::move(name)),
      m_diag(diag) {
  if (inflateInit2(&m_state->zs, 15 + 16) != Z_OK) throw Error("zlib: inflateInit failed");
}

GzipSource::~GzipSource() { inflateEnd(&m_state->zs); }

std::size_t GzipSource::read(char* buf, std::size_t n) {
  State& s = *m_state;
  if (s.finished) return 0;
  s.zs.next_out = reinterpret_cast<Bytef*>(buf);
  s.zs.avail_out = unsigned(std::min<std::size_t>(n, 1u << 30));
  while (s.zs.avail_out == unsigned(std::min<std::size_t>(n, 1u << 30))) {
    if (s.zs.avail_in == 0 && !s.in_eof) {
      std::size_t r = m_below->read(reinterpret_cast<char*>(s.in.data()), s.in.size());
      if (r == 0) s.in_eof = true;
      s.zs.next_in = s.in.data();
      s.zs.avail_in = unsigned(r);
    }
    if (s.member_done) {
      // Another gzip member may follow (concatenated .gz files, or appends).
      if (s.zs.avail_in == 0 && s.in_eof) {
        s.finished = true;
        break;
      }
      inflateReset(&s.zs);
      s.member_done = false;
    }
    int ret = inflate(&s.zs, Z_NO_FLUSH);
    if (ret == Z_STREAM_END) {
      s.member_done = true;
      continue;
    }
    if (ret == Z_BUF_ERROR && s.zs.avail_in == 0 && s.in_eof) {
      Diagnostics to_stderr;
      (m_diag ? *m_diag : to_stderr)
          .warn(m_name, "compressed data ends early (a crashed writer?); "
                        "using what was flushed before the cut");
      s.finished = true;
      break;
    }
    if (ret != Z_OK && ret != Z_BUF_ERROR)
      throw Error(m_name + ": corrupt gzip data (" + (s.zs.msg ? s.zs.msg : "zlib error") + ")");
  }
  return std::min<std::size_t>(n, 1u << 30) - s.zs.avail_out;
}

// ---- sinks ----

FdSink::FdSink(int fd, std::string name, std::size_t buffer_size)
    : m_fd(fd), m_name(std::move(name)), m_buf(buffer_size ? new char[buffer_size] : nullptr),
      m_size(buffer_size) {}

FdSink::~FdSink() {
  // Best effort only: errors are reported by an explicit flush() before this.
  if (m_used != 0) {
    try {
      flush();
    } catch (...) {
    }
  }
}

void FdSink::write_all(const char* p, std::size_t n) {
  while (n != 0) {
    ssize_t r = ::write(m_fd, p, n);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw_errno("can't write " + m_name);
    }
    p += r;
    n -= std::size_t(r);
    written(std::size_t(r));
  }
}

void FdSink::write_all(std::vector<iovec>& iov) {
  std::size_t i = 0;
  while (i < iov.size()) {
    const int count = static_cast<int>(std::min<std::size_t>(iov.size() - i, IOV_MAX));
    ssize_t r = ::writev(m_fd, iov.data() + i, count);
    if (r < 0) {
      if (errno == EINTR) continue;
      iov.clear(); // its pieces are gone with the error, as flush() drops the buffer
      throw_errno("can't write " + m_name);
    }
    written(std::size_t(r));
    // Past what was written; a piece written in part continues where it stopped.
    std::size_t left = std::size_t(r);
    while (i < iov.size() && left >= iov[i].iov_len) left -= iov[i++].iov_len;
    if (left != 0) {
      iov[i].iov_base = static_cast<char*>(iov[i].iov_base) + left;
      iov[i].iov_len -= left;
    }
  }
  iov.clear();
}

void FdSink::written(std::size_t n) {
  m_written += n;
  if (m_early_writeback && m_written - m_kicked >= k_writeback_step) {
    // Start writing what we have to the disk now (without waiting for it), so the
    // fsync before the rename does not find the whole file still dirty.
    ::sync_file_range(m_fd, static_cast<off_t>(m_kicked), static_cast<off_t>(m_written - m_kicked),
                      SYNC_FILE_RANGE_WRITE);
    m_kicked = m_written;
  }
}

void FdSink::write(const char* p, std::size_t n) {
  if (m_size == 0) {
    write_all(p, n);
    return;
  }
  if (m_used + n > m_size) {
    flush();
    if (n >= m_size) {
      write_all(p, n);
      return;
    }
  }
  std::memcpy(m_buf.get() + m_used, p, n);
  m_used += n;
}

void FdSink::write_gather(std::span<const std::string_view> pieces) {
  if (m_size == 0) return ByteSink::write_gather(pieces);
  std::size_t region = 0; // m_buf[region, m_used): buffered, not yet in m_iov
  auto take_buffered = [&] {
    if (m_used > region) m_iov.push_back({m_buf.get() + region, m_used - region});
    region = m_used;
  };
  for (std::string_view s : pieces) {
    if (s.size() >= k_direct) {
      take_buffered();
      m_iov.push_back({const_cast<char*>(s.data()), s.size()});
      continue;
    }
    if (m_used + s.size() > m_size) { // the buffer is full: out with everything so far
      take_buffered();
      m_used = region = 0;
      write_all(m_iov);
    }
    std::memcpy(m_buf.get() + m_used, s.data(), s.size());
    m_used += s.size();
  }
  if (m_iov.empty()) return; // all buffered, as write() would
  take_buffered(); // the pieces written from where they are end with this call
  m_used = 0;
  write_all(m_iov);
}

void FdSink::flush() {
  std::size_t n = std::exchange(m_used, 0);
  write_all(m_buf.get(), n);
}

struct GzipSink::State {
  z_stream zs{};
  std::vector<unsigned char> out = std::vector<unsigned char>(1 << 16);
};

GzipSink::GzipSink(ByteSink& below, std::string name)
    : m_state(std::make_unique<State>()), m_below(below), m_name(std::move(name)),
      m_last_flush(std::chrono::steady_clock::now()) {
  if (deflateInit2(&m_state->zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error("zlib: deflateInit failed");
}

GzipSink::~GzipSink() { deflateEnd(&m_state->zs); }

void GzipSink::pump(int mode) {
  z_stream& zs = m_state->zs;
  for (;;) {
    zs.next_out = m_state->out.data();
    zs.avail_out = unsigned(m_state->out.size());
    int ret = deflate(&zs, mode);
    if (ret == Z_STREAM_ERROR) throw Error(m_name + ": zlib deflate failed");
    std::size_t have = m_state->out.size() - zs.avail_out;
    if (have) m_below.write(reinterpret_cast<const char*>(m_state->out.data()), have);
    if (mode == Z_FINISH ? ret == Z_STREAM_END : (zs.avail_out != 0 && zs.avail_in == 0))
      break;
  }
}

void GzipSink::write(const char* p, std::size_t n) {
  z_stream& zs = m_state->zs;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(p));
  zs.avail_in = unsigned(n);
  pump(Z_NO_FLUSH);
  auto now = std::chrono::steady_clock::now();
  if (now - m_last_flush >= std::chrono::seconds(1)) flush();
}

void GzipSink::flush() {
  if (m_closed) return;
  m_state->zs.avail_in = 0;
  pump(Z_SYNC_FLUSH);
  m_below.flush();
  m_last_flush = std::chrono::steady_clock::now();
}

void GzipSink::close() {
  if (m_closed) return;
  m_state->zs.avail_in = 0;
  pump(Z_FINISH);
  m_below.flush();
  m_closed = true;
}

// ---- atomic file ----

AtomicFile::AtomicFile(std::string path, Overwrite overwrite, mode_t mode)
    : m_path(std::move(path)), m_overwrite(overwrite) {
  struct stat st;
  if (overwrite == Overwrite::no && ::lstat(m_path.c_str(), &st) == 0)
    throw Error(m_path + ": file exists (use --overwrite to replace it)");
  m_tmp = dir_of(m_path) + "/." + base_of(m_path) + ".tmp.XXXXXX";
  int fd = ::mkostemp(m_tmp.data(), O_CLOEXEC);
  if (fd < 0) throw_errno("can't create a temporary file next to " + m_path);
  m_fd = Fd(fd);
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, mode & ~mask);
}

AtomicFile::~AtomicFile() {
  if (!m_committed) ::unlink(m_tmp.c_str());
}

void AtomicFile::commit(DirSync sync) {
  if (::fsync(m_fd.get()) != 0) throw_errno("can't sync " + m_path);
  if (::close(m_fd.release()) != 0) throw_errno("can't write " + m_path);
  if (m_overwrite == Overwrite::no) {
    // Fails with EEXIST instead of replacing: no window where a file that appeared
    // meanwhile is clobbered. renameat2 does it in one step; link+unlink where the
    // file system lacks it.
    int rc = ::renameat2(AT_FDCWD, m_tmp.c_str(), AT_FDCWD, m_path.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
      rc = ::link(m_tmp.c_str(), m_path.c_str());
      if (rc == 0) ::unlink(m_tmp.c_str());
    }
    if (rc != 0) {
      int err = errno;
      if (err == EEXIST) throw Error(m_path + ": file exists (use --overwrite to replace it)");
      throw_errno("can't create " + m_path, err);
    }
  } else if (::rename(m_tmp.c_str(), m_path.c_str()) != 0) {
    throw_errno("can't rename " + m_tmp + " to " + m_path);
  }
  m_committed = true;
  if (sync == DirSync::now) sync_directory(dir_of(m_path));
}

// ---- opening ----

std::size_t StringSource::read(char* buf, std::size_t n) {
  std::size_t k = std::min(n, m_s.size() - m_pos);
  std::memcpy(buf, m_s.data() + m_pos, k);
  m_pos += k;
  return k;
}

namespace {
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
