// SPDX-License-Identifier: MIT
#pragma once
// The recordings root and its two layouts:
//   day:  ROOT/YYYY-MM-DD/HHMMSS-<what>.cast        (local time; sortable, for people)
//   user: ROOT/<user>/<shell|exec>/<session id>.cast (for collectors)
// and the day directories' names, which recording, rotation and review all read.
#include "store/config.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace recssh::store {

enum class Layout { day, user };
enum class Stream { shell, exec };

std::string_view stream_name(Stream s);
std::optional<Stream> parse_stream(std::string_view name);
std::optional<Layout> parse_layout(std::string_view name);

// ROOT: --dir, else RECSSH_DIR, else the config file's dir, else default_root().
std::string resolve_root(const std::optional<std::string>& cli_dir, const Config& config);

// $XDG_DATA_HOME/recssh, else ~/.local/share/recssh. Throws Error with no home.
std::string default_root();

// The name of the local day that contains `unix_seconds`: "2026-11-22".
std::string day_name(std::int64_t unix_seconds);

struct Day {
  int year = 0;
  unsigned month = 0, day = 0;
  auto operator<=>(const Day&) const = default;
};
// A day directory's name back to its date; nullopt for anything else (including
// well-formed but impossible dates such as 2026-02-30).
std::optional<Day> parse_day_name(std::string_view name);

// Is `name` a recording's file name (*.cast, *.cast.gz, not hidden)?
bool is_recording_name(std::string_view name);
// Is it a port forward's capture (*.pcap, *.pcap.gz; store/placement.hpp)?
bool is_capture_name(std::string_view name);

// Who and where this process is, for the metadata: the effective user's login name
// (or uid) and the host name.
std::string local_user();
std::string local_host();

} // namespace recssh::store
