// SPDX-License-Identifier: MIT
#include "core/byte_stream.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace recssh {

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

std::size_t StringSource::read(char* buf, std::size_t n) {
  std::size_t k = std::min(n, m_s.size() - m_pos);
  std::memcpy(buf, m_s.data() + m_pos, k);
  m_pos += k;
  return k;
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
    if (n >= m_size) {
      // What is buffered and the large piece in one writev: a record's small header
      // before a large payload is not a write of its own.
      m_iov.clear();
      if (m_used != 0) m_iov.push_back({m_buf.get(), m_used});
      m_iov.push_back({const_cast<char*>(p), n});
      m_used = 0; // gone with an error too, as flush() drops the buffer
      write_all(m_iov);
      return;
    }
    flush();
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

} // namespace recssh
