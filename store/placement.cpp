// SPDX-License-Identifier: MIT
#include "store/placement.hpp"

#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <string_view>
#include <sys/stat.h>
#include <vector>

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

CreatedFile create_capture_file(const Placement& p, const std::string& cast_path, std::string_view user,
                                const std::string& session_id, std::string_view dest_host, std::string_view dest_port) {
  const std::string ext = p.gzip ? ".pcap.gz" : ".pcap";
  const std::string dest = "_" + sanitize_name(dest_host, 64, "host") + "_" + sanitize_name(dest_port, 8, "port");
  if (p.layout == Layout::user && !p.root.empty() && cast_path.rfind(p.root + "/", 0) == 0)
    return create_recording_file(p.root, {sanitize_name(user, 64, "unknown"), "tcpip"}, session_id + dest, ext);
  auto slash = cast_path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : cast_path.substr(0, slash ? slash : 1);
  std::string stem = cast_path.substr(slash == std::string::npos ? 0 : slash + 1);
  for (const char* e : {".cast.gz", ".cast"})
    if (stem.size() > std::strlen(e) && stem.compare(stem.size() - std::strlen(e), std::string::npos, e) == 0) {
      stem.resize(stem.size() - std::strlen(e));
      break;
    }
  return create_recording_file(dir, {}, stem + dest, ext);
}

} // namespace recssh::store
