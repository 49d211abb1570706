// SPDX-License-Identifier: MIT
#include "core/json.hpp"

#include "core/utf8.hpp"

#include <array>
#include <algorithm>
#include <cstring>
#include <memory>
#if defined(__SSE2__) // the x86-64 baseline; elsewhere the byte loop does it all
#include <emmintrin.h>
#endif

namespace recssh {

namespace {
// 0: copy as is; 1: needs escaping; 2: start of a multibyte sequence to validate.
constexpr std::array<unsigned char, 256> make_class_table() {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[std::size_t(c)] = 1;
  t['"'] = 1;
  t['\\'] = 1;
  for (int c = 0x80; c < 0x100; ++c) t[std::size_t(c)] = 2;
  return t;
}
constexpr auto k_class = make_class_table();
constexpr char k_hex[] = "0123456789abcdef";
} // namespace

namespace {

// The JSON escape of each byte that needs one ("\\n", "\\u001b", ...), built once.
struct EscapeTable {
  char text[256][8];
  unsigned char len[256];
  constexpr EscapeTable() : text{}, len{} {
    for (int c = 0; c < 256; ++c) {
      const char* named = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\b' ? "\\b" : c == '\f' ? "\\f"
                        : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : nullptr;
      if (named) {
        len[c] = 2;
        text[c][0] = named[0];
        text[c][1] = named[1];
      } else if (c < 0x20) {
        const char u[] = {'\\', 'u', '0', '0', k_hex[c >> 4], k_hex[c & 15]};
        for (int i = 0; i < 6; ++i) text[c][i] = u[i];
        len[c] = 6;
      }
    }
  }
};
constexpr EscapeTable k_escapes;


// Escapes into `dst` (room for 6 bytes per input byte + 16): 16 bytes per step,
// stored whole and then overwritten from the first special byte on, so text with
// many escapes (colour sequences every few words) costs no per-piece bookkeeping.
char* escape_valid_utf8(char* dst, const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), ctrl_max = _mm_set1_epi8(0x1f);
  while (end - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                   _mm_cmpeq_epi8(_mm_min_epu8(v, ctrl_max), v)); // v <= 0x1f
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(special));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), v);
    if (mask == 0) {
      dst += 16;
      p += 16;
      continue;
    }
    int k = __builtin_ctz(mask);
    dst += k;
    unsigned char c = static_cast<unsigned char>(p[k]);
    std::memcpy(dst, k_escapes.text[c], 8); // 7 bytes of text + len: fixed-size copy
    dst += k_escapes.len[c];
    p += k + 1;
  }
#endif
  for (; p < end; ++p) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (k_class[c] == 1) {
      std::memcpy(dst, k_escapes.text[c], 7);
      dst += k_escapes.len[c];
    } else {
      *dst++ = *p;
    }
  }
  return dst;
}

void append_valid_utf8(std::string& out, std::string_view s) {
  // One scratch buffer per thread, grown to the largest string seen, then one append.
  thread_local std::unique_ptr<char[]> scratch;
  thread_local std::size_t scratch_size = 0;
  std::size_t need = s.size() * 6 + 32;
  if (need > scratch_size) {
    scratch_size = std::max(need, scratch_size * 2);
    scratch.reset(new char[scratch_size]);
  }
  char* end = escape_valid_utf8(scratch.get(), s.data(), s.data() + s.size());
  out.append(scratch.get(), static_cast<std::size_t>(end - scratch.get()));
}

} // namespace

void append_json_string(std::string& out, std::string_view s) {
  if (is_valid_utf8(s)) {
    out.reserve(out.size() + s.size() + 2);
    out += '"';
    append_valid_utf8(out, s);
    out += '"';
    return;
  }
  auto p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size(), i = 0;
  out += '"';
  while (i < n) {
    std::size_t run = i;
    while (run < n && k_class[p[run]] == 0) ++run;
    out.append(s.data() + i, run - i);
    i = run;
    if (i >= n) break;
    unsigned char c = p[i];
    if (k_class[c] == 2) {
      int len = utf8_sequence(p + i, n - i);
      if (len > 0) {
        out.append(s.data() + i, std::size_t(len));
        i += std::size_t(len);
      } else {
        out += k_replacement;
        i += len == 0 ? n - i : std::size_t(-len);
      }
      continue;
    }
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      out += "\\u00";
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
    ++i;
  }
  out += '"';
}

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

std::string minify_json(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  bool in_string = false;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < raw.size()) {
        out += raw[++i];
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
      out += c;
    } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      out += c;
    }
  }
  return out;
}

JsonObject& JsonObject::raw(std::string_view key, std::string_view raw_json) {
  if (m_text.size() > 1) m_text += ",";
  append_json_string(m_text, key);
  m_text += ":";
  m_text += raw_json;
  return *this;
}

JsonObject& JsonObject::str(std::string_view key, std::string_view value) { return raw(key, json_string(value)); }

JsonObject& JsonObject::list(std::string_view key, const std::vector<std::string>& values) {
  std::string a = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) a += ",";
    append_json_string(a, values[i]);
  }
  return raw(key, a + "]");
}

} // namespace recssh
