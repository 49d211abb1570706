// SPDX-License-Identifier: MIT
#pragma once
// asciicast readers: v2 (absolute times) and v3 (intervals, # comments) stream line
// by line; v1, one JSON document, is read as a stream in cast_v1.hpp.
#include "core/cast_batches.hpp"
#include "core/cast_json.hpp"
#include "core/cast_v1.hpp"
#include "core/event_reader.hpp"
#include "core/io.hpp"
#include "core/line_reader.hpp"

#include <vector>

namespace recssh {

class CastReader final : public EventReader {
public:
  // Reads and checks the header line. `version` is 2 or 3: the version the header
  // must declare. Throws FormatError.
  CastReader(Input input, int version, ReadOptions options);
  std::string_view raw_tail() const override { return m_tail; }

private:
  bool do_next(Event& e) override;
  bool do_next_view(EventView& v) override;
  bool views_stay_valid() const override;
  std::string do_location() const override;
  // The event on a line, whichever way the line was found.
  bool parse_line(std::string_view line, std::size_t capacity, bool terminated, Event& e);
  // The event's time from the time written on its line (v3: an interval).
  Micros event_time(Micros written);
  // The next line of the batches: true with `fast` set when it was decoded there,
  // false at the end; a line to parse here is parsed into `e`.
  bool next_batched(Event& e, const CastBatch::Line*& fast);

  Input m_input;
  LineReader m_lines;
  CastJson m_json;
  int m_version;
  Micros m_elapsed{0}; // v3: sum of intervals so far
  std::string_view m_tail; // into the line buffer, valid until the next read
  // Decoding ahead (large inputs): the batch being read and where in it.
  std::unique_ptr<CastBatchDecoder> m_batches;
  const CastBatch* m_batch = nullptr;
  std::size_t m_index = 0;
  std::uint64_t m_line_base = 0; // lines before m_batch
  std::uint64_t m_line_no = 0;
  Event m_scratch_event; // next_view: lines parsed here
};

} // namespace recssh
