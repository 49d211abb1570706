// SPDX-License-Identifier: MIT
#pragma once
// The record loop: a child between the user's terminal (or pipes) and a RecordingFile.
#include "record/coalescer.hpp"
#include "record/process.hpp"
#include "record/recording_file.hpp"
#include "record/side_events.hpp"

#include <optional>
#include <vector>

namespace recssh::record {

struct RecorderOptions {
  bool record_input = false;        // "i" events
  bool mask_input = true;           // mask input that is not echoed (with record_input)
  Micros mask_window{500'000};      // how long an echo may take
  CoalesceLimits coalesce;
  std::optional<TermSize> forced_size; // --cols/--rows: the pty keeps this size
  OnError on_error = OnError::keep_going;
  SideEvents* side = nullptr;       // markers from other threads (forwards), if any
  // Signals the child starts with ignored (record_pipes): the ssh of a session recssh
  // keeps in the background (ssh -f) must not take the terminal's ^C or hangup. One of
  // them sent to recssh itself is passed on as SIGTERM.
  std::vector<int> child_ignores;
};

struct SessionEnd {
  ExitStatus exit;
  Micros time{0};       // when the session ended, on the recording's clock
  bool aborted = false; // --on-error=abort ended it
  int received = 0;     // the first INT, TERM, HUP or QUIT we were sent (and passed on)
};

// Interactive: argv runs on a new pty of `size`; the user's terminal (when stdin is
// one) is raw for the duration; output is passed through and recorded as "o",
// input as "i" when asked, SIGWINCH as "r". Signals INT, TERM, HUP, QUIT are
// forwarded. Returns when the child is gone and its output drained.
SessionEnd record_pty(const std::vector<std::string>& argv, const EnvList& env, TermSize size,
                      const RecorderOptions& options, RecordingFile& file);

// Non-interactive: argv inherits stdin; its stdout and stderr go through pipes, are
// passed to ours and recorded as "o" and "e" events.
SessionEnd record_pipes(const std::vector<std::string>& argv, const EnvList& env,
                        const RecorderOptions& options, RecordingFile& file);

} // namespace recssh::record
