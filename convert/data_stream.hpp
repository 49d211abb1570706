// SPDX-License-Identifier: MIT
#pragma once
// A data file consumed in pieces whose sizes come from elsewhere (a timing file, a
// record header): take n bytes, skip n bytes, through one reused buffer, handing out
// views into it so the bytes are copied once, into the event.
#include "core/io.hpp"

#include <cstdint>
#include <string_view>

namespace recssh::convert {

class DataStream {
public:
  explicit DataStream(Input in);

  // Up to n bytes, contiguous, straight from the buffer (refilled when empty): fewer
  // than n when the buffer holds fewer; empty only at the end of the data.
  std::string_view peek(std::size_t n);
  void consume(std::size_t n) {
    m_pos += n;
    m_offset += n;
  }
  // Skips up to n bytes; returns how many there were.
  std::uint64_t skip(std::uint64_t n);
  // Appends up to n bytes to out; returns how many there were.
  std::size_t take(std::size_t n, std::string& out);
  std::uint64_t offset() const { return m_offset; }
  const std::string& name() const { return m_in.name; }
  const Input& input() const { return m_in; }

private:
  Input m_in;
  std::unique_ptr<char[]> m_buf;
  std::size_t m_pos = 0, m_len = 0;
  std::uint64_t m_offset = 0;
  bool m_eof = false;
};

} // namespace recssh::convert
