// SPDX-License-Identifier: MIT
#include "cmd/cli.hpp"
#include "core/dump.hpp"
#include "core/format.hpp"

namespace recssh::cli {

void add_cat(CLI::App& app, int& status) {
  struct Options {
    std::vector<std::string> files;
    std::string from;
    std::string stream = "o";
    bool skip_bad = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("cat", "print the raw output of recordings, without timing (like asciinema cat)");
  cmd->add_option("files", o->files, "recordings (- for stdin; .gz read transparently)")->required();
  cmd->add_option("--from", o->from, "input format (default: detected)");
  cmd->add_option("--stream", o->stream, "events to print: o (output, default), e (stderr of exec sessions), i (input)")
      ->check(CLI::IsMember({"o", "e", "i"}));
  cmd->add_flag("--skip-bad", o->skip_bad, "skip malformed lines (each is reported) instead of failing");
  cmd->callback([o, &status] {
    FdSink out(1, "<stdout>");
    for (const auto& path : o->files) {
      auto reader = open_reader(path, o->from, ReadOptions{o->skip_bad, nullptr});
      dump_stream(*reader, o->stream, out);
    }
    out.flush();
    status = 0;
  });
}

} // namespace recssh::cli
