// SPDX-License-Identifier: MIT
#pragma once
// File names made from untrusted text (ssh arguments, header fields).
#include <string>
#include <string_view>

namespace recssh {

// Maps text to a safe file name part: only [A-Za-z0-9._-] are kept, runs of other
// bytes become one '_', leading dots, dashes and underscores go (no hidden files, no
// option-like names, no ".."), and it is cut to max_len. Empty results become `fallback`.
std::string sanitize_name(std::string_view text, std::size_t max_len = 80,
                          std::string_view fallback = "session");

} // namespace recssh
