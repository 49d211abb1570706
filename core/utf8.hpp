// SPDX-License-Identifier: MIT
#pragma once
// UTF-8 for byte streams that arrive in arbitrary chunks (pty reads, timing-file
// chunks). Invalid bytes become U+FFFD (one per maximal invalid subpart, as the
// WHATWG decoder and Rust do); a character split across chunks stays whole; a
// dangling partial character at the end becomes U+FFFD, never silently dropped.
#include <cstddef>
#include <string>
#include <string_view>

namespace recssh {

inline constexpr std::string_view k_replacement = "\xEF\xBF\xBD";

// Length of the UTF-8 sequence at p[0..n): > 0 a valid character of that length;
// < 0 an invalid subpart of -result bytes; 0 a valid but incomplete prefix (need more).
int utf8_sequence(const unsigned char* p, std::size_t n);

class Utf8Decoder {
public:
  // Appends the decodable part of `chunk` (with any earlier tail) to `out`.
  void feed(std::string_view chunk, std::string& out);
  // End of stream: a leftover partial character becomes U+FFFD.
  void finish(std::string& out);
  bool has_pending() const { return m_tail_len != 0; }

private:
  unsigned char m_tail[4]{};
  std::size_t m_tail_len = 0;
};

// Whether all of `s` is valid UTF-8 (SIMD; core/utf8_valid.cpp).
bool is_valid_utf8(std::string_view s);
// Copy of `s` with every invalid subpart replaced by U+FFFD.
std::string sanitize_utf8(std::string_view s);

} // namespace recssh
