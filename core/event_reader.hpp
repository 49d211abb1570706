// SPDX-License-Identifier: MIT
#pragma once
// Pull-based streaming readers. next() is the non-virtual contract (NVI): it calls the
// format's do_next() and then enforces what every consumer relies on: times never go
// backwards, resize data parses, exit data is a number. Bad records throw
// FormatError naming file:line, or are skipped and counted with skip_bad.
#include "core/errors.hpp"
#include "core/event.hpp"

#include <cstdint>
#include <string>

namespace recssh {

struct ReadOptions {
  bool skip_bad = false;        // skip malformed records (counted, warned) instead of failing
  Diagnostics* diag = nullptr;  // where warnings go; nullptr: stderr
};

class EventReader {
public:
  explicit EventReader(ReadOptions options);
  virtual ~EventReader() = default;
  EventReader(const EventReader&) = delete;
  EventReader& operator=(const EventReader&) = delete;

  const Header& header() const { return m_header; }
  // Fills `e` with the next event (its strings' capacity is reused); false at the end.
  bool next(Event& e);
  // "file:line" of the record last read.
  std::string location() const { return do_location(); }
  // The exact bytes of the last event's line after its time, `, "code", "data"]`,
  // when the reader has them and they are valid JSON as they stand (empty otherwise).
  // Writers of the same layout re-use them instead of escaping the data again.
  virtual std::string_view raw_tail() const { return {}; }
  std::uint64_t skipped() const { return m_skipped; }
  Diagnostics& diagnostics() { return m_opts.diag ? *m_opts.diag : m_own_diag; }

protected:
  virtual bool do_next(Event& e) = 0;
  virtual std::string do_location() const = 0;
  void warn(const std::string& message) { diagnostics().warn(location(), message); }
  const ReadOptions& options() const { return m_opts; }

  Header m_header;

private:
  void check(Event& e);
  ReadOptions m_opts;
  Diagnostics m_own_diag;
  Micros m_last{0};
  std::uint64_t m_skipped = 0;
};

// A reader over events already in memory (tests, filters).
class VectorReader final : public EventReader {
public:
  VectorReader(Header h, std::vector<Event> events, ReadOptions o = {});

private:
  bool do_next(Event& e) override;
  std::string do_location() const override;
  std::vector<Event> m_events;
  std::size_t m_pos = 0;
};

} // namespace recssh
