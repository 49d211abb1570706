// SPDX-License-Identifier: MIT
#include "core/printable.hpp"

#include "core/utf8.hpp"

#include <algorithm>
#include <cstdio>

namespace recssh {

namespace {

bool plain_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

char32_t decode(const unsigned char* p, int len) {
  if (len == 1) return p[0];
  char32_t cp = p[0] & (0x7f >> len);
  for (int i = 1; i < len; ++i) cp = (cp << 6) | (p[i] & 0x3f);
  return cp;
}

// Characters that change how the text around them is shown without being visible:
// the bidi embeddings, overrides and isolates ("Trojan Source"), the marks, and the
// zero-width and line/paragraph separators.
bool invisible_format(char32_t cp) {
  return (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
         cp == 0x061c || cp == 0xfeff;
}

void append_byte(std::string& out, unsigned char c) {
  const char* named = c == 0x1b ? "\\e" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t"
                    : c == '\a' ? "\\a" : c == '\b' ? "\\b" : nullptr;
  if (named) {
    out += named;
    return;
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  out += buf;
}

} // namespace

std::string printable(std::string_view s) {
  if (plain_ascii(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 16);
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    if (*p < 0x80) {
      if (*p < 0x20 || *p == 0x7f) append_byte(out, *p);
      else out += char(*p);
      ++p;
      continue;
    }
    int len = utf8_sequence(p, std::size_t(end - p));
    if (len <= 0) { // invalid, or cut short at the end: each byte shown
      int bad = len < 0 ? -len : int(end - p);
      for (int i = 0; i < bad; ++i) append_byte(out, p[i]);
      p += bad;
      continue;
    }
    char32_t cp = decode(p, len);
    if (cp <= 0x9f || invisible_format(cp)) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u{%04x}", unsigned(cp));
      out += buf;
    } else {
      out.append(reinterpret_cast<const char*>(p), std::size_t(len));
    }
    p += len;
  }
  return out;
}

std::string terminal_safe_json(std::string_view json) {
  if (plain_ascii(json)) return std::string(json);
  std::string out;
  out.reserve(json.size() + 16);
  const auto* p = reinterpret_cast<const unsigned char*>(json.data());
  const auto* end = p + json.size();
  while (p < end) {
    int len = *p < 0x80 ? 1 : utf8_sequence(p, std::size_t(end - p));
    if (len <= 0) { // not from core/json; keep the byte rather than guess
      out += char(*p++);
      continue;
    }
    char32_t cp = decode(p, len);
    if (cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || invisible_format(cp)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(cp));
      out += buf;
    } else {
      out.append(reinterpret_cast<const char*>(p), std::size_t(len));
    }
    p += len;
  }
  return out;
}

} // namespace recssh
