// SPDX-License-Identifier: MIT
#include "cmd/cli.hpp"
#include "convert/convert_file.hpp"
#include "core/format.hpp"

#include <cstdio>

namespace recssh::cli {

void add_convert(CLI::App& app, int& status) {
  struct Options {
    std::vector<std::string> files;
    std::string output, from, to = "v2";
    bool overwrite = false, skip_bad = false, gzip = false, verbose = false, no_hash = false;
    std::string v3_precision = "ms";
    ConvertOptions c;
    int cols = 0, rows = 0;
    bool lf = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("convert", "convert a recording (asciicast, script(1), ttyrec, ...) to asciicast");
  cmd->footer("Forms:\n  recast convert INPUT OUTPUT\n  recast convert INPUT -o OUTPUT\n"
              "script(1): name the timing file or the typescript; the other is found by name\n"
              "(NAME.timing, timing beside typescript, the logs an advanced timing file names),\n"
              "or give them with --timing / --log-out / --log-in / --log-io.");
  cmd->add_option("files", o->files, "INPUT then OUTPUT (- for stdin/stdout; .gz read transparently)")
      ->required();
  cmd->add_option("-o,--output", o->output, "file to write (- for stdout; .gz compresses)");
  cmd->add_option("--from", o->from, "input format (default: detected; see `recast formats`)");
  cmd->add_option("--to", o->to, "output format: v2 (default) or v3");
  cmd->add_option("--v3-precision", o->v3_precision, "v3 intervals: ms (quantized, as asciinema) or us (lossless)")
      ->check(CLI::IsMember({"ms", "us"}));
  cmd->add_flag("--overwrite,--force", o->overwrite, "replace OUTPUT if it exists");
  cmd->add_flag("--gzip", o->gzip, "compress the output (implied by a .gz OUTPUT)");
  cmd->add_flag("--skip-bad", o->skip_bad, "skip malformed lines (each is reported) instead of failing");
  cmd->add_flag("-v,--verbose", o->verbose, "say which input format was detected and which files were read");
  cmd->add_flag("--no-sha256", o->no_hash, "do not record the input files' SHA-256 in the header");
  auto* g = "script(1)";
  cmd->add_option("--timing,-T", o->c.timing, "script(1) timing file")->group(g);
  cmd->add_option("--log-out,-O", o->c.log_out, "script(1) output log (typescript)")->group(g);
  cmd->add_option("--log-in,-I", o->c.log_in, "script(1) input log")->group(g);
  cmd->add_option("--log-io,-B", o->c.log_io, "script(1) combined input and output log")->group(g);
  cmd->add_flag("--legacy-timing", o->c.legacy_timing,
                "classic timing from util-linux <= 2.24, where each delay belongs to the previous chunk")
      ->group(g);
  cmd->add_flag("--no-input", o->c.no_input, "leave out keystrokes (input events)");
  auto* r = "raw output";
  cmd->add_option("--rate", o->c.rate, "raw: one event per line at this many lines a second (default: all at 0)")
      ->check(CLI::PositiveNumber)
      ->group(r);
  cmd->add_option("--cols", o->cols, "terminal width (default: from the input, else guessed)")
      ->check(CLI::Range(1, 65535));
  cmd->add_option("--rows", o->rows, "terminal height (default: from the input, else 24)")->check(CLI::Range(1, 65535));
  cmd->add_flag("--keep-lf", o->lf, "raw, sudo stdout/stderr: keep bare LF (default: shown as CR LF, as a tty would)");
  cmd->callback([o, &status] {
    if (o->output.empty()) {
      if (o->files.size() != 2)
        throw UsageError("convert takes INPUT OUTPUT, or INPUT -o OUTPUT (" + std::to_string(o->files.size()) +
                         " paths given)");
      o->output = o->files[1];
      o->files.pop_back();
    } else if (o->files.size() != 1) {
      throw UsageError("convert takes one INPUT (" + std::to_string(o->files.size()) + " given)");
    }
    if (o->cols || o->rows) o->c.size = TermSize{o->cols ? o->cols : 80, o->rows ? o->rows : 24};
    o->c.onlcr = !o->lf;
    convert::ConvertJob job;
    job.input = o->files[0];
    job.output = o->output;
    job.from = o->from;
    job.to = o->to;
    job.overwrite = o->overwrite ? Overwrite::yes : Overwrite::no;
    job.gzip = o->gzip;
    job.hash = !o->no_hash;
    job.read = ReadOptions{o->skip_bad, nullptr, o->c};
    job.write = WriteOptions{o->v3_precision == "us"};
    auto result = convert::convert_file(job);
    if (o->verbose) {
      std::fprintf(stderr, "recast: %s: format %s\n", job.input.c_str(), result.format->name.c_str());
      for (std::size_t i = 0; i < result.source.files.size(); ++i)
        std::fprintf(stderr, "recast:   %s %s%s%s\n", result.source.files[i].role.c_str(),
                     result.source.files[i].path.c_str(), i < result.sha256.size() ? " sha256=" : "",
                     i < result.sha256.size() ? result.sha256[i].c_str() : "");
    }
    status = 0;
  });
}

void add_formats(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("formats", "list the formats recast reads and writes");
  cmd->callback([&status] {
    for (const auto& f : formats().all())
      std::printf("%-12s %s%s  %s\n", f.name.c_str(), (f.open || f.open_dir) ? "r" : "-", f.make_writer ? "w" : "-",
                  f.description.c_str());
    status = 0;
  });
}

} // namespace recssh::cli
