// SPDX-License-Identifier: MIT
#include "search/matcher.hpp"

#include "core/errors.hpp"

#include <algorithm>

namespace recssh::search {

namespace {

bool word_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || u == '_' || u >= 0x80;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

bool has_special(const std::string& p, Syntax s) {
  const std::string_view special = s == Syntax::extended ? "\\.[]*^$+?(){}|" : "\\.[]*^$";
  return p.find_first_of(special) != std::string::npos;
}

} // namespace

Matcher::Matcher(MatchOptions o) : m_o(std::move(o)) {
  m_literal = m_o.syntax == Syntax::fixed || !has_special(m_o.pattern, m_o.syntax);
  if (m_literal) {
    m_needle = m_o.pattern;
    if (m_o.ignore_case) std::transform(m_needle.begin(), m_needle.end(), m_needle.begin(), lower);
    return;
  }
  std::string p = m_o.pattern;
  if (m_o.word) p = m_o.syntax == Syntax::extended ? "\\<(" + p + ")\\>" : "\\<\\(" + p + "\\)\\>";
  int flags = (m_o.syntax == Syntax::extended ? REG_EXTENDED : 0) | (m_o.ignore_case ? REG_ICASE : 0) | REG_NEWLINE;
  int rc = ::regcomp(&m_re, p.c_str(), flags);
  if (rc != 0) {
    char msg[256];
    ::regerror(rc, &m_re, msg, sizeof msg);
    throw UsageError("bad pattern '" + m_o.pattern + "': " + msg);
  }
  m_compiled = true;
}

Matcher::~Matcher() {
  if (m_compiled) ::regfree(&m_re);
}

bool Matcher::find(std::string_view line, std::size_t from, std::size_t& begin, std::size_t& end) const {
  if (!m_literal) {
    regmatch_t m[1];
    m[0].rm_so = regoff_t(from);
    m[0].rm_eo = regoff_t(line.size());
    int flags = REG_STARTEND | (from > 0 ? REG_NOTBOL : 0);
    if (::regexec(&m_re, line.data(), 1, m, flags) != 0) return false;
    begin = std::size_t(m[0].rm_so);
    end = std::size_t(m[0].rm_eo);
    return true;
  }
  for (std::size_t at = from;;) {
    std::size_t pos;
    if (!m_o.ignore_case) {
      pos = line.find(m_needle, at);
    } else {
      auto it = std::search(line.begin() + std::ptrdiff_t(at), line.end(), m_needle.begin(), m_needle.end(),
                            [](char a, char b) { return lower(a) == b; });
      pos = it == line.end() && !m_needle.empty() ? std::string_view::npos : std::size_t(it - line.begin());
    }
    if (pos == std::string_view::npos) return false;
    std::size_t e = pos + m_needle.size();
    if (!m_o.word || ((pos == 0 || !word_char(line[pos - 1])) && (e >= line.size() || !word_char(line[e])))) {
      begin = pos;
      end = e;
      return true;
    }
    at = pos + 1;
    if (at > line.size()) return false;
  }
}

bool Matcher::matches(std::string_view line) const {
  std::size_t b = 0, e = 0;
  return find(line, 0, b, e);
}

std::vector<std::pair<std::size_t, std::size_t>> Matcher::spans(std::string_view line) const {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  std::size_t from = 0, b = 0, e = 0;
  while (from <= line.size() && find(line, from, b, e)) {
    if (e == b) { // an empty match: nothing to colour, move on
      from = b + 1;
      continue;
    }
    out.emplace_back(b, e);
    from = e;
  }
  return out;
}

} // namespace recssh::search
