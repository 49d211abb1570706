// SPDX-License-Identifier: MIT
#include "store/placement.hpp"

#include <ctime>

namespace recssh::store {

CreatedFile create_session_file(const Placement& p, std::int64_t unix_seconds, std::string_view what,
                                std::string_view user, Stream stream, const std::string& session_id) {
  std::string ext = p.gzip ? ".cast.gz" : ".cast";
  if (p.layout == Layout::user)
    return create_recording_file(p.root, {sanitize_name(user, 64, "unknown"), std::string(stream_name(stream))},
                                 session_id, ext);
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char hms[16];
  std::strftime(hms, sizeof hms, "%H%M%S", &tm);
  return create_recording_file(p.root, {day_name(unix_seconds)}, std::string(hms) + "-" + sanitize_name(what), ext);
}

} // namespace recssh::store
