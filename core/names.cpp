// SPDX-License-Identifier: MIT
#include "core/names.hpp"

namespace recssh {
namespace {

bool safe_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

} // namespace

std::string sanitize_name(std::string_view text, std::size_t max_len, std::string_view fallback) {
  std::string out;
  bool gap = false;
  for (char c : text) {
    if (safe_char(c)) {
      if (gap && !out.empty()) out.push_back('_');
      gap = false;
      if (out.empty() && (c == '.' || c == '-' || c == '_')) continue;
      out.push_back(c);
    } else {
      gap = true;
    }
    if (out.size() >= max_len) break;
  }
  if (out.size() > max_len) out.resize(max_len);
  while (!out.empty() && (out.back() == '.' || out.back() == '_' || out.back() == '-')) out.pop_back();
  if (out.empty()) out = fallback;
  return out;
}

} // namespace recssh
