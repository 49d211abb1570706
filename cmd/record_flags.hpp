// SPDX-License-Identifier: MIT
#pragma once
// The recording options `recssh` and `recast rec` share, their CLI flags, and how flags,
// the config files and the defaults combine (flag > config > default).
#include "record/config.hpp"
#include "record/placement.hpp"
#include "record/recording_file.hpp"

#include <CLI/CLI.hpp>
#include <optional>

namespace recssh::cli {

struct RecordFlags {
  std::optional<std::string> dir, layout, format, on_error, env, title;
  std::optional<double> idle_time_limit, coalesce_ms, mask_window;
  std::optional<std::size_t> coalesce_bytes;
  bool gzip = false, record_stdin = false, no_mask = false;
};

// Adds the flags. `asciinema_short` gives -e, -t, -i their asciinema meanings (recast
// rec); recssh has long options only, since every short option belongs to ssh.
void add_record_flags(CLI::App& app, RecordFlags& f, bool asciinema_short);

struct ResolvedRecording {
  record::Placement placement;
  record::RecorderOptions recorder;
  record::RecordingFileOptions file;
  Header header; // env, title, idle_time_limit
};

ResolvedRecording resolve_recording(const RecordFlags& f, const record::Config& config);

// --append: a session to be appended to `file` is recorded into `file` itself when it
// does not exist yet, else into a private temporary file next to it, which
// finish_append() appends with `recast append`'s code and removes. Killed meanwhile,
// the temporary file is a valid cast that `recast append FILE TEMP` can still add.
struct AppendPlan {
  record::CreatedFile created;
  std::string target;
  bool via_temp = false;
};
AppendPlan plan_append(const std::string& file);
void finish_append(const AppendPlan& plan, bool quiet);

} // namespace recssh::cli
