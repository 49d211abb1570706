// SPDX-License-Identifier: MIT
#include "core/dump.hpp"

namespace recssh {

std::uint64_t dump_stream(EventReader& reader, std::string_view code, ByteSink& out) {
  EventView e;
  std::uint64_t n = 0;
  while (reader.next_view(e)) {
    if (e.code != code) continue;
    out.write(e.data);
    n += e.data.size();
  }
  return n;
}

} // namespace recssh
