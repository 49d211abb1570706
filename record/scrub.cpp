// SPDX-License-Identifier: MIT
#include "record/scrub.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace recssh::record {
namespace {

constexpr std::string_view k_mask = "***";
constexpr auto npos = std::string_view::npos;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool op_char(char c) { return c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '\n'; }
bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool starts(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// $( ... ), ${ ... } or ` ... ` starting at i: where it ends (one past), quotes inside
// respected, nesting counted. Unbalanced: the end of the line.
bool subst_at(std::string_view s, std::size_t i) {
  return s[i] == '`' || (s[i] == '$' && i + 1 < s.size() && (s[i + 1] == '(' || s[i + 1] == '{'));
}
std::size_t skip_subst(std::string_view s, std::size_t i) {
  if (s[i] == '`') {
    for (std::size_t j = i + 1; j < s.size(); ++j) {
      if (s[j] == '\\') ++j;
      else if (s[j] == '`') return j + 1;
    }
    return s.size();
  }
  const char open = s[i + 1], close = open == '(' ? ')' : '}';
  int depth = 0;
  for (std::size_t j = i + 1; j < s.size(); ++j) {
    char c = s[j];
    if (c == '\\') {
      ++j;
    } else if (c == '\'' && open == '(') {
      j = s.find('\'', j + 1);
      if (j == npos) return s.size();
    } else if (c == '"') {
      for (++j; j < s.size() && s[j] != '"'; ++j)
        if (s[j] == '\\') ++j;
      if (j >= s.size()) return s.size();
    } else if (c == open) {
      ++depth;
    } else if (c == close && --depth == 0) {
      return j + 1;
    }
  }
  return s.size();
}

enum class Quote { none, single, dbl };

// The quoting in effect at `to`, reading a word from `from`.
Quote quote_at(std::string_view s, std::size_t from, std::size_t to) {
  Quote q = Quote::none;
  for (std::size_t i = from; i < to; ++i) {
    char c = s[i];
    if (q == Quote::single) {
      if (c == '\'') q = Quote::none;
    } else if (c == '\\') {
      ++i;
    } else if (c == '\'' && q == Quote::none) {
      q = Quote::single;
    } else if (c == '"') {
      q = q == Quote::dbl ? Quote::none : Quote::dbl;
    } else if (subst_at(s, i)) {
      i = skip_subst(s, i) - 1;
    }
  }
  return q;
}

// The source text [b, e) of a secret with each literal run replaced by "***". Quote
// characters are kept, so the line stays balanced, and so are expansions ($VAR, ${..},
// $(..), `..`): they are not the secret, and a command in a value stays visible.
std::string mask_source(std::string_view s, std::size_t b, std::size_t e, Quote q) {
  std::string out;
  bool run = false;
  auto literal = [&] {
    if (!run) out += k_mask;
    run = true;
  };
  auto keep = [&](std::string_view t) {
    out += t;
    run = false;
  };
  for (std::size_t i = b; i < e;) {
    char c = s[i];
    if (q == Quote::single) {
      if (c == '\'') {
        q = Quote::none;
        keep("'");
      } else {
        literal();
      }
      ++i;
    } else if (c == '\\') {
      literal();
      i += 2;
    } else if (c == '\'' && q == Quote::none) {
      q = Quote::single;
      keep("'");
      ++i;
    } else if (c == '"') {
      q = q == Quote::dbl ? Quote::none : Quote::dbl;
      keep("\"");
      ++i;
    } else if (subst_at(s, i)) {
      std::size_t end = std::min(skip_subst(s, i), e);
      keep(s.substr(i, end - i));
      i = end;
    } else if (c == '$' && i + 1 < e && name_char(s[i + 1])) {
      std::size_t end = i + 1;
      while (end < e && name_char(s[end])) ++end;
      keep(s.substr(i, end - i));
      i = end;
    } else {
      literal();
      ++i;
    }
  }
  return out;
}

struct Span {
  std::size_t b, e; // in a word's unquoted text
};

// user:password@ after scheme:// (git, curl, psql, redis URLs), or user:password@host
// without a scheme (ssh, scp, rsync): the password.
void url_passwords(std::string_view t, std::vector<Span>& out) {
  auto userinfo = [&](std::size_t start, std::size_t stop) {
    std::string_view authority = t.substr(start, stop - start);
    auto at = authority.rfind('@');
    auto colon = authority.find(':');
    if (at != npos && colon < at) out.push_back({start + colon + 1, start + at});
  };
  if (t.find("://") == npos) {
    auto at = t.rfind('@');
    if (at == npos) return;
    auto eq = t.rfind('=', at); // X=user:pass@host, --url=...
    std::size_t start = eq == npos ? 0 : eq + 1;
    if (t.substr(start, at - start).find_first_of("/ ") == npos) userinfo(start, at + 1);
    return;
  }
  for (auto p = t.find("://"); p != npos; p = t.find("://", p + 3)) {
    std::size_t start = p + 3;
    userinfo(start, std::min(t.find_first_of("/?#", start), t.size()));
  }
}

// KEY=VALUE wherever it is in a word (export X=, SetEnv=X=, --password=, ?token=):
// the value, when KEY names a secret. In a URL query the value ends at '&'.
void assignments(std::string_view t, std::vector<Span>& out) {
  std::size_t from = 0;
  for (auto eq = t.find('='); eq != npos; eq = t.find('=', from)) {
    std::size_t k = eq;
    while (k > from && (name_char(t[k - 1]) || t[k - 1] == '-' || t[k - 1] == '.')) --k;
    from = eq + 1;
    if (k == eq || !secret_name(t.substr(k, eq - k))) continue;
    bool query = k > 0 && (t[k - 1] == '?' || t[k - 1] == '&');
    std::size_t end = query ? std::min(t.find('&', eq + 1), t.size()) : t.size();
    if (end > eq + 1) out.push_back({eq + 1, end});
    if (!query) return;
    from = end;
  }
}

// An HTTP header "Name: value" (curl -H, wget --header): the value when the name is
// Authorization (the scheme, Bearer or Basic, is kept), Cookie or names a secret.
void header_value(std::string_view t, std::vector<Span>& out) {
  auto colon = t.find(':');
  if (colon == npos || colon == 0) return;
  std::string name = lower(t.substr(0, colon));
  if (!std::all_of(name.begin(), name.end(), [](char c) { return name_char(c) || c == '-'; })) return;
  bool authz = name == "authorization" || name == "proxy-authorization";
  if (!authz && !secret_name(name)) return;
  std::size_t v = colon + 1;
  while (v < t.size() && is_blank(t[v])) ++v;
  if (authz)
    if (auto sp = t.find(' ', v); sp != npos) {
      v = sp;
      while (v < t.size() && is_blank(t[v])) ++v;
    }
  if (v < t.size()) out.push_back({v, t.size()});
}

// Programs whose options carry passwords in their own way.
enum Program : unsigned { mysql = 1, sshpass = 2, curl = 4, redis = 8 };
unsigned program_of(std::string_view word) {
  auto slash = word.rfind('/');
  if (slash != npos) word.remove_prefix(slash + 1);
  for (std::string_view m : {"mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlshow", "mysqlcheck", "mariadb",
                             "mariadb-dump", "mariadb-admin"})
    if (word == m) return mysql;
  if (word == "sshpass") return sshpass;
  if (word == "curl") return curl;
  if (word == "redis-cli" || word == "valkey-cli") return redis;
  return 0;
}

struct Edit {
  std::size_t b, e; // source span
  std::string with;
};

std::vector<Edit> find_secrets(std::string_view s) {
  std::vector<Edit> edits;
  auto mask = [&](const ShellToken& w, Span sp) {
    if (sp.b >= sp.e) return;
    std::size_t b = w.src[sp.b], e = sp.e < w.text.size() ? w.src[sp.e] : w.end;
    edits.push_back({b, e, mask_source(s, b, e, quote_at(s, w.begin, b))});
  };
  unsigned progs = 0; // the programs named so far in this simple command
  enum class Next { none, all, after_colon } next = Next::none;
  for (const auto& w : split_shell(s)) {
    if (w.op) {
      progs = 0;
      next = Next::none;
      continue;
    }
    std::string_view t = w.text;
    bool option = t.size() > 1 && t[0] == '-';
    if (next != Next::none) {
      Next n = std::exchange(next, Next::none);
      if (n == Next::after_colon) {
        if (auto colon = t.find(':'); colon != npos) mask(w, {colon + 1, t.size()});
        continue;
      }
      if (!option) { // --password-stdin -u x: a flag, not followed by its value
        mask(w, {0, t.size()});
        continue;
      }
    }
    std::vector<Span> spans;
    url_passwords(t, spans);
    assignments(t, spans);
    header_value(t, spans);
    if (option) {
      auto attached_or_next = [&](std::string_view opt) {
        if (!starts(t, opt)) return false;
        if (t.size() > opt.size()) spans.push_back({opt.size(), t.size()});
        else next = Next::all;
        return true;
      };
      if ((progs & mysql) && starts(t, "-p") && t.size() > 2) {
        spans.push_back({2, t.size()}); // mysql -pSECRET (a separate word after -p is the database)
      } else if ((progs & sshpass) && attached_or_next("-p")) {
      } else if ((progs & redis) && attached_or_next("-a")) {
      } else if ((progs & curl) && (t == "--user" || t == "--proxy-user" || t == "-u" || t == "-U")) {
        next = Next::after_colon; // curl -u user:password
      } else if ((progs & curl) &&
                 (starts(t, "--user=") || starts(t, "--proxy-user=") || starts(t, "-u") || starts(t, "-U"))) {
        if (auto colon = t.find(':'); colon != npos) spans.push_back({colon + 1, t.size()});
      } else if (t.find('=') == npos && t.size() > 2 && secret_name(t)) {
        next = Next::all; // --password VALUE, --token VALUE, -passin VALUE
      }
    }
    progs |= program_of(t);
    for (auto sp : spans) mask(w, sp);
  }
  // One edit per place: an assignment's value may contain a URL with a password.
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.b != b.b ? a.b < b.b : a.e > b.e; });
  std::vector<Edit> out;
  for (auto& e : edits)
    if (out.empty() || e.b >= out.back().e) out.push_back(std::move(e));
  return out;
}

} // namespace

