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

} // namespace recssh::store
