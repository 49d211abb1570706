// SPDX-License-Identifier: MIT
#pragma once
// The recording options `recssh` and `recast rec` share, their CLI flags, and how flags,
// the config files and the defaults combine (flag > config > default).
#include "record/recorder.hpp"
#include "record/recording_file.hpp"
#include "store/config.hpp"
#include "store/placement.hpp"

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
  store::Placement placement;
  record::RecorderOptions recorder;
  record::RecordingFileOptions file;
  Header header; // env, title, idle_time_limit
  bool seal = false;    // the config's seal = yes, or a seal-key
  std::string seal_key; // signs the seal when the session ends
  record::LiveSealOptions seal_every;
  bool ship_on_close = false; // the config's ship = on-close
  std::string ship_to;        // ... to the config's ship-to
};

ResolvedRecording resolve_recording(const RecordFlags& f, const store::Config& config);

} // namespace recssh::cli
