// SPDX-License-Identifier: MIT
// recast append and recast merge.
#include "archive/append.hpp"
#include "core/printable.hpp"
#include "archive/merge.hpp"
#include "cmd/cli.hpp"

#include <cstdio>

namespace recssh::cli {

void add_append(CLI::App& app, int& status) {
  struct Options {
    std::string base, gap;
    std::vector<std::string> more;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("append", "append recordings to a v2/v3 cast, continuing its timeline");
  cmd->add_option("base", o->base, "the cast appended to (v2 or v3; .gz too); replaced atomically")->required();
  cmd->add_option("more", o->more, "recordings whose events are appended, in this order")->required();
  cmd->add_option("--gap", o->gap, "pause at each join: keep (the real one), drop, or cap:SECONDS "
                                   "(default: the real one capped at BASE's idle_time_limit, else 2 s)");
  cmd->callback([o, &status] {
    archive::AppendOptions opts;
    if (!o->gap.empty()) opts.gap = archive::GapPolicy::parse(o->gap);
    auto r = archive::append_casts(o->base, o->more, opts);
    std::fprintf(stderr, "recast: appended %llu events to %s (now %s s long)\n",
                 static_cast<unsigned long long>(r.events), printable(o->base).c_str(), format_seconds(r.end).c_str());
    status = 0;
  });
}

void add_merge(CLI::App& app, int& status) {
  struct Options {
    std::string out, gap, format = "v2";
    std::vector<std::string> inputs;
    bool allow_overlap = false, overwrite = false, gzip = false, verbose = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("merge", "merge recordings, ordered by start time, into one continuous cast");
  cmd->add_option("inputs", o->inputs, "recordings, or directories searched for *.cast, *.cast.gz, *.json")
      ->required();
  cmd->add_option("-o,--output", o->out, "the merged cast (.gz compresses)")->required();
  cmd->add_option("--gap", o->gap, "pause at each join: keep, drop or cap:SECONDS "
                                   "(default: the real gap, capped at the idle limit if the first has one)");
  cmd->add_flag("--allow-overlap", o->allow_overlap, "place overlapping sessions one after the other (reported)");
  cmd->add_option("--format", o->format, "output version: v2 (default) or v3")->check(CLI::IsMember({"v2", "v3"}));
  cmd->add_flag("--overwrite", o->overwrite, "replace OUTPUT if it exists");
  cmd->add_flag("--gzip", o->gzip, "compress the output");
  cmd->add_flag("-v,--verbose", o->verbose, "one line per input merged");
  cmd->callback([o, &status] {
    tune_malloc_for_many_files();
    archive::MergeOptions opts;
    if (!o->gap.empty()) opts.gap = archive::GapPolicy::parse(o->gap);
    opts.allow_overlap = o->allow_overlap;
    opts.overwrite = o->overwrite;
    opts.gzip = o->gzip;
    opts.format = o->format;
    if (o->verbose)
      opts.on_merged = [](const std::string& path) { std::fprintf(stderr, "recast: merged %s\n", printable(path).c_str()); };
    auto inputs = archive::collect_inputs(o->inputs, nullptr);
    auto r = archive::merge_casts(inputs, o->out, opts);
    for (const auto& w : r.overlaps) std::fprintf(stderr, "recast: warning: overlap: %s\n", printable(w).c_str());
    std::fprintf(stderr, "recast: merged %llu recordings, %llu events, into %s\n",
                 static_cast<unsigned long long>(r.inputs), static_cast<unsigned long long>(r.events), printable(o->out).c_str());
    status = 0;
  });
}

} // namespace recssh::cli
