// SPDX-License-Identifier: MIT
#pragma once
// `recast ls`: what a recording says about itself, read from its header and its
// tail (the last event's time, the end marker), never by scanning a plain v2 cast;
// .gz and other formats are read as a stream, in flat memory.
#include "core/event.hpp"
#include "core/forward_totals.hpp"
#include "search/filter.hpp"
#include "store/metadata.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace recssh::search {

struct ListEntry {
  std::string path;
  std::uint64_t size = 0;
  std::optional<std::int64_t> start; // Unix seconds (the header's timestamp)
  std::optional<Micros> duration;    // the last event's time
  std::optional<store::Metadata> meta;
  std::optional<store::SessionEnd> end; // nullopt: no end marker
  bool live = false;                    // a recorder holds it
  std::string format;                   // "v2", "ttyrec", ...
  std::optional<std::uint64_t> markers; // counted only when asked (a scan)
  std::vector<ForwardTotals> forward_totals; // from the relay's markers, in the same scan
};

struct ListOptions {
  bool count_markers = false; // --long: reads every event (and totals the forwards)
};

// Throws Error / FormatError when it cannot be read.
ListEntry list_entry(const std::string& path, const ListOptions& options);

// Whether an entry passes a filter (the same rules as grep's).
bool passes(const RecordingFilter& filter, const ListEntry& e);

} // namespace recssh::search
