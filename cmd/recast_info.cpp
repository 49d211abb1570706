// SPDX-License-Identifier: MIT
#include "cmd/cli.hpp"
#include "core/format.hpp"
#include "core/printable.hpp"
#include "core/stats.hpp"

#include <cstdio>

namespace recssh::cli {

void add_info(CLI::App& app, int& status) {
  struct Options {
    std::vector<std::string> files;
    std::string from;
    bool json = false, skip_bad = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("info", "show header fields, duration, event counts, resizes and markers");
  cmd->add_option("files", o->files, "recordings (- for stdin)")->required();
  cmd->add_option("--from", o->from, "input format (default: detected)");
  cmd->add_flag("--json", o->json, "one JSON object per file, one per line");
  cmd->add_flag("--skip-bad", o->skip_bad, "skip malformed lines (each is reported) instead of failing");
  cmd->callback([o, &status] {
    for (const auto& path : o->files) {
      const FormatInfo* format = nullptr;
      auto reader = open_reader(path, o->from, ReadOptions{o->skip_bad, nullptr}, &format);
      CastStats s = compute_stats(*reader, path, format->name);
      std::string text = o->json ? terminal_safe_json(stats_json(s)) + "\n" : stats_text(s);
      std::fwrite(text.data(), 1, text.size(), stdout);
    }
    status = 0;
  });
}

} // namespace recssh::cli
