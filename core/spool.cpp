// SPDX-License-Identifier: MIT
#include "core/spool.hpp"

#include "core/errors.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace recssh {
namespace {
constexpr std::size_t k_io = std::size_t(1) << 20;

std::string temp_dir() {
  const char* t = std::getenv("TMPDIR");
  return t && *t ? t : "/tmp";
}
} // namespace

// An unnamed file (O_TMPFILE): nothing to clean up after a crash. Filesystems
// without it get a mkstemp name unlinked at once.
void Spool::spill() {
  const std::string dir = temp_dir();
  m_fd = Fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (!m_fd.valid()) {
    std::string name = dir + "/recast-spool.XXXXXX";
    m_fd = Fd(::mkostemp(name.data(), O_CLOEXEC));
    if (!m_fd.valid()) throw_errno("cannot create a temporary file in " + dir + " (set TMPDIR)");
    ::unlink(name.c_str());
  }
  flush();
}

void Spool::flush() {
  std::size_t done = 0;
  while (done < m_buf.size()) {
    ssize_t w = ::write(m_fd.get(), m_buf.data() + done, m_buf.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) throw_errno("cannot write a temporary file in " + temp_dir() + " (set TMPDIR)");
    done += std::size_t(w);
  }
  m_buf.clear();
}

void Spool::write(const char* p, std::size_t n) {
  if (!m_fd.valid() && m_buf.size() + n > m_limit) spill();
  if (m_fd.valid() && m_buf.size() + n > k_io) {
    flush();
    if (n >= k_io) { // a big record goes out from where it is
      m_buf.assign(p, n);
      flush();
      return;
    }
  }
  m_buf.append(p, n);
}

void Spool::rewind() {
  m_reading = true;
  m_pos = 0;
  if (!m_fd.valid()) return;
  flush();
  if (::lseek(m_fd.get(), 0, SEEK_SET) != 0) throw_errno("cannot read back a temporary file");
}

bool Spool::read(char* p, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    if (m_pos == m_buf.size()) {
      if (!m_fd.valid()) break;
      m_buf.resize(k_io);
      ssize_t r;
      do r = ::read(m_fd.get(), m_buf.data(), k_io);
      while (r < 0 && errno == EINTR);
      if (r < 0) throw_errno("cannot read back a temporary file");
      m_buf.resize(std::size_t(r));
      m_pos = 0;
      if (r == 0) break;
    }
    std::size_t k = std::min(n - got, m_buf.size() - m_pos);
    std::memcpy(p + got, m_buf.data() + m_pos, k);
    m_pos += k;
    got += k;
  }
  if (got == 0) return false;
  if (got < n) throw Error("a temporary file ended early (was it changed?)");
  return true;
}

} // namespace recssh
