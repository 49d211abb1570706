// SPDX-License-Identifier: MIT
#pragma once
// The string decoders of the cast fast path (core/cast_fast.cpp), one kernel per
// instruction set, each in its own file compiled with its own target flags
// (core/CMakeLists.txt): json_unescape.cpp (scalar, portable), json_unescape_sse2.cpp,
// json_unescape_avx2.cpp, json_unescape_avx512.cpp and json_unescape_avx512vbmi2.cpp.
// core/simd.cpp picks one table at start; the line grammar calls through it.
//
// Everything defined in this header has internal linkage (an unnamed namespace), on
// purpose: it is compiled into every kernel file with that file's flags, and an
// inline function with external linkage would be merged by the linker into one copy,
// possibly one compiled for AVX-512, which the baseline code would then call.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace recssh::unescape {

struct Decoded {
  const char* in; // after the closing quote; nullptr: not for the fast path
  char* out;      // after the last byte written
};

// One kernel. `p`: a string body after its opening quote; `end`: the end of the line;
// `pad`: readable bytes after `end` (a kernel uses its widest steps only when they
// cannot read past them, and narrower ones otherwise).
struct Kernels {
  const char* name;
  // Decodes the string into `o`, which has room for (end - p) + 64 bytes: the position
  // after the closing quote, or nullptr when the fast path does not take it (simdjson
  // then parses the line and gives the message).
  Decoded (*decode)(const char* p, const char* end, char* o, std::size_t pad);
  // The same decision without decoding (validation): where the string ends, or nullptr.
  const char* (*check)(const char* p, const char* end, std::size_t pad);
  // Whether all of [p, p + n) is UTF-8 (core/utf8_valid.cpp).
  bool (*valid_utf8)(const char* p, std::size_t n);
};

extern const Kernels k_scalar;
#if defined(RECSSH_X86_KERNELS)
extern const Kernels k_sse2, k_avx2, k_avx512, k_avx512vbmi2;
#endif

// The table in use: set once at start by core/simd.cpp (and by simd::select in tests).
// Until then, the scalar one, so that nothing can run a kernel the CPU lacks.
extern std::atomic<const Kernels*> g_active;
inline const Kernels& active() { return *g_active.load(std::memory_order_relaxed); }

// The kernels fall back on narrower ones when the padding is short.
Decoded decode_scalar(const char* p, const char* end, char* o, std::size_t pad);
const char* check_scalar(const char* p, const char* end, std::size_t pad);
bool valid_utf8_simdjson(const char* p, std::size_t n); // simdjson's own dispatch
#if defined(RECSSH_X86_KERNELS)
Decoded decode_sse2(const char* p, const char* end, char* o, std::size_t pad);
const char* check_sse2(const char* p, const char* end, std::size_t pad);
Decoded decode_avx2(const char* p, const char* end, char* o, std::size_t pad);
const char* check_avx2(const char* p, const char* end, std::size_t pad);
bool valid_utf8_avx512(const char* p, std::size_t n); // core/utf8_valid_avx512.cpp
#endif

namespace {

struct ByteTable {
  signed char v[256];
};
constexpr ByteTable make_hex_table() {
  ByteTable t{};
  for (auto& v : t.v) v = -1;
  for (int c = '0'; c <= '9'; ++c) t.v[c] = static_cast<signed char>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t.v[c] = static_cast<signed char>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t.v[c] = static_cast<signed char>(c - 'A' + 10);
  return t;
}
constexpr ByteTable k_hex_value = make_hex_table();

struct CharTable {
  char v[256];
};
constexpr CharTable make_simple_escape_table() {
  CharTable t{};
  t.v[int('"')] = '"';
  t.v[int('\\')] = '\\';
  t.v[int('/')] = '/';
  t.v[int('b')] = '\b';
  t.v[int('f')] = '\f';
  t.v[int('n')] = '\n';
  t.v[int('r')] = '\r';
  t.v[int('t')] = '\t';
  return t;
}
constexpr CharTable k_simple_escape = make_simple_escape_table();

inline int hex4(const char* p) {
  int v = 0;
  for (int i = 0; i < 4; ++i) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= c - '0';
    else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
    else return -1;
  }
  return v;
}

inline char* put_utf8(char* o, unsigned cp) {
  if (cp < 0x80) {
    *o++ = char(cp);
  } else if (cp < 0x800) {
    *o++ = char(0xC0 | (cp >> 6));
    *o++ = char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *o++ = char(0xE0 | (cp >> 12));
    *o++ = char(0x80 | ((cp >> 6) & 0x3F));
    *o++ = char(0x80 | (cp & 0x3F));
  } else {
    *o++ = char(0xF0 | (cp >> 18));
    *o++ = char(0x80 | ((cp >> 12) & 0x3F));
    *o++ = char(0x80 | ((cp >> 6) & 0x3F));
    *o++ = char(0x80 | (cp & 0x3F));
  }
  return o;
}

// First byte in [p, end) that is '"', '\\' or a control character (< 0x20).
inline const char* find_special_scalar(const char* p, const char* end) {
  while (p < end && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20) ++p;
  return p;
}

