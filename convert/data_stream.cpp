// SPDX-License-Identifier: MIT
#include "convert/data_stream.hpp"

#include <algorithm>

namespace recssh::convert {
namespace {
// Reading a plain file through this buffer costs as much as mapping it (measured:
// bench/script.sh), and keeps RSS flat without madvise bookkeeping.
constexpr std::size_t k_buffer = std::size_t(1) << 18;
} // namespace

DataStream::DataStream(Input in) : m_in(std::move(in)), m_buf(new char[k_buffer]) {}

std::string_view DataStream::peek(std::size_t n) {
  if (m_pos == m_len) {
    if (m_eof) return {};
    m_pos = 0;
    m_len = m_in.source->read(m_buf.get(), k_buffer);
    if (m_len == 0) {
      m_eof = true;
      return {};
    }
  }
  return {m_buf.get() + m_pos, std::min(n, m_len - m_pos)};
}

std::uint64_t DataStream::skip(std::uint64_t n) {
  std::uint64_t done = 0;
  while (done < n) {
    auto v = peek(static_cast<std::size_t>(std::min<std::uint64_t>(n - done, k_buffer)));
    if (v.empty()) break;
    consume(v.size());
    done += v.size();
  }
  return done;
}

std::size_t DataStream::take(std::size_t n, std::string& out) {
  std::size_t done = 0;
  while (done < n) {
    auto v = peek(n - done);
    if (v.empty()) break;
    out.append(v);
    consume(v.size());
    done += v.size();
  }
  return done;
}

} // namespace recssh::convert
