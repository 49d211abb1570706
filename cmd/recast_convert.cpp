// SPDX-License-Identifier: MIT
#include "cmd/cli.hpp"
#include "core/printable.hpp"
#include "convert/batch.hpp"
#include "convert/convert_file.hpp"
#include "core/format.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::cli {
namespace {

std::string human(std::uint64_t b) {
  char buf[32];
  if (b >= (1u << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", double(b) / double(1u << 30));
  else std::snprintf(buf, sizeof buf, "%.1f MiB", double(b) / double(1u << 20));
  return buf;
}

// `convert -r`'s progress line on a terminal: a bar of bytes, files, ETA, the input.
class ProgressLine {
public:
  void update(const convert::BatchProgress& p) {
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    std::string eta = "--:--";
    if (p.bytes_done > 0 && elapsed > 0.5) {
      double left = elapsed * double(p.bytes - std::min(p.bytes, p.bytes_done)) / double(p.bytes_done);
      char b[16];
      std::snprintf(b, sizeof b, "%02d:%02d", int(left) / 60, int(left) % 60);
      eta = b;
    }
    int width = 24, fill = p.bytes ? int(double(width) * double(p.bytes_done) / double(p.bytes)) : 0;
    std::string bar(std::size_t(std::min(fill, width)), '#');
    bar.resize(std::size_t(width), '.');
    const std::string& current = p.current;
    std::string name = printable(current.size() > 30 ? "..." + current.substr(current.size() - 27) : current);
    std::fprintf(stderr, "\r\x1b[K[%s] %zu/%zu files  %s/%s  ETA %s  %s", bar.c_str(), p.files_done, p.files,
                 human(p.bytes_done).c_str(), human(p.bytes).c_str(), eta.c_str(), name.c_str());
    std::fflush(stderr);
  }
  void clear() { std::fprintf(stderr, "\r\x1b[K"); }

private:
  // Started at the first report, when the tree has been scanned.
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

template <class Options> int convert_tree(const Options& o) {
  if (o.output.empty()) throw UsageError("-r DIR needs -o OUTDIR");
  if (!o.files.empty()) throw UsageError("-r DIR takes no other paths (got " + o.files.front() + ")");
  convert::BatchOptions b;
  b.root = o.tree;
  b.out_dir = o.output;
  b.force = o.overwrite;
  b.verbose = o.verbose;
  b.job.to = o.to;
  b.job.gzip = o.gzip;
  b.job.hash = !o.no_hash;
  b.job.read = ReadOptions{o.skip_bad, nullptr, o.c};
  b.job.write = WriteOptions{o.v3_precision == "us", &o.c.formats};
  std::optional<ProgressLine> progress;
  const bool show = ::isatty(2);
  if (show) b.on_progress = [&](const convert::BatchProgress& p) {
    if (!progress) progress.emplace();
    progress->update(p);
  };
  Diagnostics diag;
  diag.on_warning = [&](const std::string& where, const std::string& what) {
    if (progress) progress->clear();
    std::fprintf(stderr, "recast: warning: %s: %s\n", printable(where).c_str(), printable(what).c_str());
  };
  b.diag = &diag;
  auto s = convert::convert_tree(b);
  if (show) ProgressLine().clear();
  for (const auto& [in, why] : s.skips) std::fprintf(stderr, "recast: skipped %s: %s\n", printable(in).c_str(), printable(why).c_str());
  for (const auto& [in, why] : s.failures) std::fprintf(stderr, "recast: failed %s: %s\n", printable(in).c_str(), printable(why).c_str());
  std::fprintf(stderr, "recast: %llu converted, %llu skipped, %llu failed (%llu other files ignored)\n",
               static_cast<unsigned long long>(s.converted), static_cast<unsigned long long>(s.skipped),
               static_cast<unsigned long long>(s.failed), static_cast<unsigned long long>(s.ignored));
  return s.failed ? 1 : 0;
}

} // namespace

void add_convert(CLI::App& app, int& status) {
  struct Options {
    std::vector<std::string> files;
    std::string output, from, to = "v2";
    bool overwrite = false, skip_bad = false, gzip = false, verbose = false, no_hash = false;
    std::string v3_precision = "ms";
    ConvertOptions c;
    int cols = 0, rows = 0;
    bool lf = false, list = false;
    std::string tree;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("convert", "convert a recording (asciicast, script(1), ttyrec, ...) to asciicast");
  std::string footer = "Forms:\n  recast convert INPUT OUTPUT\n  recast convert INPUT -o OUTPUT";
  for (const auto& f : formats().all())
    if (!f.cli_note.empty()) footer += "\n" + f.cli_note;
  cmd->footer(footer);
  cmd->add_option("files", o->files, "INPUT then OUTPUT (- for stdin/stdout; .gz read transparently)");
  cmd->add_option("-r,--recursive", o->tree,
                  "convert every recording under this directory into -o OUTDIR, keeping relative paths");
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
  cmd->add_flag("--no-input", o->c.no_input, "leave out keystrokes (input events)");
  cmd->add_option("--cols", o->cols, "terminal width (default: from the input, else guessed)")
      ->check(CLI::Range(1, 65535));
  cmd->add_option("--rows", o->rows, "terminal height (default: from the input, else 24)")->check(CLI::Range(1, 65535));
  cmd->add_flag("--keep-lf", o->lf, "raw, sudo stdout/stderr: keep bare LF (default: shown as CR LF, as a tty would)");
  // Each format's own options, in their groups.
  for (const auto& set : formats().cli_options()) set.add(*cmd, CliTargets{o->c, o->list});
  cmd->callback([o, &status] {
    o->c.onlcr = !o->lf;
    if (!o->tree.empty()) {
      status = convert_tree(*o);
      return;
    }
    if (o->files.empty()) throw UsageError("convert needs INPUT and OUTPUT, or -r DIR -o OUTDIR");
    if (o->cols || o->rows) o->c.size = TermSize{o->cols ? o->cols : 80, o->rows ? o->rows : 24};
    // A source that holds several sessions (audit logs) may come in several files.
    const FormatInfo* several = convert::session_source(o->files.front(), o->from);
    if (o->list) {
      if (!several || !several->sessions->list)
        throw UsageError("--list is for " + convert::session_sources_noun() + " (" + o->files.front() +
                         " is not one)");
      FdSink out(1, "<stdout>");
      several->sessions->list(o->files, ReadOptions{o->skip_bad, nullptr, o->c}, out);
      out.flush();
      status = 0;
      return;
    }
    if (o->output.empty()) {
      if (o->files.size() < 2 || (o->files.size() > 2 && !several))
        throw UsageError("convert takes INPUT OUTPUT, or INPUT -o OUTPUT (" + std::to_string(o->files.size()) +
                         " paths given; several inputs are for rotated " + convert::session_sources_noun() + ")");
      o->output = o->files.back();
      o->files.pop_back();
    } else if (o->files.size() != 1 && !several) {
      throw UsageError("convert takes one INPUT (" + std::to_string(o->files.size()) +
                       " given; several are for rotated " + convert::session_sources_noun() + ")");
    }
    convert::ConvertJob job;
    job.input = o->files[0];
    job.output = o->output;
    job.from = o->from;
    job.to = o->to;
    job.overwrite = o->overwrite ? Overwrite::yes : Overwrite::no;
    job.gzip = o->gzip;
    job.hash = !o->no_hash;
    job.read = ReadOptions{o->skip_bad, nullptr, o->c};
    job.write = WriteOptions{o->v3_precision == "us", &o->c.formats};
    if (several) {
      struct stat st {};
      bool to_dir = ::stat(job.output.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
      auto results = convert::convert_sessions(*several, o->files, job, to_dir);
      if (to_dir || o->verbose)
        for (const auto& res : results) std::fprintf(stderr, "recast: wrote %s\n", printable(res.output).c_str());
      status = 0;
      return;
    }
    auto result = convert::convert_file(job);
    if (o->verbose) {
      std::fprintf(stderr, "recast: %s: format %s\n", printable(job.input).c_str(), result.format->name.c_str());
      for (std::size_t i = 0; i < result.source.files.size(); ++i)
        std::fprintf(stderr, "recast:   %s %s%s%s\n", result.source.files[i].role.c_str(),
                     printable(result.source.files[i].path).c_str(), i < result.sha256.size() ? " sha256=" : "",
                     i < result.sha256.size() ? result.sha256[i].c_str() : "");
    }
    status = 0;
  });
}

void add_formats(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("formats", "list the formats recast reads and writes");
  cmd->callback([&status] {
    for (const auto& f : formats().all())
      std::printf("%-12s %s%s  %s\n", f.name.c_str(), (f.open || f.open_dir) ? "r" : "-",
                  f.make_writer && f.convert_target ? "w" : "-",
                  f.description.c_str());
    status = 0;
  });
}

} // namespace recssh::cli
