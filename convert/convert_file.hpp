// SPDX-License-Identifier: MIT
#pragma once
// One conversion, input recording (any registered format) to one asciicast file, as
// `recast convert` and its batch mode do it: the output header gets "recssh_source"
// (source format, input files, their SHA-256), the output is written to a temp file
// and renamed into place.
#include "core/event_reader.hpp"
#include "core/event_writer.hpp"
#include "core/format.hpp"
#include "core/io.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace recssh::convert {

struct ConvertJob {
  std::string input, output;
  std::string from;      // "" = detect
  std::string to = "v2"; // a writer of the registry
  // Where the writer's companion outputs go (FormatInfo::companions), by name;
  // default: OUTPUT.NAME.
  std::vector<std::pair<std::string, std::string>> companions;
  Overwrite overwrite = Overwrite::no;
  bool gzip = false;     // also implied by a .gz output
  bool hash = true;      // SHA-256 of every input file into the header
  ReadOptions read;
  WriteOptions write;
};

struct ConvertResult {
  const FormatInfo* format = nullptr;
  std::uint64_t events = 0;
  SourceInfo source;
  std::vector<std::string> sha256; // per source.files entry ("" for stdin)
  std::string output;
};

ConvertResult convert_file(const ConvertJob& job);
// Writes every event of `reader` as job says (header with recssh_source, temp file).
void write_cast(EventReader& reader, const ConvertJob& job, ConvertResult& result);
// Sources that hold several sessions (FormatInfo::sessions: audit logs): several
// files (rotated copies, any order), every session that passes the filters: into
// job.output as a directory (one cast each, named by session), or the only one into
// job.output as a file.
std::vector<ConvertResult> convert_sessions(const FormatInfo& format, std::vector<std::string> inputs,
                                            const ConvertJob& job, bool to_dir);

// The format of `path` when it is a source that holds several sessions: the one
// `from` names, or else the one whose probe recognises the file (a regular file;
// nullptr otherwise, and for unknown names: the conversion reports those).
const FormatInfo* session_source(const std::string& path, const std::string& from);

// What sources of several sessions are called in messages ("audit logs").
std::string session_sources_noun();

// The "recssh_source" header value. `hashes` may be shorter than the file list.
std::string source_json(const SourceInfo& source, const std::vector<std::string>& hashes);

} // namespace recssh::convert
