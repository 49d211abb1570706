// SPDX-License-Identifier: MIT
#pragma once
// What `recast info` and `recast validate` compute over one streamed pass.
#include "core/event_reader.hpp"
#include "core/forward_totals.hpp"

#include <map>
#include <string>
#include <vector>

namespace recssh {

struct CastStats {
  std::string name;
  std::string format;
  Header header;
  Micros duration{0};
  std::uint64_t events = 0;
  std::map<std::string, std::uint64_t> counts; // by event code
  std::uint64_t output_bytes = 0, input_bytes = 0;
  std::uint64_t resize_count = 0, marker_count = 0;
  std::vector<std::pair<Micros, TermSize>> resizes; // the first k_max_listed
  std::vector<std::pair<Micros, std::string>> markers;
  std::vector<ForwardTotals> forwards; // from recssh's forward markers
  std::optional<int> exit_status;
  std::uint64_t skipped = 0;

  static constexpr std::size_t k_max_listed = 100;
};

CastStats compute_stats(EventReader& reader, std::string name, std::string format);
std::string stats_text(const CastStats& s);
std::string stats_json(const CastStats& s);

struct Problem {
  std::string location;
  std::string message;
};

// Reads the whole file; returns the problems (errors and repairs alike). Stops at the
// first unless `all`. `events` receives the number of good events read.
std::vector<Problem> validate_file(const std::string& path, bool all, std::uint64_t* events);

} // namespace recssh
