// SPDX-License-Identifier: MIT
#include "cmd/cli.hpp"
#include "convert/audit.hpp"
#include "convert/batch.hpp"
#include "convert/convert_file.hpp"
#include "core/format.hpp"

#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::cli {
namespace {

bool is_audit(const std::string& path) {
  struct stat st {};
  if (path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  Input in = open_input(path);
  return convert::probe_audit(in.head);
}

template <class Options> void list_audit(const Options& o, const std::vector<std::string>& files) {
  ReadOptions ro{o.skip_bad, nullptr, o.c};
  auto ordered = convert::order_audit_files(files, nullptr);
  FdSink stdout_sink(1, "<stdout>");
  ByteSink& out = stdout_sink;
  if (o.records) {
    out.write(std::string_view("\nTTY Report\n===============================================\n"
              "# date time event auid term sess comm data\n===============================================\n"));
    convert::list_audit_records(ordered, ro, out);
    out.flush();
    return;
  }
  char line[512];
  std::snprintf(line, sizeof line, "%-24s %-8s %-10s %-8s %8s %9s  %-19s %-19s %s\n", "SESSION", "AUID", "USER", "TTY",
                "RECORDS", "BYTES", "FIRST (UTC)", "LAST (UTC)", "COMMANDS");
  out.write(std::string_view(line));
  for (const auto& s : convert::scan_audit(ordered, ro)) {
    std::string tty = s.major == 136 ? "pts/" + std::to_string(s.minor)
                      : s.major == 4  ? "tty" + std::to_string(s.minor)
                      : s.major < 0   ? "?"
                                      : std::to_string(s.major) + ":" + std::to_string(s.minor);
    std::snprintf(line, sizeof line, "%-24s %-8llu %-10s %-8s %8llu %9llu  %-19s %-19s %s\n", s.file_stem().c_str(),
                  static_cast<unsigned long long>(s.auid), s.auid_name.empty() ? "-" : s.auid_name.c_str(), tty.c_str(),
                  static_cast<unsigned long long>(s.records), static_cast<unsigned long long>(s.bytes),
                  format_utc_iso(s.first_ms / 1000).substr(0, 19).c_str(),
                  format_utc_iso(s.last_ms / 1000).substr(0, 19).c_str(), s.comms.c_str());
    out.write(std::string_view(line));
  }
  out.flush();
}

template <class Options> int convert_tree(const Options& o) {
  if (o.output.empty()) throw UsageError("-r DIR needs -o OUTDIR");
  if (!o.files.empty()) throw UsageError("-r DIR takes no other paths (got " + o.files.front() + ")");
  convert::BatchOptions b;
  b.root = o.tree;
  b.out_dir = o.output;
  b.force = o.overwrite;
  b.verbose = o.verbose;
  b.progress = ::isatty(2);
  b.job.to = o.to;
  b.job.gzip = o.gzip;
  b.job.hash = !o.no_hash;
  b.job.read = ReadOptions{o.skip_bad, nullptr, o.c};
  b.job.write = WriteOptions{o.v3_precision == "us"};
  auto s = convert::convert_tree(b);
  for (const auto& [in, why] : s.skips) std::fprintf(stderr, "recast: skipped %s: %s\n", in.c_str(), why.c_str());
  for (const auto& [in, why] : s.failures) std::fprintf(stderr, "recast: failed %s: %s\n", in.c_str(), why.c_str());
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
    bool lf = false, list = false, records = false;
    std::string tree;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("convert", "convert a recording (asciicast, script(1), ttyrec, ...) to asciicast");
  cmd->footer("Forms:\n  recast convert INPUT OUTPUT\n  recast convert INPUT -o OUTPUT\n"
              "script(1): name the timing file or the typescript; the other is found by name\n"
              "(NAME.timing, timing beside typescript, the logs an advanced timing file names),\n"
              "or give them with --timing / --log-out / --log-in / --log-io.");
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
  auto* a = "audit.log (pam_tty_audit)";
  cmd->add_option("--session", o->c.session,
                  "audit: session (ses number, or NODE:SES, or a name from --list); tlog: recording id or session")
      ->group(a);
  cmd->add_option("--user", o->c.user, "audit: only sessions of this login user (name or auid)")->group(a);
  cmd->add_flag("--list", o->list, "audit: list the sessions in the inputs instead of converting")->group(a);
  cmd->add_flag("--records", o->records, "audit: with --list, every record as aureport --tty prints it")->group(a);
  cmd->add_flag("--keep-lf", o->lf, "raw, sudo stdout/stderr: keep bare LF (default: shown as CR LF, as a tty would)");
  cmd->callback([o, &status] {
    o->c.onlcr = !o->lf;
    if (!o->tree.empty()) {
      status = convert_tree(*o);
      return;
    }
    if (o->files.empty()) throw UsageError("convert needs INPUT and OUTPUT, or -r DIR -o OUTDIR");
    if (o->cols || o->rows) o->c.size = TermSize{o->cols ? o->cols : 80, o->rows ? o->rows : 24};
    const bool audit = o->from == "audit" || o->from == "audit-tty" || o->from == "pam_tty_audit" ||
                       (o->from.empty() && is_audit(o->files.front()));
    if (o->list) {
      if (!audit) throw UsageError("--list is for audit logs (" + o->files.front() + " is not one)");
      list_audit(*o, o->files);
      status = 0;
      return;
    }
    if (o->output.empty()) {
      if (o->files.size() < 2 || (o->files.size() > 2 && !audit))
        throw UsageError("convert takes INPUT OUTPUT, or INPUT -o OUTPUT (" + std::to_string(o->files.size()) +
                         " paths given; several inputs are for rotated audit logs)");
      o->output = o->files.back();
      o->files.pop_back();
    } else if (o->files.size() != 1 && !audit) {
      throw UsageError("convert takes one INPUT (" + std::to_string(o->files.size()) +
                       " given; several are for rotated audit logs)");
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
    job.write = WriteOptions{o->v3_precision == "us"};
    if (audit) {
      struct stat st {};
      bool to_dir = ::stat(job.output.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
      auto results = convert::convert_audit(o->files, job, to_dir);
      if (to_dir || o->verbose)
        for (const auto& res : results) std::fprintf(stderr, "recast: wrote %s\n", res.output.c_str());
      status = 0;
      return;
    }
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
      std::printf("%-12s %s%s  %s\n", f.name.c_str(), (f.open || f.open_dir) ? "r" : "-",
                  f.make_writer && f.convert_target ? "w" : "-",
                  f.description.c_str());
    status = 0;
  });
}

} // namespace recssh::cli