bool secret_name(std::string_view key) {
  std::string k = lower(key);
  for (std::string_view w : {"pass", "pwd", "secret", "token", "apikey", "api_key", "api-key", "credential",
                             "private_key", "private-key", "cookie"})
    if (k.find(w) != std::string::npos) return true;
  // auth, oauth, authorization, x-auth-token; not --author
  for (auto p = k.find("auth"); p != std::string::npos; p = k.find("auth", p + 1))
    if (k.compare(p, 6, "author") != 0 || k.compare(p, 13, "authorization") == 0) return true;
  return false;
}

std::vector<ShellToken> split_shell(std::string_view s) {
  std::vector<ShellToken> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (is_blank(c)) {
      ++i;
      continue;
    }
    if (c == '\\' && i + 1 < s.size() && s[i + 1] == '\n') { // a continued line
      i += 2;
      continue;
    }
    if (op_char(c)) {
      std::size_t len = 1;
      if (i + 1 < s.size() && ((c == '&' && s[i + 1] == '&') || (c == '|' && (s[i + 1] == '|' || s[i + 1] == '&')) ||
                               (c == ';' && s[i + 1] == ';')))
        len = 2;
      ShellToken op;
      op.op = true;
      op.text = std::string(s.substr(i, len));
      op.begin = i;
      op.end = i + len;
      out.push_back(std::move(op));
      i += len;
      continue;
    }
    ShellToken w;
    w.begin = i;
    auto put = [&](std::size_t at) {
      w.text.push_back(s[at]);
      w.src.push_back(at);
    };
    while (i < s.size() && !is_blank(s[i]) && !op_char(s[i])) {
      c = s[i];
      if (c == '\\') {
        if (i + 1 < s.size() && s[i + 1] != '\n') put(i + 1);
        i = std::min(i + 2, s.size());
      } else if (c == '\'') {
        for (++i; i < s.size() && s[i] != '\''; ++i) put(i);
        if (i < s.size()) ++i;
      } else if (c == '"') {
        for (++i; i < s.size() && s[i] != '"';) {
          if (s[i] == '\\' && i + 1 < s.size() && std::string_view("$`\"\\\n").find(s[i + 1]) != npos) {
            if (s[i + 1] != '\n') put(i + 1);
            i += 2;
          } else if (subst_at(s, i)) {
            for (std::size_t end = skip_subst(s, i); i < end; ++i) put(i);
          } else {
            put(i++);
          }
        }
        if (i < s.size()) ++i;
      } else if (subst_at(s, i)) {
        for (std::size_t end = skip_subst(s, i); i < end; ++i) put(i);
      } else {
        put(i++);
      }
    }
    w.end = i;
    out.push_back(std::move(w));
  }
  return out;
}

