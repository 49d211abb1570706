// SPDX-License-Identifier: MIT
#pragma once
// One recorded session from start to end, shared by `recssh` and `recast rec`: the
// header (size, timestamp, metadata), the record loop, the end marker with the exit
// status (and "x" in v3), and reporting what could not be written.
#include "record/recorder.hpp"
#include "store/layout.hpp"

namespace recssh::record {

using store::Stream;

struct SessionSpec {
  std::vector<std::string> argv; // what to run
  EnvList child_env;             // added to the child's environment
  Stream stream = Stream::shell;
  Header header;                 // title, env, idle limit, extra keys; size and time are set here
  RecorderOptions recorder;
  bool ssh = false;              // exit status 255 is ssh's own error
};

// The size the recording starts with: --cols/--rows, else the terminal on stdin,
// stdout or stderr, else 80x24.
TermSize initial_size(const RecorderOptions& o);

// Runs the session into `file` (begin .. finish). Returns the exit status to exit
// with: the child's, signal n as 128+n. Throws Error when --on-error=abort ended it.
int run_session(SessionSpec& spec, RecordingFile& file);

// The end marker's text, e.g. "recssh: end: status=7 reason=exit". The reason is the
// real one: a signal recssh was sent (sighup, sigterm, ...) or --on-error=abort
// (write-error) come before what ssh made of it (255); `lost` bytes are named so that
// the marker never claims a complete recording after a loss.
std::string end_label(const SessionEnd& end, bool ssh, std::uint64_t lost = 0);

} // namespace recssh::record
