// SPDX-License-Identifier: MIT
#pragma once
// The one format registry. Every format (asciicast and raw output here; legacy logs
// register themselves from convert/) has a name, a probe, and a reader and/or writer
// factory, and says what else it needs: its own command-line options, its writer's
// companion outputs, whether a source holds several sessions, how a tree of files
// groups into recordings. Commands never switch on formats: they ask the registry.
#include "core/event_reader.hpp"
#include "core/event_writer.hpp"
#include "core/io.hpp"

#include <any>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace CLI {
class App;
}

namespace recssh {

// Where a writer writes: its main stream, and the companion outputs its format
// declares (FormatInfo::companions: a typescript's "timing" file), by name. Converts
// from a sink for writers that write only the main stream.
struct WriterOutputs {
  WriterOutputs(ByteSink& main_sink) : main(main_sink) {} // NOLINT: implicit on purpose
  ByteSink& main;
  std::vector<std::pair<std::string, ByteSink*>> companions;
  // The files' names where they are files (a format that names its own files inside
  // them, as script's advanced timing names its logs); empty when unknown.
  std::string main_path;
  std::vector<std::pair<std::string, std::string>> companion_paths;
  // The companion output `name`; throws Error if it was not given.
  ByteSink& companion(std::string_view name) const;
};

// What a format's command-line options set (CliOptionSet): the choices several
// formats share and, in convert.formats, the format's own set.
struct CliTargets {
  ConvertOptions& convert;
  bool& list; // list the sessions of a source that holds several, instead of converting
};

// A format's own options for `recast convert` (an option group of the CLI11 App
// `cmd`). The registry keeps them in the order --help shows them.
struct CliOptionSet {
  std::string format;
  std::function<void(CLI::App& cmd, CliTargets into)> add;
};

// One session of a source that holds several (FormatInfo::Sessions): its name for
// messages and output files, and what the format needs to open it again.
struct SessionRef {
  std::string name;
  std::any data;
};

// How `recast convert -r` finds a format's recordings among a tree's files.
struct TreeRules {
  // A file that leads a recording of several files (script's timing file), probed
  // before every other format so its companions are claimed before being seen alone.
  std::function<bool(const Input&)> lead_probe = nullptr;
  // The lead's companions: the files it claims, and the one whose name the output
  // takes ("" = the lead's own).
  struct Companions {
    std::vector<std::string> claimed;
    std::string named_after;
  };
  std::function<Companions(const std::string& lead, Diagnostics& quiet)> companions = nullptr;
  // A file that is this format's only after no other format claimed it (a
  // typescript whose timing file is found by name), probed last.
  std::function<bool(const Input&)> late_probe = nullptr;
  // Files that convert together (rotated copies of one log): the group's path for a
  // file ("" = alone), and the suffix of the group's output directory.
  std::function<std::string(const std::string& path)> group = nullptr;
  std::string group_suffix;
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
  // Whether `recast convert --to` (and `recast formats`) offer the writer.
  bool convert_target = true;
  // The name ending of what its writer writes, for outputs recast names itself
  // (`convert -r`, one file per session).
  std::string extension = ".cast";
  // The asciicast version of the format (0: not asciicast): what its writer writes.
  int cast_version = 0;
  // Lines for `recast convert --help`'s footer.
  std::string cli_note = {};
  // Sources that hold several sessions (audit logs, read from several rotated files):
  // every session can become a recording of its own, and they can be listed.
  struct Sessions {
    std::string noun; // what such sources are called in messages: "audit logs"
    // The files in the order they are read (rotated copies first).
    std::function<std::vector<std::string>(std::vector<std::string> files, Diagnostics* diag)> order;
    // Every session in `files` that passes the options' filters.
    std::function<std::vector<SessionRef>(const std::vector<std::string>& files, const ReadOptions&)> scan;
    std::function<std::unique_ptr<EventReader>(const std::vector<std::string>& files, const SessionRef&,
                                               const ReadOptions&)>
        open;
    // Why there is nothing to convert when scan finds nothing.
    std::function<std::string(const std::vector<std::string>& files, const ReadOptions&)> none_found;
    // `--list`: the sessions (or records) of `files`, as a table.
    std::function<void(const std::vector<std::string>& files, const ReadOptions&, ByteSink& out)> list;
  };
  std::shared_ptr<const Sessions> sessions = nullptr;
  TreeRules tree = {};
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
  // The same without throwing: nullptr when no format stores itself so.
  const FormatInfo* find_dir(const std::string& dir) const;
  const std::vector<FormatInfo>& all() const { return m_formats; }
  std::string names(bool for_writing) const;
  void add_cli_options(CliOptionSet set) { m_cli.push_back(std::move(set)); }
  const std::vector<CliOptionSet>& cli_options() const { return m_cli; }

private:
  std::vector<FormatInfo> m_formats;
  std::vector<CliOptionSet> m_cli;
};

// The registry with the asciicast formats (v3, v2, v1 probed in that order) and the
// raw writer.
FormatRegistry& formats();

// Opens `path` (gzip transparently) and a reader for it: the named format, or the
// detected one. Throws Error / FormatError.
std::unique_ptr<EventReader> open_reader(const std::string& path, const std::string& from,
                                         const ReadOptions& options,
                                         const FormatInfo** detected = nullptr);
// The same over an input already opened (source_input); `from` empty: detected.
std::unique_ptr<EventReader> open_reader(Input in, const std::string& from, const ReadOptions& options,
                                         const FormatInfo** detected = nullptr);

} // namespace recssh
