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

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Drops the last character (all its UTF-8 bytes) of `run`: a quantifier after it
// makes it optional.
void drop_last(std::string& run) {
  while (!run.empty() && is_continuation(run.back())) run.pop_back();
  if (!run.empty()) run.pop_back();
}

// The longest literal that every match of `p` holds, or "": runs of ordinary
// characters between the special ones, a character under *, ?, {m,n} (or \?, \{ in
// a basic expression) taken off. Conservative: alternation and groups (which a
// quantifier can make optional) give none at all.
std::string required_literal(const std::string& p, Syntax syntax) {
  const bool ere = syntax == Syntax::extended;
  std::string best, run;
  auto end_run = [&] {
    if (run.size() > best.size()) best = run;
    run.clear();
  };
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') {
      if (i + 1 >= p.size()) return "";
      const char e = p[++i];
      if (e == '|' || e == '(' || e == ')') {
        if (!ere) return ""; // (basic: alternation, groups)
        run += e;            // (extended: the character itself)
      } else if (!ere && (e == '{' || e == '?')) {
        drop_last(run);
        end_run();
        if (e == '{') i = p.find("\\}", i) == std::string::npos ? p.size() : p.find("\\}", i) + 1;
      } else if (!ere && e == '+') {
        end_run();
      } else if (std::string_view(".*[]^$\\/-").find(e) != std::string_view::npos) {
        run += e;
      } else {
        end_run(); // \w, \<, a back-reference...: not a known character
      }
      continue;
    }
    if (ere && (c == '|' || c == '(' || c == ')')) return "";
    if (c == '[') {
      end_run();
      // To the bracket's end: a ']' first (or after '^') is a member; so are the
      // ']' of [:class:], [=x=] and [.x.].
      std::size_t j = i + 1;
      if (j < p.size() && p[j] == '^') ++j;
      if (j < p.size() && p[j] == ']') ++j;
      while (j < p.size() && p[j] != ']') {
        if (p[j] == '[' && j + 1 < p.size() && (p[j + 1] == ':' || p[j + 1] == '=' || p[j + 1] == '.')) {
          const char kind = p[j + 1];
          std::size_t close = p.find(std::string(1, kind) + "]", j + 2);
          if (close == std::string::npos) return "";
          j = close + 2;
          continue;
        }
        ++j;
      }
      if (j >= p.size()) return "";
      i = j;
      continue;
    }
    if (c == '*' || (ere && (c == '?' || c == '{'))) {
      drop_last(run);
      end_run();
      if (c == '{') {
        std::size_t close = p.find('}', i);
        if (close == std::string::npos) return "";
        i = close;
      }
      continue;
    }
    if (c == '.' || c == '^' || c == '$' || (ere && c == '+')) {
      end_run();
      continue;
    }
    run += c;
  }
  end_run();
  return best;
}

bool ascii_only(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Whether `line` holds `needle` (lowered ASCII when `fold`).
bool holds(std::string_view line, const std::string& needle, bool fold) {
  if (!fold) return line.find(needle) != std::string_view::npos;
  return std::search(line.begin(), line.end(), needle.begin(), needle.end(),
                     [](char a, char b) { return lower(a) == b; }) != line.end();
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
  if (m_o.prefilter) {
    m_must = required_literal(m_o.pattern, m_o.syntax);
    // (Case folded beyond ASCII is the locale's: no prefilter then.)
    if (m_o.ignore_case && !ascii_only(m_must)) m_must.clear();
    if (m_o.ignore_case) std::transform(m_must.begin(), m_must.end(), m_must.begin(), lower);
  }
}

Matcher::~Matcher() {
  if (m_compiled) ::regfree(&m_re);
}

bool Matcher::find(std::string_view line, std::size_t from, std::size_t& begin, std::size_t& end) const {
  if (!m_literal) {
    if (!m_must.empty() && !holds(line.substr(std::min(from, line.size())), m_must, m_o.ignore_case)) return false;
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