// The escape at q (q[0] == '\\', inside the line): its end, or nullptr if invalid.
// Appends the character it stands for at *o when o is given.
// (always inlined: `o` then stays in a register instead of going through memory)
__attribute__((always_inline)) inline const char* take_escape(const char* q, const char* end, char** o) {
  if (q + 1 >= end) return nullptr;
  const char c = q[1];
  // One table lookup for the single-character escapes (\r, \n, \t... dominate
  // terminal output) instead of a switch that mispredicts on every change.
  if (char simple = k_simple_escape.v[static_cast<unsigned char>(c)]) {
    if (o) *(*o)++ = simple;
    return q + 2;
  }
  if (c != 'u' || end - q < 6) return nullptr;
  if (std::memcmp(q + 2, "001b", 4) == 0) { // ESC: most \\u escapes in terminal output
    if (o) *(*o)++ = '\x1b';
    return q + 6;
  }
  const char* p = q + 2;
  int cp;
  if (p[0] == '0' && p[1] == '0') { // \u00XX, the common case (ESC, BEL, ...)
    int hi = k_hex_value.v[static_cast<unsigned char>(p[2])], lo = k_hex_value.v[static_cast<unsigned char>(p[3])];
    if ((hi | lo) < 0) return nullptr;
    cp = hi << 4 | lo;
  } else {
    cp = hex4(p);
  }
  p += 4;
  if (cp < 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) return nullptr;
  unsigned code = unsigned(cp);
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    if (end - p < 6 || p[0] != '\\' || p[1] != 'u') return nullptr;
    int lo = hex4(p + 2);
    if (lo < 0xDC00 || lo > 0xDFFF) return nullptr;
    p += 6;
    code = 0x10000u + ((unsigned(cp) - 0xD800u) << 10) + (unsigned(lo) - 0xDC00u);
  }
  if (o) *o = put_utf8(*o, code);
  return p;
}

// take_escape for the decoding loops: the output pointer travels by value, so it
// stays in a register.
__attribute__((always_inline)) inline Decoded decode_escape(const char* q, const char* end, char* o) {
  const char* next = take_escape(q, end, &o);
  return {next, o};
}

// Block scanning for padded lines (the readers leave 128 readable bytes after each):
// one compare per block finds every '"', '\\' and control byte in it, and the
// escapes in a block are handled one after the other from that one mask, so text
// with an escape every few bytes (ESC, CR LF) costs one load per span, not one
// compare per escape. `Block` (from the kernel file) gives the block size, the mask
// of special bytes at p and a block copy; 2 * Block::size bytes must be readable
// after the line.

// A string body after its opening quote, decoded into `o`: the position after the
// closing quote, or nullptr. `o` has room for (end - p) + 2 * Block::size bytes.
template <class Block> Decoded unescape_blocks(const char* p, const char* end, char* o) {
  constexpr int k_block = Block::size;
  for (;;) {
    unsigned mask = Block::special_mask(p);
    if (mask == 0) {
      Block::copy(o, p);
      o += k_block;
      p += k_block;
      if (p >= end) return {nullptr, o}; // no closing quote in the line
      continue;
    }
    const char* const blk = p;
    for (;;) {
      const char* q = blk + __builtin_ctz(mask);
      if (q >= end) return {nullptr, o};
      Block::copy(o, p); // the span before it (at most one block)
      o += q - p;
      if (*q == '"') {
        return {q + 1, o};
      }
      if (*q != '\\') return {nullptr, o}; // a raw control character
      const Decoded d = decode_escape(q, end, o);
      if (!d.in) return d;
      p = d.in;
      o = d.out;
      const std::ptrdiff_t used = p - blk;
      if (used >= k_block) break; // the escape ran into the next block: reload there
      mask &= ~0u << used;
      if (mask == 0) { // the rest of this block is plain text
        Block::copy(o, p);
        o += blk + k_block - p;
        p = blk + k_block;
        if (p >= end) return {nullptr, o};
        break;
      }
    }
  }
}

// The check-only twin of unescape_blocks: where a string body ends (after its closing
// quote), or nullptr if it is not valid as the fast path takes it.
template <class Block> const char* check_string_blocks(const char* p, const char* end) {
  constexpr int k_block = Block::size;
  for (;;) {
    unsigned mask = Block::special_mask(p);
    if (mask == 0) {
      p += k_block;
      if (p >= end) return nullptr; // no closing quote in the line
      continue;
    }
    const char* const blk = p;
    for (;;) {
      const char* q = blk + __builtin_ctz(mask);
      if (q >= end) return nullptr;
      if (*q == '"') return q + 1;
      if (*q != '\\') return nullptr; // a raw control character
      p = take_escape(q, end, nullptr);
      if (!p) return nullptr;
      const std::ptrdiff_t used = p - blk;
      if (used >= k_block) break; // the escape ran into the next block: reload there
      mask &= ~0u << used;
      if (mask == 0) {
        p = blk + k_block;
        if (p >= end) return nullptr;
        break;
      }
    }
  }
}

} // namespace

} // namespace recssh::unescape
