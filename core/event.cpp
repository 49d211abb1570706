// SPDX-License-Identifier: MIT
#include "core/event.hpp"

#include <charconv>

namespace recssh {

std::string format_size(TermSize s) {
  return std::to_string(s.cols) + "x" + std::to_string(s.rows);
}

std::optional<TermSize> parse_size(std::string_view text) {
  auto x = text.find('x');
  if (x == std::string_view::npos) return std::nullopt;
  TermSize s;
  auto a = text.substr(0, x), b = text.substr(x + 1);
  auto r1 = std::from_chars(a.data(), a.data() + a.size(), s.cols);
  auto r2 = std::from_chars(b.data(), b.data() + b.size(), s.rows);
  if (a.empty() || b.empty() || r1.ec != std::errc{} || r2.ec != std::errc{} ||
      r1.ptr != a.data() + a.size() || r2.ptr != b.data() + b.size())
    return std::nullopt;
  if (s.cols < 1 || s.rows < 1 || s.cols > 65535 || s.rows > 65535) return std::nullopt;
  return s;
}

const std::string* Header::find_extra(std::string_view key) const {
  for (const auto& [k, v] : extra)
    if (k == key) return &v;
  return nullptr;
}

void Header::set_extra(std::string key, std::string raw_json) {
  for (auto& [k, v] : extra)
    if (k == key) {
      v = std::move(raw_json);
      return;
    }
  extra.emplace_back(std::move(key), std::move(raw_json));
}

} // namespace recssh
