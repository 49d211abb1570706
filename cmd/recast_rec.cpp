// SPDX-License-Identifier: MIT
#include "cmd/cli.hpp"
#include "cmd/record_flags.hpp"
#include "core/errors.hpp"

#include <cstdlib>
#include <ctime>
#include <unistd.h>

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
    auto config = record::load_config();
    auto rec = resolve_recording(o->flags, config);
    if (o->raw) rec.file.format = "raw";
    if (o->cols || o->rows) {
      TermSize cur = record::initial_size({});
      rec.recorder.forced_size = TermSize{o->cols.value_or(cur.cols), o->rows.value_or(cur.rows)};
    }
    std::vector<std::string> argv;
    if (!o->command.empty()) {
      argv = {"/bin/sh", "-c", o->command};
      rec.header.command = o->command;
    } else {
      const char* shell = std::getenv("SHELL");
      argv = {shell && *shell ? shell : "/bin/sh"};
    }
    auto stream = record::Stream::shell;
    auto now = static_cast<std::int64_t>(::time(nullptr));
    std::string id = record::new_session_id(now);
    std::string what = o->command.empty() ? argv[0] : o->command;
    if (auto slash = what.rfind('/', what.find(' ')); slash != std::string::npos && o->command.empty())
      what = what.substr(slash + 1);
    if (o->append && (o->file.empty() || o->overwrite || o->raw))
      throw UsageError("--append needs FILE, and goes with neither --overwrite nor --raw");
    AppendPlan plan;
    if (o->append)
      plan = plan_append(o->file);
    else if (o->file.empty())
      plan.created = record::create_session_file(rec.placement, now, what, record::local_user(), stream, id);
    else
      plan.created = record::create_named_file(o->file, o->overwrite);
    auto& created = plan.created;

    record::SessionSpec spec;
    spec.argv = argv;
    spec.stream = stream;
    spec.recorder = rec.recorder;
    spec.header = rec.header;
    spec.child_env = {{"ASCIINEMA_REC", "1"}, {"RECSSH_SESSION", id}};
    spec.header.set_extra("recssh", record::JsonObject()
                                        .str("version", RECSSH_VERSION)
                                        .str("session_id", id)
                                        .str("stream", record::stream_name(stream))
                                        .str("user", record::local_user())
                                        .str("host", record::local_host())
                                        .list("argv", argv)
                                        .text());
    if (!o->quiet)
      std::fprintf(stderr, "recast: recording to %s; exit the shell or press ^D to finish\n",
                   plan.via_temp ? plan.target.c_str() : created.path.c_str());
    record::RecordingFile file(std::move(created.fd), created.path, rec.file);
    status = record::run_session(spec, file);
    finish_append(plan, o->quiet);
    if (!o->quiet) std::fprintf(stderr, "recast: recording finished: %s\n", plan.target.empty() ? created.path.c_str() : plan.target.c_str());
  });
}

} // namespace recssh::cli
