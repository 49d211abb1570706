// SPDX-License-Identifier: MIT
#include "convert/registry.hpp"
#include "convert/script_writer.hpp"

#include "convert/audit.hpp"
#include "convert/audit_report.hpp"
#include "convert/bsd_script.hpp"
#include "convert/raw.hpp"
#include "convert/script.hpp"
#include "convert/script_timing.hpp"
#include "convert/sudo_io.hpp"
#include "convert/tlog.hpp"
#include "convert/ttyrec.hpp"
#include "core/format.hpp"

#include <CLI/CLI.hpp>

namespace recssh::convert {
namespace {

FormatInfo script_format() {
  FormatInfo f{"script", {"typescript", "script-classic", "script-advanced"},
               "util-linux script(1): typescript + timing, classic or advanced, -I/-O/-B logs (written as "
               "typescript + OUT.timing, scriptreplay plays it)",
               "script(1) timing lines or \"Script started on\"",
               [](const Input& in) { return probe_script_timing(in.head) || probe_typescript(in); },
               [](Input in, const ReadOptions& o) { return open_script(std::move(in), o); }, nullptr};
  f.make_writer = [](const WriterOutputs& out, const WriteOptions&) { return make_script_writer(out); };
  f.companions = {"timing"};
  f.extension = ".typescript";
  f.cli_note = "script(1): name the timing file or the typescript; the other is found by name\n"
               "(NAME.timing, timing beside typescript, the logs an advanced timing file names),\n"
               "or give them with --timing / --log-out / --log-in / --log-io.";
  // In a tree, a timing file leads: it claims its logs before they are seen alone; a
  // typescript is one only when nothing else reads it.
  f.tree.lead_probe = [](const Input& in) { return probe_script_timing(in.head); };
  f.tree.companions = script_companions;
  f.tree.late_probe = probe_typescript;
  return f;
}

void script_cli(CLI::App& cmd, CliTargets into) {
  auto& s = into.convert.formats.emplace<ScriptOptions>();
  auto* g = "script(1)";
  cmd.add_option("--timing,-T", s.timing, "script(1) timing file")->group(g);
  cmd.add_option("--log-out,-O", s.log_out, "script(1) output log (typescript)")->group(g);
  cmd.add_option("--log-in,-I", s.log_in, "script(1) input log")->group(g);
  cmd.add_option("--log-io,-B", s.log_io, "script(1) combined input and output log")->group(g);
  cmd.add_flag("--legacy-timing", s.legacy_timing,
               "classic timing from util-linux <= 2.24, where each delay belongs to the previous chunk")
      ->group(g);
}

FormatInfo audit_format() {
  FormatInfo f{"audit", {"audit-tty", "pam_tty_audit"},
               "Linux audit.log TTY/USER_TTY records (pam_tty_audit): one cast per session, input only (read only)",
               "audit.log lines (type=... msg=audit(...))", [](const Input& in) { return probe_audit(in.head); },
               [](Input in, const ReadOptions& o) { return open_audit(std::move(in), o); }, nullptr};
  auto s = std::make_shared<FormatInfo::Sessions>();
  s->noun = "audit logs";
  s->order = order_audit_files;
  s->scan = [](const std::vector<std::string>& files, const ReadOptions& o) {
    std::vector<SessionRef> out;
    for (auto& session : scan_audit(files, o)) out.push_back({session.file_stem(), std::move(session)});
    return out;
  };
  s->open = [](const std::vector<std::string>& files, const SessionRef& ref, const ReadOptions& o) {
    return open_audit_session(files, std::any_cast<const AuditSession&>(ref.data), o);
  };
  s->none_found = audit_none_found;
  s->list = list_audit;
  f.sessions = std::move(s);
  // In a tree, audit.log and its rotated copies (audit.log.1, .2.gz) are one source:
  // a directory of per-session casts.
  f.tree.group = audit_rotation_base;
  f.tree.group_suffix = ".sessions";
  return f;
}

void audit_cli(CLI::App& cmd, CliTargets into) {
  auto& a = into.convert.formats.emplace<AuditOptions>();
  auto* g = "audit.log (pam_tty_audit)";
  cmd.add_option("--session", into.convert.session,
                 "audit: session (ses number, or NODE:SES, or a name from --list); tlog: recording id or session")
      ->group(g);
  cmd.add_option("--user", a.user, "audit: only sessions of this login user (name or auid)")->group(g);
  cmd.add_flag("--list", into.list, "audit: list the sessions in the inputs instead of converting")->group(g);
  cmd.add_flag("--records", a.records, "audit: with --list, every record as aureport --tty prints it")->group(g);
}

void raw_cli(CLI::App& cmd, CliTargets into) {
  auto& r = into.convert.formats.emplace<RawOptions>();
  cmd.add_option("--rate", r.rate, "raw: one event per line at this many lines a second (default: all at 0)")
      ->check(CLI::PositiveNumber)
      ->group("raw output");
}

} // namespace

void register_formats() {
  static bool done = false;
  if (done) return;
  done = true;
  auto& r = formats();
  r.add(script_format());
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
  r.add(audit_format());
  FormatInfo sudo{"sudo", {"sudo-io", "sudoreplay"},
                  "sudo I/O log directory (log_output; timing, ttyout, ttyin, stdout, stderr, log.json; read only)",
                  "a directory with timing and log/log.json", nullptr, nullptr, nullptr};
  sudo.probe_dir = probe_sudo_dir;
  sudo.open_dir = open_sudo;
  r.add(std::move(sudo));
  // Completes core's raw writer with the reader.
  r.add({"raw", {}, "raw terminal output, no timing: --rate lines/s or all at t=0 (never detected; read only)",
         "", nullptr, [](Input in, const ReadOptions& o) { return open_raw(std::move(in), o, false); }, nullptr});
  // In the order `recast convert --help` shows the groups.
  r.add_cli_options({"script", script_cli});
  r.add_cli_options({"raw", raw_cli});
  r.add_cli_options({"audit", audit_cli});
}

} // namespace recssh::convert
