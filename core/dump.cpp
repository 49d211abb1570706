// SPDX-License-Identifier: MIT
#include "core/dump.hpp"

#include <vector>

namespace recssh {

std::uint64_t dump_stream(EventReader& reader, std::string_view code, ByteSink& out) {
  // Events in groups, so that large data goes out from the reader's buffers in one
  // writev instead of being copied into the sink's.
  std::vector<EventView> events;
  std::vector<std::string_view> pieces;
  std::uint64_t n = 0;
  while (reader.next_views(events)) {
    pieces.clear();
    for (const EventView& e : events) {
      if (e.code != code || e.data.empty()) continue;
      pieces.push_back(e.data);
      n += e.data.size();
    }
    out.write_gather(pieces);
  }
  return n;
}

} // namespace recssh
