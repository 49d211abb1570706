// SPDX-License-Identifier: MIT
#pragma once
// `recast grep` over one recording: its transcript (transcript.hpp) matched line by
// line, with grep's choices (invert, count, files with matches, a maximum, context),
// and the result formatted for the caller to print: text, or one JSON object per
// line. Nothing here prints.
#include "search/filter.hpp"
#include "search/matcher.hpp"
#include "search/transcript.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace recssh {
struct FormatInfo;
class EventReader;
} // namespace recssh

namespace recssh::search {

struct GrepOptions {
  TranscriptOptions transcript;
  bool invert = false;
  enum class Report { lines, count, files } report = Report::lines;
  std::uint64_t max_count = 0; // 0: no limit
  int before = 0, after = 0;   // context lines
  bool json = false;
  bool color = false;
  bool wall = false;      // wall-clock times (the header's timestamp + time)
  bool play_hint = false; // `recast play FILE --at TIME` under each hit
  RecordingFilter filter;  // recordings that do not pass are not searched
};

struct FileResult {
  std::string output;       // what to print for this file, in order
  std::uint64_t hits = 0;
  std::uint64_t masked = 0; // spans of masked input (--input: not searchable)
  bool emulated = false;
  bool filtered_out = false; // the filter left it out: not searched
};

// Searches `path` (any format the registry reads, or `from`'s; "-" is stdin), named
// `label` in the output ("": its path). Throws Error / FormatError when it cannot be
// read.
FileResult grep_file(const std::string& path, const Matcher& matcher, const GrepOptions& options,
                     const std::string& from = "", const std::string& label = "");
// Searches a recording open in `reader`, named `label` in the output; `path`: where
// its end marker is read for the filter ("": none).
FileResult grep_reader(EventReader& reader, const std::string& label, const std::string& path,
                       const Matcher& matcher, const GrepOptions& options);
// Searches every session of a source that holds several (`format`'s sessions, an
// audit.log and its rotated copies `files`), each named BASE[SESSION] in the output.
FileResult grep_sessions(const FormatInfo& format, const std::string& base, const std::vector<std::string>& files,
                         const Matcher& matcher, const GrepOptions& options);

// "00:03:25.120" (hours as many digits as they need, at least two).
std::string format_offset(Micros t);
// Local wall-clock time "2026-12-03 07:52:59.120" of `t` after `start` (Unix seconds).
std::string format_wall(std::int64_t start, Micros t);

} // namespace recssh::search
