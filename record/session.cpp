// SPDX-License-Identifier: MIT
#include "record/session.hpp"

#include "core/errors.hpp"
#include "core/signals.hpp"
#include "core/terminal.hpp"
#include "store/metadata.hpp"

#include <chrono>

namespace recssh::record {

TermSize initial_size(const RecorderOptions& o) {
  if (o.forced_size) return *o.forced_size;
  for (int fd : {0, 1, 2})
    if (auto s = terminal_size(fd)) return *s;
  return TermSize{80, 24};
}

std::string end_label(const ExitStatus& st, bool ssh) {
  store::SessionEnd end{st.status, st.signal, ssh && st.status == 255 && !st.signal ? "ssh-error" : "exit"};
  return store::end_marker(end);
}

int run_session(SessionSpec& spec, RecordingFile& file) {
  ignore_write_signals();
  TermSize size = initial_size(spec.recorder);
  spec.header.size = size;
  spec.header.timestamp =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  file.begin(spec.header);
  SessionEnd end = spec.stream == Stream::shell
                       ? record_pty(spec.argv, spec.child_env, size, spec.recorder, file)
                       : record_pipes(spec.argv, spec.child_env, spec.recorder, file);
  file.write(Event::marker(end.time, end_label(end.exit, spec.ssh)));
  if (file.version() == 3) file.write(Event::exit(end.time, end.exit.status)); // v2 has no "x"
  file.finish();
  if (auto lost = file.lost_bytes()) {
    Diagnostics d;
    d.warn(file.name(), std::to_string(lost) + " bytes of the recording were lost (" + file.last_error() + ")");
  }
  if (end.aborted)
    throw Error(file.name() + ": writing the recording failed (" + file.last_error() +
                "); the session was ended (--on-error=abort)");
  if (spec.recorder.on_error == OnError::abort && file.failed())
    throw Error(file.name() + ": writing the end of the recording failed (" + file.last_error() +
                ") (--on-error=abort)");
  return end.exit.status;
}

} // namespace recssh::record
