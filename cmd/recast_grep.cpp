// SPDX-License-Identifier: MIT
// recast grep: search what recordings showed (or what was typed, or their markers).
#include "cmd/cli.hpp"
#include "convert/batch.hpp"
#include "core/format.hpp"
#include "core/cpus.hpp"
#include "core/json.hpp"
#include "core/printable.hpp"
#include "forward/pcap_lines.hpp"
#include "search/grep.hpp"
#include "search/ordered.hpp"
#include "store/layout.hpp"
#include "store/walk.hpp"

#include <algorithm>
#include <boost/filesystem.hpp>
#include <cstdio>
#include <ctime>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::cli {

search::RecordingFilter recording_filter(const std::string& user, const std::string& host, const std::string& since,
                                         const std::string& until, bool failed, const std::string& stream) {
  search::RecordingFilter f;
  f.user = user;
  f.host = host;
  f.failed = failed;
  if (!stream.empty()) f.stream = store::parse_stream(stream);
  if (!since.empty() && !(f.since = search::parse_when(since, false)))
    throw UsageError("--since: not a date: '" + since + "' (YYYY-MM-DD[ HH:MM[:SS]], or ISO 8601)");
  if (!until.empty() && !(f.until = search::parse_when(until, true)))
    throw UsageError("--until: not a date: '" + until + "' (YYYY-MM-DD[ HH:MM[:SS]], or ISO 8601)");
  return f;
}

