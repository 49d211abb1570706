// SPDX-License-Identifier: MIT
// The fast path's line grammar: [number, "code", "data"] with white space, strictly.
// The strings are decoded (or only checked) by the SIMD kernel chosen at start
// (core/simd.cpp), through its table: this file is compiled for the baseline, like
// everything but the kernels (core/json_unescape*.cpp).
#include "core/cast_fast.hpp"

#include "core/json_unescape.hpp"

#include <cstring>

namespace recssh {

namespace {

using unescape::Decoded;
using unescape::Kernels;

inline bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

inline const char* skip_ws(const char* p, const char* end) {
  while (p < end && is_ws(*p)) ++p;
  return p;
}

inline bool digit(char c) { return c >= '0' && c <= '9'; }

// A JSON number token, strictly by the grammar; returns its end or nullptr.
const char* scan_number(const char* p, const char* end) {
  if (p < end && *p == '-') ++p;
  if (p >= end) return nullptr;
  if (*p == '0') {
    ++p;
  } else if (digit(*p)) {
    while (p < end && digit(*p)) ++p;
  } else {
    return nullptr;
  }
  if (p < end && *p == '.') {
    ++p;
    if (p >= end || !digit(*p)) return nullptr;
    while (p < end && digit(*p)) ++p;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p < end && (*p == '+' || *p == '-')) ++p;
    if (p >= end || !digit(*p)) return nullptr;
    while (p < end && digit(*p)) ++p;
  }
  return p;
}

// Where the fast path puts the code and the data it decodes. Each is written at the
// pointer begin_*() gives, which has room for `room` bytes, and closed by end_*()
// with the end of what was written.
struct StringOut { // into two std::strings (the sequential reader's Event)
  std::string& code;
  std::string& data;
  char* begin_code(std::size_t room) {
    code.resize(room);
    return code.data();
  }
  void end_code(char* e) { code.resize(std::size_t(e - code.data())); }
  char* begin_data(std::size_t room) {
    data.resize(room);
    return data.data();
  }
  void end_data(char* e) { data.resize(std::size_t(e - data.data())); }
  void no_data() { data.clear(); }
  std::string_view code_text() const { return code; }
};

struct ArenaOut { // one after the other into a caller's buffer (decoding batches)
  char*& at;
  std::string_view& code;
  std::string_view& data;
  char* begin_code(std::size_t) { return at; }
  void end_code(char* e) {
    code = std::string_view(at, std::size_t(e - at));
    at = e;
  }
  char* begin_data(std::size_t) { return at; }
  void end_data(char* e) {
    data = std::string_view(at, std::size_t(e - at));
    at = e;
  }
  void no_data() { data = std::string_view(at, 0); }
  std::string_view code_text() const { return code; }
};

// A string body (after its opening quote) decoded through `out`'s begin/end pair
// (`code` selects which): the position after the closing quote, or nullptr. `pad`:
// readable bytes after `end`.
template <class Out>
const char* decode_string(const Kernels& k, const char* p, const char* end, std::size_t pad, Out& out, bool code) {
  const std::size_t room = std::size_t(end - p) + 2 * 32;
  char* o = code ? out.begin_code(room) : out.begin_data(room);
  const Decoded d = k.decode(p, end, o, pad);
  if (code) out.end_code(d.out);
  else out.end_data(d.out);
  return d.in;
}

template <class Out>
bool parse_event(std::string_view line, std::size_t capacity, std::string_view& time_text, Out& out,
                 bool need_data, bool utf8_checked) {
  const Kernels& k = unescape::active();
  const std::size_t pad = capacity - line.size();
  const char* p = line.data();
  const char* end = p + line.size();
  p = skip_ws(p, end);
  if (p >= end || *p != '[') return false;
  p = skip_ws(p + 1, end);
  const char* t = p;
  p = scan_number(p, end);
  if (!p) return false;
  time_text = std::string_view(t, std::size_t(p - t));
  p = skip_ws(p, end);
  if (p >= end || *p != ',') return false;
  p = skip_ws(p + 1, end);
  if (p >= end || *p != '"') return false;
  if (end - p >= 3 && p[2] == '"' && static_cast<unsigned char>(p[1]) >= 0x20 && p[1] != '"' && p[1] != '\\') {
    char* o = out.begin_code(1); // the usual one-letter code
    *o = p[1];
    out.end_code(o + 1);
    p += 3;
  } else {
    p = decode_string(k, p + 1, end, pad, out, true);
  }
  if (!p) return false;
  p = skip_ws(p, end);
  if (p >= end || *p != ',') return false;
  p = skip_ws(p + 1, end);
  if (p >= end || *p != '"') return false;
  const char* data_begin = p + 1;
  // Validation needs the data only where it is checked (resize, exit status).
  const std::string_view c = out.code_text();
  const bool skip = !need_data && (c == "o" || c == "i" || c == "m");
  if (skip) {
    out.no_data();
    p = k.check(data_begin, end, pad);
  } else {
    p = decode_string(k, data_begin, end, pad, out, false);
  }
  if (!p) return false;
  p = skip_ws(p, end);
  if (p >= end || *p != ']') return false;
  p = skip_ws(p + 1, end);
  if (p != end) return false;
  // Escapes only produce valid UTF-8, so validating the raw bytes of the line is
  // enough.
  return utf8_checked || k.valid_utf8(line.data(), line.size());
}

} // namespace

bool fast_parse_event(std::string_view line, std::size_t capacity, std::string_view& time_text,
                      std::string& code, std::string& data, bool need_data) {
  StringOut out{code, data};
  return parse_event(line, capacity, time_text, out, need_data, false);
}

bool fast_parse_event_into(std::string_view line, std::size_t capacity, std::string_view& time_text,
                           char*& at, std::string_view& code, std::string_view& data, bool need_data,
                           bool utf8_checked) {
  ArenaOut out{at, code, data};
  return parse_event(line, capacity, time_text, out, need_data, utf8_checked);
}

} // namespace recssh
