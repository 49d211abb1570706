// SPDX-License-Identifier: MIT
#include "record/session.hpp"

#include "core/errors.hpp"
#include "core/signals.hpp"
#include "core/terminal.hpp"
#include "store/metadata.hpp"

#include <chrono>
#include <csignal>

namespace recssh::record {

TermSize initial_size(const RecorderOptions& o) {
  if (o.forced_size) return *o.forced_size;
  for (int fd : {0, 1, 2})
    if (auto s = terminal_size(fd)) return *s;
  return TermSize{80, 24};
}

namespace {
std::string signal_reason(int signo) {
  switch (signo) {
  case SIGHUP: return "sighup";
  case SIGINT: return "sigint";
  case SIGTERM: return "sigterm";
  case SIGQUIT: return "sigquit";
  default: return "signal";
  }
}
} // namespace

std::string end_label(const SessionEnd& end, bool ssh, std::uint64_t lost) {
  const ExitStatus& st = end.exit;
  std::string reason = end.aborted          ? "write-error"
                       : end.received       ? signal_reason(end.received)
                       : st.signal          ? "signal"
                       : ssh && st.status == 255 ? "ssh-error"
                                                 : "exit";
  return store::end_marker(store::SessionEnd{st.status, st.signal, reason, lost});
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
  // Everything before the end is on the disk (or counted lost) before the end marker
  // is written, so the marker can say what was lost, and may use the room kept for it.
  std::uint64_t lost = file.settle();
  file.write(Event::marker(end.time, end_label(end, spec.ssh, lost)));
  if (file.version() == 3) file.write(Event::exit(end.time, end.exit.status)); // v2 has no "x"
  file.finish();
  if (auto lost_in_all = file.lost_bytes()) { // the end marker's own loss included
    Diagnostics d;
    d.warn(file.name(), std::to_string(lost_in_all) + " bytes of the recording were lost (" + file.last_error() + ")");
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
