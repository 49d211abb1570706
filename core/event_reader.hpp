// SPDX-License-Identifier: MIT
#pragma once
// Pull-based streaming readers. next() is the non-virtual contract (NVI): it calls the
// format's do_next() and then enforces what every consumer relies on: times never go
// backwards, resize data parses, exit data is a number. Bad records throw
// FormatError naming file:line, or are skipped and counted with skip_bad.
#include "core/errors.hpp"
#include "core/event.hpp"

#include <any>
#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <typeindex>
#include <vector>

namespace recssh {

// Each format's own options (script's companion files, audit's filters), kept by
// their type so that core knows none of them: the format's registration fills its
// set (FormatInfo::add_cli_options), its reader asks for it with get<T>(), a
// default-made set when none was given.
class FormatOptions {
public:
  // The set of type T, made if missing. The reference stays valid while this object
  // lives and is not copied (command-line options are bound to it).
  template <class T> T& emplace() {
    std::any& a = m_sets[std::type_index(typeid(T))];
    if (!a.has_value()) a = T{};
    return *std::any_cast<T>(&a);
  }
  template <class T> const T& get() const {
    static const T none{};
    auto it = m_sets.find(std::type_index(typeid(T)));
    return it == m_sets.end() ? none : *std::any_cast<T>(&it->second);
  }

private:
  std::map<std::type_index, std::any> m_sets;
};

// What the legacy-format readers of convert/ need beyond the input itself: the
// choices several formats share, and each format's own. Asciicast readers ignore it.
struct ConvertOptions {
  std::string path;             // the input's path ("-": stdin)
  bool no_input = false;        // drop keystrokes ("i")
  bool onlcr = true;            // output captured without a tty: bare LF shown as CR LF
  std::optional<TermSize> size; // --cols/--rows
  std::string session;          // sources that hold several sessions or recordings: which one
  FormatOptions formats;        // each format's own (convert/*.hpp)
};

struct ReadOptions {
  bool skip_bad = false;        // skip malformed records (counted, warned) instead of failing
  Diagnostics* diag = nullptr;  // where warnings go; nullptr: stderr
  ConvertOptions convert = {};
  // false: the caller only validates; "o", "i" and "m" events may come with their
  // data checked but not decoded (empty).
  bool need_data = true;
  // Asciicast v2/v3 inputs of at least batch_min_size bytes (regular files or memory;
  // a pipe is never read ahead) are decoded ahead on worker threads (cast_batches.hpp):
  // threads 0 = automatic (RECSSH_THREADS, else one per core, at most 4), 1 = none.
  unsigned threads = 0;
  std::uint64_t batch_min_size = std::uint64_t(4) << 20;
  std::size_t batch_chunk = std::size_t(256) << 10; // bytes of whole lines per batch
};

// Where a converted recording came from, for the output header's "recssh_source":
// the source format, each input file with its role, and format-specific members
// (a raw JSON fragment: `"key":value,...`, may be empty).
struct SourceFile {
  std::string role; // "timing", "output", "input", "io", "log", ...
  std::string path;
};
struct SourceInfo {
  std::string format; // empty for asciicast inputs
  std::vector<SourceFile> files;
  std::string details;
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
  // The same checks and events, but the strings may stay in the reader's buffers
  // (valid until the next call): one copy less for consumers such as `cat`.
  bool next_view(EventView& v);
  // The next events as views, as many as the reader holds decoded (at least one, at
  // most `max`); all stay valid until the next call. False at the end. An error after
  // the first event is raised by the next call, so that the events before it are
  // consumed first, as with next(). `cat` writes a group with one writev.
  bool next_views(std::vector<EventView>& out, std::size_t max = 4096);
  // "file:line" of the record last read.
  std::string location() const { return do_location(); }
  // The exact bytes of the last event's line after its time, `, "code", "data"]`,
  // when the reader has them and they are valid JSON as they stand (empty otherwise).
  // Writers of the same layout re-use them instead of escaping the data again.
  virtual std::string_view raw_tail() const { return {}; }
  std::uint64_t skipped() const { return m_skipped; }
  const SourceInfo& source() const { return m_source; }
  Diagnostics& diagnostics() { return m_opts.diag ? *m_opts.diag : m_own_diag; }

protected:
  virtual bool do_next(Event& e) = 0;
  // Readers that hold decoded events in their own buffers give views of them; the
  // default reads into a scratch event.
  virtual bool do_next_view(EventView& v);
  // Whether do_next_view can be called again without invalidating the views it gave
  // since the last call of next_views (events decoded ahead in one buffer).
  virtual bool views_stay_valid() const { return false; }
  virtual std::string do_location() const = 0;
  void warn(const std::string& message) { diagnostics().warn(location(), message); }
  const ReadOptions& options() const { return m_opts; }

  Header m_header;
  SourceInfo m_source;

private:
  enum class Pulled { event, skipped, end };
  template <class E, class Read> Pulled pull_one(E& e, Read read);
  template <class E, class Read> bool pull(E& e, Read read);
  void check(Micros& time, std::string_view code, std::string_view data);
  Event m_scratch; // do_next_view's default
  ReadOptions m_opts;
  Diagnostics m_own_diag;
  Micros m_last{0};
  std::uint64_t m_skipped = 0;
  std::exception_ptr m_deferred; // next_views: raised by its next call
  bool m_ended = false;          // next_views saw the end
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
