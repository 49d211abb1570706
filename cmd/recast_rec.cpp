// SPDX-License-Identifier: MIT
#include "cmd/cli.hpp"
#include "core/printable.hpp"
#include "cmd/record_session.hpp"
#include "record/scrub.hpp"
#include "record/session.hpp"
#include "core/errors.hpp"

#include <cstdlib>
#include <cstdio>

namespace recssh::cli {

void add_rec(CLI::App& app, int& status) {
  struct Options {
    RecordFlags flags;
    std::string file, command;
    bool overwrite = false, append = false, raw = false, yes = false, quiet = false;
    std::optional<int> cols, rows;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("rec", "record a terminal session (asciinema rec compatible flags)");
  cmd->add_option("file", o->file, "cast to write (default: a new file under --dir, by day)");
  cmd->add_option("-c,--command", o->command, "command to record, run by sh -c (default: $SHELL)");
  cmd->add_flag("--overwrite", o->overwrite, "replace FILE if it exists");
  cmd->add_flag("--append", o->append, "append the session to FILE (its timeline continues)");
  cmd->add_flag("--raw", o->raw, "write raw output only (no header, no timing)");
  cmd->add_flag("-y,--yes", o->yes, "answer yes to every question (recast asks none; for compatibility)");
  cmd->add_flag("-q,--quiet", o->quiet, "no messages (errors excepted)");
  cmd->add_option("--cols", o->cols, "width of the recorded terminal (default: the current one)")
      ->check(CLI::Range(1, 65535));
  cmd->add_option("--rows", o->rows, "height of the recorded terminal (default: the current one)")
      ->check(CLI::Range(1, 65535));
  add_record_flags(*cmd, o->flags, true);
  cmd->callback([o, &status] {
    auto config = store::load_config();
    auto rec = resolve_recording(o->flags, config);
    if (o->raw) rec.file.format = "raw";
    if (o->cols || o->rows) {
      TermSize cur = record::initial_size({});
      rec.recorder.forced_size = TermSize{o->cols.value_or(cur.cols), o->rows.value_or(cur.rows)};
    }
    std::vector<std::string> argv, shown; // what runs; what the header and the name say
    std::string command = record::scrub_command(o->command);
    if (!o->command.empty()) {
      argv = {"/bin/sh", "-c", o->command};
      shown = {"/bin/sh", "-c", command};
      rec.header.command = command;
    } else {
      const char* shell = std::getenv("SHELL");
      argv = {shell && *shell ? shell : "/bin/sh"};
      shown = argv;
    }
    if (o->append && (o->file.empty() || o->overwrite || o->raw))
      throw UsageError("--append needs FILE, and goes with neither --overwrite nor --raw");
    SessionRequest req;
    req.argv = argv;
    req.meta_argv = shown;
    req.stream = store::Stream::shell;
    req.what = o->command.empty() ? argv[0] : command;
    if (auto slash = req.what.rfind('/', req.what.find(' ')); slash != std::string::npos && o->command.empty())
      req.what = req.what.substr(slash + 1);
    req.child_env = {{"ASCIINEMA_REC", "1"}};
    req.file = o->file;
    req.append = o->append;
    req.overwrite = o->overwrite ? Overwrite::yes : Overwrite::no;
    req.quiet = o->quiet;
    auto result = record_session(rec, req, [&](const std::string& path, const store::Metadata&) {
      if (!o->quiet) std::fprintf(stderr, "recast: recording to %s; exit the shell or press ^D to finish\n", printable(path).c_str());
    });
    status = result.status;
    if (!o->quiet) std::fprintf(stderr, "recast: recording finished: %s\n", printable(result.path).c_str());
  });
}

} // namespace recssh::cli
