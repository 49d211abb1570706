// SPDX-License-Identifier: MIT
#pragma once
// Bytes written once, then read back in order: in memory up to a limit, past it in an
// unlinked temporary file ($TMPDIR, else /tmp). For a reader that must see a whole
// document before it can hand out its first event (asciicast v1, whose header keys
// may follow its frames), so that memory stays flat whatever the document's size.
#include "core/fd.hpp"

#include <cstddef>
#include <string>

namespace recssh {

class Spool {
public:
  static constexpr std::size_t k_default_memory = std::size_t(8) << 20;
  explicit Spool(std::size_t memory_limit = k_default_memory) : m_limit(memory_limit) {}
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Throws Error when the temporary file cannot be made or written (a full disk).
  void write(const char* p, std::size_t n);
  // Ends writing; reading starts at the first byte.
  void rewind();
  // Fills p with n bytes; false at the end (a short record is an error: the spool
  // holds only what write() put there).
  bool read(char* p, std::size_t n);
  bool spilled() const { return m_fd.valid(); }

private:
  void spill();
  void flush();

  std::size_t m_limit;
  std::string m_buf; // everything (in memory), or the write or read buffer (spilled)
  std::size_t m_pos = 0;
  bool m_reading = false;
  Fd m_fd;
};

} // namespace recssh
