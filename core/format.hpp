// SPDX-License-Identifier: MIT
#pragma once
// The one format registry. Every format (asciicast here; legacy logs register
// themselves from convert/) has a name, a probe, and a reader and/or writer factory.
// Commands never switch on formats: they ask the registry.
#include "core/event_reader.hpp"
#include "core/event_writer.hpp"
#include "core/io.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace recssh {

struct FormatInfo {
  std::string name;                  // "v2"
  std::vector<std::string> aliases;  // "asciicast-v2"
  std::string description;           // one line for --help and `recast formats`
  std::string probe_description;     // what detection looks for, for error messages
  // True when the first bytes of the (decompressed) input look like this format.
  std::function<bool(const Input&)> probe;
  std::function<std::unique_ptr<EventReader>(Input, const ReadOptions&)> open;
  std::function<std::unique_ptr<EventWriter>(ByteSink&, const WriteOptions&)> make_writer;
  // Formats stored as a directory (sudo I/O logs): a probe and an opener for the path.
  std::function<bool(const std::string& dir)> probe_dir = nullptr;
  std::function<std::unique_ptr<EventReader>(const std::string& dir, const ReadOptions&)> open_dir = nullptr;
};

class FormatRegistry {
public:
  void add(FormatInfo info);
  // By name or alias; nullptr if unknown.
  const FormatInfo* find(std::string_view name) const;
  // Like find() but throws UsageError listing the valid names.
  const FormatInfo& get(std::string_view name, bool for_writing) const;
  // Probes in registration order; throws Error naming what was tried.
  const FormatInfo& detect(const Input& in) const;
  // The same for a directory; throws Error when no format stores itself so.
  const FormatInfo& detect_dir(const std::string& dir) const;
  const std::vector<FormatInfo>& all() const { return m_formats; }
  std::string names(bool for_writing) const;

private:
  std::vector<FormatInfo> m_formats;
};

// The registry with the asciicast formats (v3, v2, v1 probed in that order).
FormatRegistry& formats();

// Opens `path` (gzip transparently) and a reader for it: the named format, or the
// detected one. Throws Error / FormatError.
std::unique_ptr<EventReader> open_reader(const std::string& path, const std::string& from,
                                         const ReadOptions& options,
                                         const FormatInfo** detected = nullptr);

} // namespace recssh
