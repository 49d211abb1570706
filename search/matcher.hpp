// SPDX-License-Identifier: MIT
#pragma once
// Matching one line of text as grep does: basic or extended POSIX regular
// expressions (glibc's), or fixed strings; ignoring case; whole words. A pattern
// without special characters is searched as a fixed string, which is much faster.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <regex.h>

namespace recssh::search {

enum class Syntax { basic, extended, fixed };

struct MatchOptions {
  std::string pattern;
  Syntax syntax = Syntax::basic;
  bool ignore_case = false;
  bool word = false;
};

class Matcher {
public:
  // Throws UsageError when the pattern does not compile.
  explicit Matcher(MatchOptions o);
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;
  // Safe to call from several threads at once (regexec is).
  bool matches(std::string_view line) const;
  // Every match, as [begin, end) byte offsets (for --color).
  std::vector<std::pair<std::size_t, std::size_t>> spans(std::string_view line) const;

private:
  bool find(std::string_view line, std::size_t from, std::size_t& begin, std::size_t& end) const;
  MatchOptions m_o;
  bool m_literal = false;
  std::string m_needle; // the literal, lowered with ignore_case
  regex_t m_re{};
  bool m_compiled = false;
};

} // namespace recssh::search
