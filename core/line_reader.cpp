// SPDX-License-Identifier: MIT
#include "core/line_reader.hpp"

#include <cstring>

namespace recssh {

namespace {
constexpr std::size_t k_initial = std::size_t(1) << 20;
}

FormatError line_too_long(const std::string& name, std::uint64_t line, std::size_t max_line) {
  return FormatError(name + ":" + std::to_string(line),
                     "line longer than " + std::to_string(max_line >> 20) + " MiB (not a text recording?)", false);
}

LineReader::LineReader(ByteSource& source, std::string name, std::size_t max_line)
    : m_source(source), m_name(std::move(name)), m_max_line(max_line),
      m_buf(new char[k_initial + k_padding]), m_cap(k_initial) {
  // Only the bytes after the data are ever read past a line (simdjson's padding, the
  // fast path's 16-byte blocks): they are zeroed after every fill (see next()), so
  // the buffer itself needs no clearing. Clearing 1 MiB per file cost merge a third
  // of its time on many small files.
  std::memset(m_buf.get(), 0, k_padding);
}

std::size_t LineReader::capacity(std::string_view line) const {
  return std::size_t(m_buf.get() + m_cap + k_padding - line.data());
}

std::string LineReader::detach() {
  std::string rest(m_buf.get() + m_begin, m_end - m_begin);
  m_buf.reset();
  m_cap = m_begin = m_scan = m_end = 0;
  return rest;
}

bool LineReader::next(std::string_view& line) {
  for (;;) {
    char* base = m_buf.get();
    if (m_scan < m_end) {
      auto nl = static_cast<char*>(std::memchr(base + m_scan, '\n', m_end - m_scan));
      if (nl) {
        line = std::string_view(base + m_begin, std::size_t(nl - (base + m_begin)));
        m_begin = m_scan = std::size_t(nl - base) + 1;
        ++m_line_no;
        m_terminated = true;
        return true;
      }
      m_scan = m_end;
    }
    if (m_eof) {
      if (m_begin == m_end) return false;
      line = std::string_view(base + m_begin, m_end - m_begin);
      m_begin = m_scan = m_end;
      ++m_line_no;
      m_terminated = false;
      return true;
    }
    // Need more bytes: keep the partial line, drop what was consumed.
    if (m_begin > 0) {
      std::memmove(base, base + m_begin, m_end - m_begin);
      m_end -= m_begin;
      m_scan -= m_begin;
      m_begin = 0;
    }
    if (m_end == m_cap) {
      if (m_cap >= m_max_line) throw line_too_long(m_name, m_line_no + 1, m_max_line);
      std::size_t cap = std::min(m_cap * 2, m_max_line);
      std::unique_ptr<char[]> bigger(new char[cap + k_padding]);
      std::memcpy(bigger.get(), base, m_end);
      std::memset(bigger.get() + m_end, 0, k_padding);
      m_buf = std::move(bigger);
      m_cap = cap;
      base = m_buf.get();
    } else if (m_cap > k_initial && m_end < k_initial / 2) {
      // A long line is behind us: give the memory back.
      std::unique_ptr<char[]> smaller(new char[k_initial + k_padding]);
      std::memcpy(smaller.get(), base, m_end);
      std::memset(smaller.get() + m_end, 0, k_padding);
      m_buf = std::move(smaller);
      m_cap = k_initial;
      base = m_buf.get();
    }
    std::size_t r = m_source.read(base + m_end, m_cap - m_end);
    if (r == 0) m_eof = true;
    m_end += r;
    std::memset(base + m_end, 0, k_padding); // what a line's padding reads is defined
  }
}

} // namespace recssh
