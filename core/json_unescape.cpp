// SPDX-License-Identifier: MIT
// The scalar string kernel: portable C++, byte by byte. It is what every CPU can run
// (and all that non-x86 builds have), what the wider kernels fall back on for lines
// without padding, and the reference the tests compare the others with.
#include "core/json_unescape.hpp"

namespace recssh::unescape {

Decoded decode_scalar(const char* p, const char* end, char* o, std::size_t) {
  for (;;) {
    const char* q = find_special_scalar(p, end);
    std::memcpy(o, p, std::size_t(q - p));
    o += q - p;
    if (q >= end) return {nullptr, o}; // unterminated
    if (*q == '"') return {q + 1, o};
    if (*q != '\\') return {nullptr, o}; // a raw control character
    const Decoded d = decode_escape(q, end, o);
    if (!d.in) return d;
    p = d.in;
    o = d.out;
  }
}

const char* check_scalar(const char* p, const char* end, std::size_t) {
  for (;;) {
    const char* q = find_special_scalar(p, end);
    if (q >= end) return nullptr;
    if (*q == '"') return q + 1;
    if (*q != '\\') return nullptr;
    p = take_escape(q, end, nullptr);
    if (!p) return nullptr;
  }
}

const Kernels k_scalar = {"scalar", decode_scalar, check_scalar, valid_utf8_simdjson};

} // namespace recssh::unescape
