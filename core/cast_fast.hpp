// SPDX-License-Identifier: MIT
#pragma once
// The fast path for the one shape that makes up almost every cast line:
//   [number, "code", "data"]
// It accepts a strict subset of JSON and returns false for anything else (odd
// white space is fine; unusual escapes, invalid UTF-8, lone surrogates, extra
// elements are not), in which case the caller parses the line with simdjson, which
// then also produces the exact error message. The fuzz target checks that both
// agree on every line the fast path accepts.
#include <string>
#include <string_view>

namespace recssh {

// `capacity`: readable bytes from line.data() (at least line.size()); with 16, 64 and
// 128 more, the SIMD kernels (core/json_unescape*.cpp) take wider steps that may read
// past the end of the line.
// need_data false: for "o", "i" and "m" events the data is only checked, and left
// empty (a validation pass).
bool fast_parse_event(std::string_view line, std::size_t capacity, std::string_view& time_text,
                      std::string& code, std::string& data, bool need_data = true);

// The same, decoding code and data one after the other at `at`, which must have room
// for line.size() + k_fast_room bytes; `at` is advanced past what was written, and
// `code`/`data` point into it. utf8_checked: the caller has already validated bytes
// that include the whole line (a batch at once is cheaper than line by line).
inline constexpr std::size_t k_fast_room = 64;
bool fast_parse_event_into(std::string_view line, std::size_t capacity, std::string_view& time_text,
                           char*& at, std::string_view& code, std::string_view& data, bool need_data,
                           bool utf8_checked);

} // namespace recssh
