// SPDX-License-Identifier: MIT
#pragma once
// The asciicast JSON parsing shared by the cast readers (simdjson On-Demand stays in
// cast_json.cpp). Lines are parsed in place in the LineReader's buffer.
#include "core/event.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace recssh {

class CastJson {
public:
  // What is wrong with a line, without its location.
  struct Malformed : std::runtime_error {
    using std::runtime_error::runtime_error;
  };

  CastJson();
  ~CastJson();
  CastJson(const CastJson&) = delete;
  CastJson& operator=(const CastJson&) = delete;

  // Parses `[time, "code", "data"]` into e.code/e.data and returns the raw time token
  // (valid until the next call). `capacity` is the readable size from line.data().
  // Throws Malformed (the caller adds file:line). Sets *repaired when invalid UTF-8 in the line
  // was replaced by U+FFFD to make it parse.
  std::string_view parse_event(std::string_view line, std::size_t capacity, Event& e, bool* repaired,
                               bool need_data = true);

  // The same with simdjson alone, without the fast path (for differential checks).
  std::string_view parse_event_slow(std::string_view line, std::size_t capacity, Event& e,
                                    bool* repaired);

  // Parses a v2 or v3 header object line into h. Throws Malformed.
  void parse_header(std::string_view line, std::size_t capacity, Header& h, bool* repaired);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// The "version" number of the cast whose first bytes are `head`, or 0 if it does not
// look like a cast. Pretty-printed v1 documents are recognised by their first key.
int probe_cast_version(std::string_view head);

} // namespace recssh
