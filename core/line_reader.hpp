// SPDX-License-Identifier: MIT
#pragma once
#include "core/errors.hpp"
#include "core/io.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace recssh {

// Splits a byte stream into lines with a bounded, reused buffer (memory stays flat
// whatever the input size). Each returned line is followed in memory by at least
// k_padding readable bytes, which is what simdjson needs to parse it in place.
// The error for a line without '\n' in its first `max_line` bytes.
FormatError line_too_long(const std::string& name, std::uint64_t line, std::size_t max_line);

class LineReader {
public:
  static constexpr std::size_t k_padding = 128; // simdjson needs 64; the wide decoder 128
  static constexpr std::size_t k_default_max_line = std::size_t(64) << 20;

  LineReader(ByteSource& source, std::string name, std::size_t max_line = k_default_max_line);

  // The next line without its '\n'; false at the end. A final line with no '\n' is
  // returned too, and terminated() is then false. Throws FormatError (not
  // recoverable) for a line longer than max_line.
  bool next(std::string_view& line);
  bool terminated() const { return m_terminated; }
  std::uint64_t line_number() const { return m_line_no; }
  const std::string& name() const { return m_name; }
  std::string location() const { return m_name + ":" + std::to_string(m_line_no); }
  // Readable bytes from line.data() on: its length plus at least k_padding (for
  // parsing in place).
  std::size_t capacity(std::string_view line) const;
  // The bytes read from the source but not yet returned as lines; the reader gives
  // its buffer back and must not be used for lines afterwards (the caller reads on).
  std::string detach();

private:
  ByteSource& m_source;
  std::string m_name;
  std::size_t m_max_line;
  std::unique_ptr<char[]> m_buf;
  std::size_t m_cap;
  std::size_t m_begin = 0, m_scan = 0, m_end = 0;
  std::uint64_t m_line_no = 0;
  bool m_eof = false;
  bool m_terminated = true;
};

} // namespace recssh
