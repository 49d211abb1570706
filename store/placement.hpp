// SPDX-License-Identifier: MIT
#pragma once
// Which directory and file a new session goes to, in one of the two layouts
// (layout.hpp). The file is created locked (naming.hpp, lock.hpp).
#include "store/layout.hpp"
#include "store/naming.hpp"

namespace recssh::store {

struct Placement {
  std::string root;
  Layout layout = Layout::day;
  bool gzip = false;
};

// day layout: ROOT/<day>/<HHMMSS>-<what>.cast; user layout: ROOT/<user>/<stream>/<id>.cast.
CreatedFile create_session_file(const Placement& p, std::int64_t unix_seconds, std::string_view what,
                                std::string_view user, Stream stream, const std::string& session_id);

// A port forward's capture (forward/), one per destination of a session:
//   day layout (and a file the user named): beside the cast, <cast stem>_<host>_<port>.pcap
//   user layout: ROOT/<user>/tcpip/<session id>_<host>_<port>.pcap
// (.pcap.gz when the session is gzip'd), created locked like the cast.
CreatedFile create_capture_file(const Placement& p, const std::string& cast_path, std::string_view user,
                                const std::string& session_id, std::string_view dest_host, std::string_view dest_port);


} // namespace recssh::store
