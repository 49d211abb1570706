// SPDX-License-Identifier: MIT
// is_valid_utf8: the one check for "is this whole buffer UTF-8" (chunks of casts
// before decoding, strings before JSON escaping). Every cast byte goes through it, so
// it runs the kernel core/simd.cpp chose: on CPUs with AVX-512BW a 64-byte-a-step
// check (core/utf8_valid_avx512.cpp), elsewhere simdjson's, which simdjson itself
// dispatches at run time (icelake, haswell, westmere or fallback; RECSSH_SIMD sets
// which too).
#include "core/json_unescape.hpp"
#include "core/utf8.hpp"

#include <simdjson.h>

namespace recssh {

namespace unescape {
bool valid_utf8_simdjson(const char* p, std::size_t n) { return simdjson::validate_utf8(p, n); }
} // namespace unescape

bool is_valid_utf8(std::string_view s) { return unescape::active().valid_utf8(s.data(), s.size()); }

} // namespace recssh
