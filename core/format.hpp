// SPDX-License-Identifier: MIT
#pragma once
// The one format registry. Every format (asciicast and raw output here; legacy logs
// register themselves from convert/) has a name, a probe, and a reader and/or writer
// factory; a writer may write companion outputs besides its main one. Commands never
// switch on formats: they ask the registry.
#include "core/event_reader.hpp"
#include "core/event_writer.hpp"
#include "core/io.hpp"

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace recssh {

// Where a writer writes: its main stream, and the companion outputs its format
// declares (FormatInfo::companions: a typescript's "timing" file), by name. Converts
// from a sink for writers that write only the main stream.
struct WriterOutputs {
  WriterOutputs(ByteSink& main_sink) : main(main_sink) {} // NOLINT: implicit on purpose
  ByteSink& main;
  std::vector<std::pair<std::string, ByteSink*>> companions;
  // The companion output `name`; throws Error if it was not given.
  ByteSink& companion(std::string_view name) const;
};

struct FormatInfo {
  std::string name;                  // "v2"
  std::vector<std::string> aliases;  // "asciicast-v2"
  std::string description;           // one line for --help and `recast formats`
  std::string probe_description;     // what detection looks for, for error messages
  // True when the first bytes of the (decompressed) input look like this format.
  std::function<bool(const Input&)> probe;
  std::function<std::unique_ptr<EventReader>(Input, const ReadOptions&)> open;
  std::function<std::unique_ptr<EventWriter>(const WriterOutputs&, const WriteOptions&)> make_writer;
  // Formats stored as a directory (sudo I/O logs): a probe and an opener for the path.
  std::function<bool(const std::string& dir)> probe_dir = nullptr;
  std::function<std::unique_ptr<EventReader>(const std::string& dir, const ReadOptions&)> open_dir = nullptr;
  // The companion outputs the writer writes besides the main one, by name ("timing").
  std::vector<std::string> companions = {};
  // Whether `recast convert --to` (and `recast formats`) offer the writer; raw output
  // is for recordings only (`recast rec --raw`).
  bool convert_target = true;
  // The asciicast version of the format (0: not asciicast): what its writer writes.
  int cast_version = 0;
};

class FormatRegistry {
public:
  // A format of a name already there completes it (convert/'s raw reader joins the
  // raw writer of core/): members the new one has replace the old ones, and it takes
  // the new one's place.
  void add(FormatInfo info);
  // Removes a format (tests that register their own).
  void remove(std::string_view name);
  // By name or alias; nullptr if unknown.
  const FormatInfo* find(std::string_view name) const;
  // Like find() but throws UsageError listing the valid names: readers, or
  // conversion targets (`recast convert --to`).
  const FormatInfo& get(std::string_view name, bool for_writing) const;
  // Any writer by name (recordings, merges, appends); throws UsageError.
  const FormatInfo& writer(std::string_view name) const;
  // Probes in registration order; throws Error naming what was tried.
  const FormatInfo& detect(const Input& in) const;
  // The same for a directory; throws Error when no format stores itself so.
  const FormatInfo& detect_dir(const std::string& dir) const;
  const std::vector<FormatInfo>& all() const { return m_formats; }
  std::string names(bool for_writing) const;

private:
  std::vector<FormatInfo> m_formats;
};

// The registry with the asciicast formats (v3, v2, v1 probed in that order) and the
// raw writer.
FormatRegistry& formats();

// Opens `path` (gzip transparently) and a reader for it: the named format, or the
// detected one. Throws Error / FormatError.
std::unique_ptr<EventReader> open_reader(const std::string& path, const std::string& from,
                                         const ReadOptions& options,
                                         const FormatInfo** detected = nullptr);

} // namespace recssh
