// SPDX-License-Identifier: MIT
#pragma once
// A long seek forward on two cores. Emulation is sequential: the screen at a point
// depends on all the output before it. But terminal output forgets: once a screen
// has scrolled or been redrawn it holds nothing of what came before, so an emulation
// started from a blank screen partway through a recording soon shows exactly what
// the one from the start shows at the same line. So while the player emulates from
// where it is, a second emulation on a thread of its own starts about halfway to the
// target (a line of a plain asciicast v2 file) and takes a snapshot (paint) every
// keyframe interval of output. The player compares its screen with each snapshot as
// it reaches that line; at the first that is the same, the second emulation's later
// snapshots are what the player would have reached itself (both go on from the same
// screen, as a jump to a keyframe does), and the player restarts from the last one,
// at the target, instead of emulating the second half. Where they never meet (a title
// set once at the start, a resize before the halfway line...), the player carries on
// alone, at the cost of the other core's time only.
#include "play/screen.hpp"
#include "play/source.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace recssh::play {

struct SpeculationOptions {
  std::string path;           // a plain asciicast v2 file
  std::string stream = "o";   // the output events played
  TermSize size;              // the header's
  std::optional<Micros> idle_limit;
  std::uint64_t interval = 0; // output bytes between snapshots
  std::uint64_t from = 0;     // the byte offset where the player's next line starts
  std::uint64_t from_line = 0; // and that line's number
  std::uint64_t to = 0;       // a byte offset at or after the target's line
  Micros until{0};            // the target: events up to this time
};

// A snapshot after the event at `line`. Counts are since the first event emulated
// (the one at start_line(), itself not counted): the player adds its own at that line.
struct Snapshot {
  std::uint64_t line = 0;
  std::uint64_t events = 0;    // events applied after the first
  Micros time{0};              // of the event at `line`
  Micros play{0};              // the time played since the first event (idle capped)
  std::uint64_t out_bytes = 0; // output after the first event
  std::uint64_t offset = 0;    // where the line after `line` starts (finish() sets it)
  TermSize size;
  std::string paint;
  std::optional<std::string> unpainted; // Screen::unpainted()
};

struct SeenMarker {
  std::uint64_t events = 0; // as Snapshot::events
  Micros time{0};
  std::string label;
};

class Speculation {
public:
  // Starts the second emulation (its thread finds its first line itself).
  explicit Speculation(SpeculationOptions o);
  ~Speculation(); // stops it
  Speculation(const Speculation&) = delete;
  Speculation& operator=(const Speculation&) = delete;

  // The line the second emulation starts at, waiting for it to know while that may be
  // `passing` (the player's line) or one before; a line past `passing` if that is
  // all it knows yet (it counts lines from the player's much faster than the player
  // emulates them); 0 if it failed.
  std::uint64_t start_line(std::uint64_t passing);
  // The line of its next snapshot at or after `line`, waiting for it to get that far
  // (it is ahead of the player but for its first lines); a line it has not reached
  // yet where it has none so far (ask again there); 0 when there will be none (it
  // ended or failed). Snapshots before `line` are dropped: the player only moves on.
  std::uint64_t next_line(std::uint64_t line);
  // Whether its snapshot at `line` (next_line's) is this screen.
  bool same(std::uint64_t line, const Screen& screen);

  struct Result {
    std::vector<Snapshot> snapshots; // from the one at the line matched, the last at the target
    std::vector<SeenMarker> markers; // after the one matched
    std::unique_ptr<Screen> screen;  // its screen at the target, every state of it
  };
  // Waits for the second emulation to reach the target, after the player's screen
  // matched at(matched_line); nullopt if it failed.
  std::optional<Result> finish(std::uint64_t matched_line);

  // Where a forward seek in `path` to `until` ends (a byte offset at or after the
  // line of the last event at or before it), found by bisection on event times.
  static std::optional<std::uint64_t> offset_after(const std::string& path, std::uint64_t from, Micros until);

private:
  void run();
  void publish(Snapshot s);
  std::uint64_t first_line_after(std::uint64_t& offset);

  SpeculationOptions m_opts;
  std::atomic<std::uint64_t> m_start_line{0};
  std::uint64_t m_start_offset = 0;      // (set by the thread before m_start_line)
  std::atomic<std::uint64_t> m_counted{0}; // lines before this one are not the start
  std::atomic<std::uint64_t> m_progress{0}; // lines up to this one are done (their snapshots too)
  std::condition_variable m_known;       // the start line, or a failure
  std::atomic<bool> m_stop{false};
  std::mutex m_mutex;
  std::deque<Snapshot> m_snapshots;  // not yet passed by the player
  std::size_t m_snapshot_bytes = 0;  // of their paints
  std::vector<SeenMarker> m_markers; // (the thread's until it ends)
  std::unique_ptr<Screen> m_screen;  // (the same)
  bool m_done = false, m_failed = false;
  std::thread m_thread;
};

} // namespace recssh::play