namespace {

struct CaptureGrep {
  bool invert = false, list = false, count = false, json = false;
  std::uint64_t max_count = 0;
};

// The captures named, and those under directories (not following symlinks).
std::vector<std::string> capture_files(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    boost::system::error_code ec;
    if (!boost::filesystem::is_directory(boost::filesystem::symlink_status(p, ec))) {
      files.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    for (boost::filesystem::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (it->symlink_status().type() == boost::filesystem::regular_file &&
          (name.ends_with(".pcap") || name.ends_with(".pcap.gz")))
        found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::string utc_time(timeval t) {
  std::time_t s = t.tv_sec;
  std::tm tm{};
  ::gmtime_r(&s, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[24];
  std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(t.tv_usec / 1000 % 1000));
  return std::string(buf) + frac;
}

// recast grep --tcpip: FILE:TIME: FROM > TO: line (TIME in UTC, from the capture).
int grep_captures(const std::vector<std::string>& paths, const search::Matcher& matcher, const CaptureGrep& g) {
  bool any_hit = false, any_error = false;
  for (const auto& file : capture_files(paths)) {
    std::uint64_t hits = 0;
    try {
      forward::for_each_payload_line(file, [&](const forward::PayloadLine& l) {
        if (matcher.matches(l.text) == g.invert) return true;
        ++hits;
        if (g.list) return false;
        if (!g.count) {
          if (g.json) {
            JsonObject j;
            j.str("file", file).str("time", utc_time(l.time)).str("from", l.from).str("to", l.to).str("line", l.text);
            std::printf("%s\n", terminal_safe_json(j.text()).c_str());
          } else {
            std::printf("%s:%s: %s > %s: %s\n", printable(file).c_str(), utc_time(l.time).c_str(), l.from.c_str(),
                        l.to.c_str(), printable(l.text).c_str());
          }
        }
        return !(g.max_count && hits >= g.max_count);
      });
    } catch (const Error& e) {
      std::fflush(stdout);
      std::fprintf(stderr, "recast: error: %s\n", printable(e.what()).c_str());
      any_error = true;
    }
    if (g.list && hits) std::printf("%s\n", printable(file).c_str());
    if (g.count) std::printf("%s:%llu\n", printable(file).c_str(), static_cast<unsigned long long>(hits));
    any_hit = any_hit || hits;
  }
  std::fflush(stdout);
  return any_error ? 2 : any_hit ? 0 : 1;
}

} // namespace

void add_grep(CLI::App& app, int& status) {
  struct Options {
    std::string pattern;
    std::vector<std::string> paths;
    bool extended = false, fixed = false, ignore_case = false, word = false, invert = false;
    bool list = false, count = false, json = false, wall = false, play_hint = false;
    bool input = false, markers = false, emulate = false, tcpip = false;
    std::uint64_t max_count = 0;
    int after = 0, before = 0, context = 0;
    std::string color = "auto";
    std::string user, host, since, until, stream;
    bool failed = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("grep", "search what recordings showed on screen (or what was typed); exit 0 on a hit, "
                                         "1 on none, 2 on an error");
  cmd->add_option("pattern", o->pattern, "a basic regular expression (-E: extended, -F: fixed string)")->required();
  cmd->add_option("paths", o->paths, "recordings (any format recast reads, .gz too), or directories of them")
      ->required();
  cmd->add_flag("-E,--extended-regexp", o->extended, "PATTERN is an extended regular expression");
  cmd->add_flag("-F,--fixed-strings", o->fixed, "PATTERN is a fixed string");
  cmd->add_flag("-i,--ignore-case", o->ignore_case, "ignore case");
  cmd->add_flag("-w,--word-regexp", o->word, "match whole words only");
  cmd->add_flag("-v,--invert-match", o->invert, "select lines that do not match");
  cmd->add_flag("-l,--files-with-matches", o->list, "print only the names of recordings with a hit");
  cmd->add_flag("-c,--count", o->count, "print only a count of hits per recording");
  cmd->add_option("-m,--max-count", o->max_count, "stop reading a recording after N hits");
  cmd->add_option("-A,--after-context", o->after, "print N lines after each hit")->check(CLI::NonNegativeNumber);
  cmd->add_option("-B,--before-context", o->before, "print N lines before each hit")->check(CLI::NonNegativeNumber);
  cmd->add_option("-C,--context", o->context, "print N lines before and after each hit")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", o->json, "one JSON object per line: file, time, wall time, stream, line, session metadata");
  cmd->add_option("--color,--colour", o->color, "colour file names, times and matches: auto (on a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->add_flag("--wall", o->wall, "wall-clock times (from the header's timestamp) instead of times since the start");
  cmd->add_flag("--play-hint", o->play_hint, "print, under each hit, the `recast play` command that shows it");
  cmd->add_flag("--input", o->input, "search what was typed (\"i\" events), with line edits resolved");
  cmd->add_flag("--markers", o->markers, "search the markers");
  cmd->add_flag("--tcpip", o->tcpip, "search the port forwards' captures (*.pcap, *.pcap.gz): each TCP flow's "
                                     "bytes, reassembled per direction, as lines");
  auto* sel = cmd->add_option_group("recordings", "which recordings to search (by their recssh metadata)");
  sel->add_option("--user", o->user, "recorded for this local user");
  sel->add_option("--host", o->host, "to this target (user@host, or host)");
  sel->add_option("--since", o->since, "started at or after DATE (YYYY-MM-DD[ HH:MM[:SS]], local time, or ISO 8601)");
  sel->add_option("--until", o->until, "started before DATE (a date alone: up to its end)");
  sel->add_flag("--failed", o->failed, "ended with an exit status other than 0");
  sel->add_option("--stream", o->stream, "shell or exec sessions")->check(CLI::IsMember({"shell", "exec"}));
  cmd->add_flag("--emulate", o->emulate, "emulate the whole screen for every output (slower; the plain line model "
                                         "gives the same lines)");
  cmd->callback([o, &status] {
    if (o->extended && o->fixed) throw UsageError("-E and -F exclude each other");
    if (o->input && o->markers) throw UsageError("--input and --markers exclude each other");
    search::MatchOptions mo;
    mo.pattern = o->pattern;
    mo.syntax = o->fixed ? search::Syntax::fixed : o->extended ? search::Syntax::extended : search::Syntax::basic;
    mo.ignore_case = o->ignore_case;
    mo.word = o->word;
    const search::Matcher matcher(mo);
    if (o->tcpip) {
      if (o->input || o->markers) throw UsageError("--tcpip excludes --input and --markers");
      if (o->before || o->after || o->context || o->play_hint)
        throw UsageError("--tcpip takes no context lines nor --play-hint");
      status = grep_captures(o->paths, matcher, {o->invert, o->list, o->count, o->json, o->max_count});
      return;
    }

    search::GrepOptions go;
    go.transcript.what = o->input     ? search::Searched::input
                         : o->markers ? search::Searched::markers
                                      : search::Searched::screen;
    go.transcript.model = o->emulate ? search::ScreenLines::Model::emulator : search::ScreenLines::Model::automatic;
    go.invert = o->invert;
    go.report = o->list ? search::GrepOptions::Report::files
                : o->count ? search::GrepOptions::Report::count
                           : search::GrepOptions::Report::lines;
    go.max_count = o->max_count;
    go.before = std::max(o->before, o->context);
    go.after = std::max(o->after, o->context);
    go.json = o->json;
    go.color = !o->json && (o->color == "always" || (o->color == "auto" && ::isatty(1)));
    go.wall = o->wall;
    go.play_hint = o->play_hint;
    go.filter = recording_filter(o->user, o->host, o->since, o->until, o->failed, o->stream);

    // What to search: each path named, and under a directory every recording, casts
    // and legacy ones (sudo I/O logs, typescripts, ttyrec, tlog, audit.log sessions)
    // alike, in path order.
    struct Target {
      std::string path;
      const FormatInfo* format = nullptr; // a legacy recording found in a directory
      std::vector<std::string> group;     // its files, for a source of several sessions
      std::string label;                  // its name in the output ("": the path)
      const std::string& name() const { return label.empty() ? path : label; }
    };
    std::vector<Target> files;
    for (const auto& p : o->paths) {
      struct stat st {};
      if (p == "-" || ::stat(p.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        // A source of several sessions (an audit.log) is searched session by session.
        const FormatInfo* several = nullptr;
        try {
          if (p != "-" && S_ISREG(st.st_mode)) {
            const FormatInfo& f = formats().detect(open_input(p));
            if (f.sessions) several = &f;
          }
        } catch (const Error&) {
          // (reported when it is searched)
        }
        files.push_back(several ? Target{p, several, {p}, {}} : Target{p, nullptr, {}, {}});
        continue;
      }
      // (A recording directory itself, a sudo I/O log, is one recording.)
      if (const FormatInfo* f = formats().find_dir(p)) {
        files.push_back({p, f, {}, {}});
        continue;
      }
      std::vector<Target> found;
      store::walk(p, [&](const store::Recording& r) { found.push_back({r.path, nullptr, {}, {}}); });
      // (Casts are the walk's: not opened a second time to be probed.)
      auto cast = [](const std::string& path) { return store::is_recording_name(path.substr(path.rfind('/') + 1)); };
      for (auto& src : convert::find_sources(p, false, cast).sources)
        found.push_back({src.input, src.format, std::move(src.inputs), src.named});
      std::stable_sort(found.begin(), found.end(),
                       [](const Target& a, const Target& b) { return a.name() < b.name(); });
      for (auto& t : found) files.push_back(std::move(t));
    }

    struct Outcome {
      search::FileResult result;
      std::string error;
    };
    bool any_hit = false, any_error = false;
    search::for_each_ordered<Outcome>(
        files.size(), usable_cpus(),
        [&](std::size_t i) {
          Outcome out;
          try {
            const Target& t = files[i];
            // (A pattern of its own: glibc's regexec locks the one it runs.)
            const search::Matcher own(matcher.options());
            out.result = !t.group.empty() ? search::grep_sessions(*t.format, t.path, t.group, own, go)
                                          : search::grep_file(t.path, own, go, t.format ? t.format->name : "", t.label);
          } catch (const Error& e) {
            out.error = e.what();
          } catch (const std::exception& e) {
            out.error = std::string("internal error: ") + e.what();
          }
          return out;
        },
        [&](std::size_t i, Outcome& out) {
          std::fwrite(out.result.output.data(), 1, out.result.output.size(), stdout);
          if (!out.error.empty()) {
            std::fflush(stdout);
            std::fprintf(stderr, "recast: error: %s\n", printable(out.error).c_str());
            any_error = true;
          }
          if (out.result.hits > 0) any_hit = true;
          if (go.transcript.what == search::Searched::input && out.result.masked > 0) {
            std::fflush(stdout);
            std::fprintf(stderr, "recast: %s: %llu span%s of typed input masked by the recorder: not searchable\n",
                         printable(files[i].name()).c_str(), static_cast<unsigned long long>(out.result.masked),
                         out.result.masked == 1 ? "" : "s");
          }
        });
    std::fflush(stdout);
    status = any_error ? 2 : any_hit ? 0 : 1;
  });
}

} // namespace recssh::cli
