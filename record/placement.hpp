// SPDX-License-Identifier: MIT
#pragma once
// Which directory and file a new session goes to, in one of the two layouts:
//   day:  ROOT/YYYY-MM-DD/HHMMSS-<what>.cast   (local time; sortable, for people)
//   user: ROOT/<user>/<shell|exec>/<session id>.cast   (for collectors)
#include "record/config.hpp"
#include "record/naming.hpp"
#include "record/session.hpp"

#include <optional>

namespace recssh::record {

enum class Layout { day, user };

struct Placement {
  std::string root;
  Layout layout = Layout::day;
  bool gzip = false;
};

// ROOT: --dir, else RECSSH_DIR, else the config file's dir, else the XDG data directory.
std::string resolve_root(const std::optional<std::string>& cli_dir, const Config& config);

CreatedFile create_session_file(const Placement& p, std::int64_t unix_seconds, std::string_view what,
                                std::string_view user, Stream stream, const std::string& session_id);

std::string local_user();
std::string local_host();

} // namespace recssh::record
