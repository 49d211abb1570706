// SPDX-License-Identifier: MIT
#include "convert/registry.hpp"

#include "convert/audit.hpp"
#include "convert/bsd_script.hpp"
#include "convert/raw.hpp"
#include "convert/script.hpp"
#include "convert/script_timing.hpp"
#include "convert/sudo_io.hpp"
#include "convert/tlog.hpp"
#include "convert/ttyrec.hpp"
#include "core/format.hpp"

namespace recssh::convert {

void register_formats() {
  static bool done = false;
  if (done) return;
  done = true;
  auto& r = formats();
  r.add({"script", {"typescript", "script-classic", "script-advanced"},
         "util-linux script(1): typescript + timing, classic or advanced, -I/-O/-B logs (read only)",
         "script(1) timing lines or \"Script started on\"",
         [](const Input& in) { return probe_script_timing(in.head) || probe_typescript(in); },
         [](Input in, const ReadOptions& o) { return open_script(std::move(in), o); }, nullptr});
  r.add({"bsd-script", {"script-r"}, "BSD/macOS script -r binary log (read only)",
         "BSD script -r records",
         [](const Input& in) { return probe_bsd_script(in.head); },
         [](Input in, const ReadOptions& o) { return open_bsd_script(std::move(in), o); }, nullptr});
  r.add({"ttyrec", {}, "ttyrec (ttyrec 1.0.8, termrec, ovh-ttyrec; read only)",
         "ttyrec frames (12-byte headers)",
         [](const Input& in) { return probe_ttyrec(in.head) || probe_ttyrec2(in.head); },
         [](Input in, const ReadOptions& o) { return open_ttyrec(std::move(in), o); }, nullptr});
  r.add({"tlog", {"tlog-json"}, "tlog JSON messages from its file writer (read only)", "tlog {\"ver\":...} messages",
         [](const Input& in) { return probe_tlog(in.head); },
         [](Input in, const ReadOptions& o) { return open_tlog(std::move(in), o); }, nullptr});
  r.add({"audit", {"audit-tty", "pam_tty_audit"},
         "Linux audit.log TTY/USER_TTY records (pam_tty_audit): one cast per session, input only (read only)",
         "audit.log lines (type=... msg=audit(...))", [](const Input& in) { return probe_audit(in.head); },
         [](Input in, const ReadOptions& o) { return open_audit(std::move(in), o); }, nullptr});
  FormatInfo sudo{"sudo", {"sudo-io", "sudoreplay"},
                  "sudo I/O log directory (log_output; timing, ttyout, ttyin, stdout, stderr, log.json; read only)",
                  "a directory with timing and log/log.json", nullptr, nullptr, nullptr};
  sudo.probe_dir = probe_sudo_dir;
  sudo.open_dir = open_sudo;
  r.add(std::move(sudo));
  // Completes core's raw writer with the reader.
  r.add({"raw", {"text"}, "raw terminal output, no timing: --rate lines/s or all at t=0 (never detected; read only)",
         "", nullptr, [](Input in, const ReadOptions& o) { return open_raw(std::move(in), o, false); }, nullptr});
}

} // namespace recssh::convert
