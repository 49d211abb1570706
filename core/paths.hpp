// SPDX-License-Identifier: MIT
#pragma once
// Path strings, split the way the messages and the layouts need them.
#include <string>
#include <string_view>

namespace recssh {

bool ends_with(std::string_view s, std::string_view suffix);

// "a/b/c.cast" -> "a/b" ("." without a slash) and "c.cast".
std::string dir_of(const std::string& path);
std::string base_of(const std::string& path);

} // namespace recssh