std::string scrub_command(std::string_view line) {
  std::string out;
  std::size_t p = 0;
  for (const auto& e : find_secrets(line)) {
    out.append(line.substr(p, e.b - p));
    out += e.with;
    p = e.e;
  }
  out.append(line.substr(p));
  return out;
}

std::vector<std::string> scrub_command_words(const std::vector<std::string>& words) {
  std::string line;
  std::vector<std::size_t> starts;
  for (const auto& w : words) {
    if (!starts.empty()) line += ' ';
    starts.push_back(line.size());
    line += w;
  }
  std::vector<std::string> out(words.size());
  auto edits = find_secrets(line);
  std::size_t next_edit = 0, wi = 0;
  for (std::size_t p = 0; p < line.size();) {
    while (wi + 1 < words.size() && p >= starts[wi + 1]) ++wi;
    if (next_edit < edits.size() && edits[next_edit].b == p) {
      out[wi] += edits[next_edit].with; // a value across words (an open quote) ends up in the first
      p = edits[next_edit++].e;
    } else if (p == starts[wi] + words[wi].size()) {
      ++p; // the space that joined two words
    } else {
      out[wi] += line[p++];
    }
  }
  for (std::size_t i = 0; i < words.size(); ++i)
    if (out[i].empty() && !words[i].empty()) out[i] = k_mask; // all of it was inside a secret
  return out;
}

std::string scrub_userinfo(std::string_view word) {
  std::size_t start = 0, stop = word.size();
  if (auto p = word.find("://"); p != npos) {
    start = p + 3;
    stop = std::min(word.find('/', start), word.size());
  }
  std::string_view authority = word.substr(start, stop - start);
  auto at = authority.rfind('@');
  auto colon = authority.find(':');
  if (at == npos || colon > at) return std::string(word);
  std::string out(word);
  out.replace(start + colon + 1, at - colon - 1, k_mask);
  return out;
}

} // namespace recssh::record
