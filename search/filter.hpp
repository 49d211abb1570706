// SPDX-License-Identifier: MIT
#pragma once
// Which recordings a search or a listing looks at, by what they say about
// themselves: the header's recssh metadata (user, target, stream), its start time,
// and how the session ended (the end marker, read from the file's tail).
#include "core/event.hpp"
#include "store/metadata.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace recssh::search {

struct RecordingFilter {
  std::string user;                  // the local user who ran the session
  std::string host;                  // the target: "user@host" as a whole, or its host
  std::optional<std::int64_t> since; // Unix seconds: started at or after
  std::optional<std::int64_t> until; // started before
  bool failed = false;               // ended with a status other than 0
  std::optional<store::Stream> stream;

  bool empty() const { return user.empty() && host.empty() && !since && !until && !failed && !stream; }
  // Whether a recording passes. `end` is asked only when the filter needs it (it
  // reads the file's tail); a session without an end marker has no known status and
  // does not pass --failed.
  bool passes(const Header& header, const std::optional<store::Metadata>& meta,
              const std::function<std::optional<store::SessionEnd>()>& end) const;
};

// "2026-12-01", "2026-12-01 10:30", "2026-12-01T10:30:00", in the local zone unless
// it ends in "Z" or "+HH:MM"/"-HH:MM". A date alone is its first second, or with
// `end_of_day` the first second of the next day. nullopt when it is none of these.
std::optional<std::int64_t> parse_when(std::string_view text, bool end_of_day);

} // namespace recssh::search
