// SPDX-License-Identifier: MIT
#include "core/utf8.hpp"

#include <cstring>

namespace recssh {

int utf8_sequence(const unsigned char* p, std::size_t n) {
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  int len;
  unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F; // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return -1;
  }
  for (int k = 1; k < len; ++k) {
    if (std::size_t(k) >= n) return 0;
    unsigned char b = p[k];
    bool ok = k == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
    if (!ok) return -k;
  }
  return len;
}

namespace {
// Appends p[0..n) to out, replacing invalid subparts; returns how many trailing bytes
// form an incomplete (but so far valid) character and were not consumed.
// How many leading bytes can hold only whole characters: a lead byte among the last
// three (and what follows it) may be unfinished and is left to the careful loop.
std::size_t complete_prefix(const unsigned char* p, std::size_t n) {
  for (std::size_t back = 1; back <= 3 && back <= n; ++back) {
    unsigned char c = p[n - back];
    if (c >= 0xC0) return n - back;
    if (c < 0x80) break;
  }
  return n;
}

std::size_t decode_into(const unsigned char* p, std::size_t n, std::string& out) {
  // The common case, valid text: checked with SIMD and copied in one append.
  if (std::size_t cut = complete_prefix(p, n); cut >= 64 && is_valid_utf8({reinterpret_cast<const char*>(p), cut})) {
    out.append(reinterpret_cast<const char*>(p), cut);
    p += cut;
    n -= cut;
  }
  std::size_t i = 0;
  while (i < n) {
    std::size_t run = i;
    while (run < n && p[run] < 0x80) ++run;
    // Extend the run over valid multibyte characters so the copy is one append.
    while (run < n) {
      if (p[run] < 0x80) {
        ++run;
        continue;
      }
      int len = utf8_sequence(p + run, n - run);
      if (len <= 0) break;
      run += std::size_t(len);
    }
    out.append(reinterpret_cast<const char*>(p + i), run - i);
    i = run;
    if (i >= n) break;
    int len = utf8_sequence(p + i, n - i);
    if (len == 0) return n - i;
    out += k_replacement;
    i += std::size_t(-len);
  }
  return 0;
}
} // namespace

void Utf8Decoder::feed(std::string_view chunk, std::string& out) {
  auto p = reinterpret_cast<const unsigned char*>(chunk.data());
  std::size_t n = chunk.size();
  while (m_tail_len != 0 && n != 0) {
    // Complete the pending character one byte at a time; it is at most 3 bytes.
    m_tail[m_tail_len++] = *p++;
    --n;
    int len = utf8_sequence(m_tail, m_tail_len);
    if (len == 0) continue;
    if (len > 0) {
      out.append(reinterpret_cast<const char*>(m_tail), m_tail_len);
      m_tail_len = 0;
    } else {
      out += k_replacement;
      // The bytes after the invalid subpart are re-decoded from the start.
      std::size_t bad = std::size_t(-len);
      unsigned char rest[4];
      std::size_t rest_len = m_tail_len - bad;
      std::memcpy(rest, m_tail + bad, rest_len);
      m_tail_len = 0;
      std::size_t left = decode_into(rest, rest_len, out);
      std::memcpy(m_tail, rest + rest_len - left, left);
      m_tail_len = left;
    }
  }
  std::size_t left = decode_into(p, n, out);
  std::memcpy(m_tail + m_tail_len, p + n - left, left);
  m_tail_len += left;
}

void Utf8Decoder::finish(std::string& out) {
  if (m_tail_len != 0) out += k_replacement;
  m_tail_len = 0;
}

std::string sanitize_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  Utf8Decoder d;
  d.feed(s, out);
  d.finish(out);
  return out;
}

} // namespace recssh
