// SPDX-License-Identifier: MIT
#pragma once
// asciicast v1: one JSON document, {"version": 1, "width": .., "height": .., ...,
// "stdout": [[delay, data], ...]}, whose header keys may come after the frames. It is
// read as a stream of tokens, never whole: header values and frames one at a time,
// each bounded, the frames kept in a Spool until the document ends and the header is
// known. Memory stays flat whatever the document's size.
#include "core/event_reader.hpp"
#include "core/io.hpp"
#include "core/spool.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace recssh {

class CastV1Reader final : public EventReader {
public:
  // The largest header value and the largest frame (the cast line limit).
  static constexpr std::size_t k_max_value = std::size_t(1) << 20;
  static constexpr std::size_t k_max_frame = std::size_t(64) << 20;

  // Reads the whole document (frames into the spool). Throws FormatError.
  CastV1Reader(Input input, ReadOptions options, std::size_t spool_memory = Spool::k_default_memory);

private:
  bool do_next(Event& e) override;
  std::string do_location() const override;

  std::string m_name;
  Spool m_spool;
  std::uint64_t m_frames = 0, m_pos = 0;
};

} // namespace recssh
