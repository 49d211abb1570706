// SPDX-License-Identifier: MIT
#include "cmd/cli.hpp"
#include "core/format.hpp"

#include <cstdio>

namespace recssh::cli {

void add_convert(CLI::App& app, int& status) {
  struct Options {
    std::string input, output, from, to = "v2";
    bool overwrite = false, skip_bad = false, gzip = false, verbose = false;
    std::string v3_precision = "ms";
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("convert", "convert a recording to asciicast v2 (default) or v3");
  cmd->add_option("input", o->input, "recording to read (- for stdin; .gz read transparently)")->required();
  cmd->add_option("output", o->output, "file to write (- for stdout; .gz compresses)")->required();
  cmd->add_option("--from", o->from, "input format (default: detected)");
  cmd->add_option("--to", o->to, "output format: v2 (default) or v3");
  cmd->add_option("--v3-precision", o->v3_precision, "v3 intervals: ms (quantized, as asciinema) or us (lossless)")
      ->check(CLI::IsMember({"ms", "us"}));
  cmd->add_flag("--overwrite", o->overwrite, "replace OUTPUT if it exists");
  cmd->add_flag("--gzip", o->gzip, "compress the output (implied by a .gz OUTPUT)");
  cmd->add_flag("--skip-bad", o->skip_bad, "skip malformed lines (each is reported) instead of failing");
  cmd->add_flag("-v,--verbose", o->verbose, "say which input format was detected");
  cmd->callback([o, &status] {
    const FormatInfo& to = formats().get(o->to, true);
    const FormatInfo* from = nullptr;
    auto reader = open_reader(o->input, o->from, ReadOptions{o->skip_bad, nullptr}, &from);
    if (o->verbose) std::fprintf(stderr, "recast: %s: format %s\n", o->input.c_str(), from->name.c_str());
    Output out(o->output, o->overwrite ? Overwrite::yes : Overwrite::no,
               o->gzip || ends_with(o->output, ".gz"));
    auto writer = to.make_writer(out.sink(), WriteOptions{o->v3_precision == "us"});
    copy_events(*reader, *writer);
    out.commit();
    status = 0;
  });
}

void add_formats(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("formats", "list the formats recast reads and writes");
  cmd->callback([&status] {
    for (const auto& f : formats().all())
      std::printf("%-12s %s%s  %s\n", f.name.c_str(), f.open ? "r" : "-", f.make_writer ? "w" : "-",
                  f.description.c_str());
    status = 0;
  });
}

} // namespace recssh::cli
