// SPDX-License-Identifier: MIT
#include "cmd/cli.hpp"
#include "cmd/play_terminal.hpp"
#include "core/printable.hpp"
#include "play/index.hpp"
#include "play/player.hpp"

#include <cmath>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::cli {

namespace {
CLI::Validator time_spec_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (play::parse_time_spec(text)) return {};
        return "not a TIME: '" + text + "' (use seconds 90, 1:30, 01:02:03.5, 50% or end)";
      },
      "TIME");
}
} // namespace

void add_play(CLI::App& app, int& status) {
  struct Options {
    std::string file;
    std::string from;
    double speed = 1.0;
    bool no_wait = false;
    double idle = 0;
    bool loop = false, pause_on_markers = false, follow = false, no_index = false;
    bool safe = false, no_safe = false;
    std::string at, until, at_marker;
    std::string stream = "o";
    std::uint64_t keyframe_interval = std::uint64_t(4) << 20;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("play", "play a recording in the terminal, starting anywhere (like asciinema play)");
  cmd->add_option("file", o->file, "recording (- for stdin; .gz and every format recast reads)")->required();
  cmd->add_option("--from", o->from, "input format (default: detected)");
  cmd->add_option("-s,--speed", o->speed, "playback speed (0: no waiting, as --no-wait)")->check(non_negative_number());
  cmd->add_flag("--no-wait", o->no_wait, "write the output at once, without timing");
  auto* idle = cmd->add_option("-i,--idle-time-limit", o->idle, "cap pauses at SECS (default: the header's)")
                   ->check(positive_number());
  cmd->add_flag("-l,--loop", o->loop, "play again from the start (or --at) at the end");
  cmd->add_flag("-m,--pause-on-markers", o->pause_on_markers, "pause at every marker");
  auto* at = cmd->add_option("--at", o->at, "start at TIME: 90, 1:30, 01:02:03.5, 50% or end")->check(time_spec_check());
  cmd->add_option("--at-marker", o->at_marker, "start at marker N (from 1) or the first whose label has TEXT")
      ->excludes(at);
  cmd->add_option("--until", o->until, "stop after TIME")->check(time_spec_check());
  cmd->add_option("--stream", o->stream, "events to play: o (output, default) or e (stderr of exec sessions)")
      ->check(CLI::IsMember({"o", "e"}));
  auto* safe = cmd->add_flag("--safe", o->safe,
                             "drop escape sequences a recording could use against the viewer (default: on for "
                             "a file you do not own)");
  cmd->add_flag("--no-safe", o->no_safe, "play every escape sequence as recorded")->excludes(safe);
  cmd->add_flag("-f,--follow", o->follow, "follow a recording still being written, like tail -f");
  cmd->add_flag("--no-index", o->no_index, "neither read nor write the keyframe index in $XDG_CACHE_HOME/recssh/play");
  cmd->add_option("--keyframe-interval", o->keyframe_interval, "bytes of output between keyframes (default 4 MiB)")
      ->check(CLI::Range(std::uint64_t(1) << 10, std::uint64_t(1) << 40));
  cmd->footer("Keys: space pause, . step (paused), ]/[ next/previous marker, \u2192/\u2190 5 s, Shift+\u2192/\u2190 or >/< "
              "10%, +/- speed, t status line, ? help, q quit.\n"
              "Examples:\n"
              "  recast play session.cast\n"
              "  recast play --at 1:30:00 --speed 2 audit.cast.gz\n"
              "  recast play --at-marker 'rm -rf' session.cast\n"
              "  recast play -f --at end 2026-11-22/101500-db1.cast");
  cmd->callback([o, idle, &status] {
    play::PlayOptions p;
    p.path = o->file;
    p.from = o->from;
    p.speed = o->speed;
    p.no_wait = o->no_wait || o->speed == 0;
    if (p.speed == 0) p.speed = 1;
    if (idle->count()) p.idle_limit = Micros(std::llround(o->idle * 1e6));
    p.loop = o->loop;
    p.pause_on_markers = o->pause_on_markers;
    p.follow = o->follow;
    p.stream = o->stream;
    if (!o->at.empty()) p.at = play::parse_time_spec(o->at);
    if (!o->until.empty()) p.until = play::parse_time_spec(o->until);
    if (!o->at_marker.empty()) p.at_marker = o->at_marker;
    p.keyframe_bytes = o->keyframe_interval;
    if (!o->no_index) p.index_dir = play::default_cache_dir();
    if (p.follow && o->file == "-") throw UsageError("--follow needs a FILE, not stdin");
    if (p.follow && p.loop) throw UsageError("--follow and --loop do not go together");
    // A recording someone else made may have been made to attack whoever plays it.
    struct stat st {};
    bool foreign = o->file != "-" && ::stat(o->file.c_str(), &st) == 0 && st.st_uid != ::geteuid();
    p.safe = o->safe || (foreign && !o->no_safe);
    bool interactive = ::isatty(1) == 1;
    p.interactive = interactive && !p.no_wait;
    PlayTerminal term(p.interactive);
    if (auto size = terminal_size(1)) {
      p.viewer_rows = size->rows;
      if (p.interactive) p.viewer = size;
    }
    play::Player player(p, term);
    player.run();
    // Ended by a signal: the status a shell gives a process killed by it.
    status = term.quit_signal() ? 128 + term.quit_signal() : 0;
  });
}

} // namespace recssh::cli
