// SPDX-License-Identifier: MIT
#include "record/placement.hpp"

#include <cstdlib>
#include <ctime>
#include <pwd.h>
#include <unistd.h>

namespace recssh::record {

std::string resolve_root(const std::optional<std::string>& cli_dir, const Config& config) {
  if (cli_dir && !cli_dir->empty()) return *cli_dir;
  if (const char* env = std::getenv("RECSSH_DIR"); env && *env) return env;
  if (config.dir && !config.dir->empty()) return *config.dir;
  return default_root();
}

CreatedFile create_session_file(const Placement& p, std::int64_t unix_seconds, std::string_view what,
                                std::string_view user, Stream stream, const std::string& session_id) {
  std::string ext = p.gzip ? ".cast.gz" : ".cast";
  if (p.layout == Layout::user)
    return create_recording_file(p.root, {sanitize_name(user, 64, "unknown"), std::string(stream_name(stream))},
                                 session_id, ext);
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char day[16], hms[16];
  std::strftime(day, sizeof day, "%Y-%m-%d", &tm);
  std::strftime(hms, sizeof hms, "%H%M%S", &tm);
  return create_recording_file(p.root, {day}, std::string(hms) + "-" + sanitize_name(what), ext);
}

std::string local_user() {
  if (passwd* pw = ::getpwuid(::geteuid())) return pw->pw_name;
  return std::to_string(::geteuid());
}

std::string local_host() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

} // namespace recssh::record
