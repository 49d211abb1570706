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
  // A line without a literal that every match of the pattern holds ("kernel" in
  // "ssh.*kernel") is not run through regexec (glibc's costs a lock and far more
  // than the search for the literal). false: every line is (for comparing).
  bool prefilter = true;
};

class Matcher {
public:
  // Throws UsageError when the pattern does not compile.
  explicit Matcher(MatchOptions o);
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;
  // Safe to call from several threads at once, but glibc's regexec takes a lock on
  // the pattern: threads that search much each make their own (options()).
  bool matches(std::string_view line) const;
  const MatchOptions& options() const { return m_o; }
  // The literal every match holds ("": none found), what the prefilter looks for.
  const std::string& required() const { return m_must; }
  // Every match, as [begin, end) byte offsets (for --color).
  std::vector<std::pair<std::size_t, std::size_t>> spans(std::string_view line) const;

private:
  bool find(std::string_view line, std::size_t from, std::size_t& begin, std::size_t& end) const;
  MatchOptions m_o;
  bool m_literal = false;
  std::string m_needle; // the literal, lowered with ignore_case
  std::string m_must;   // for a regular expression: a literal every match holds (lowered with ignore_case)
  regex_t m_re{};
  bool m_compiled = false;
};

} // namespace recssh::search
