// SPDX-License-Identifier: MIT
#include "search/filter.hpp"

#include <cstdio>
#include <ctime>

namespace recssh::search {

bool RecordingFilter::passes(const Header& header, const std::optional<store::Metadata>& meta,
                             const std::function<std::optional<store::SessionEnd>()>& end) const {
  if (!user.empty() && (!meta || meta->user != user)) return false;
  if (!host.empty()) {
    if (!meta) return false;
    auto at = meta->target.rfind('@');
    std::string_view bare = at == std::string::npos ? std::string_view(meta->target)
                                                    : std::string_view(meta->target).substr(at + 1);
    if (meta->target != host && bare != host) return false;
  }
  if (stream && (!meta || meta->stream != stream)) return false;
  if (since && (!header.timestamp || *header.timestamp < *since)) return false;
  if (until && (!header.timestamp || *header.timestamp >= *until)) return false;
  if (failed) {
    auto e = end();
    if (!e || e->status == 0) return false;
  }
  return true;
}

std::optional<std::int64_t> parse_when(std::string_view text, bool end_of_day) {
  std::string s(text);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, used = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10) return std::nullopt;
  std::size_t at = 10;
  bool date_only = at == s.size();
  if (!date_only) {
    if (s[at] != 'T' && s[at] != ' ') return std::nullopt;
    ++at;
    int n = 0;
    if (std::sscanf(s.c_str() + at, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5) return std::nullopt;
    at += 5;
    if (at < s.size() && s[at] == ':') {
      if (std::sscanf(s.c_str() + at, ":%2d%n", &sec, &n) != 1 || n != 3) return std::nullopt;
      at += 3;
    }
  }
  bool utc = false;
  long offset = 0;
  if (at < s.size()) {
    if (s.substr(at) == "Z") {
      utc = true;
    } else if ((s[at] == '+' || s[at] == '-') && s.size() - at == 6 && s[at + 3] == ':') {
      int oh = 0, om = 0, n = 0;
      if (std::sscanf(s.c_str() + at + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5) return std::nullopt;
      utc = true;
      offset = (s[at] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
    } else {
      return std::nullopt;
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d + (date_only && end_of_day ? 1 : 0);
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  tm.tm_isdst = -1;
  std::time_t t = utc ? ::timegm(&tm) - offset : std::mktime(&tm);
  if (t == std::time_t(-1)) return std::nullopt;
  return std::int64_t(t);
}

} // namespace recssh::search
