// SPDX-License-Identifier: MIT
#pragma once
// The player: events scheduled against a clock (speed, idle cap, pause, step,
// markers, loop), seeking that shows the right screen (emulate without drawing, then
// paint), keyframes and their index, keys, --safe. It draws and waits only through
// PlayerIo, so tests drive it with a manual clock and scripted keys.
#include "play/index.hpp"
#include "play/keyframes.hpp"
#include "play/keys.hpp"
#include "play/safe_filter.hpp"
#include "play/screen.hpp"
#include "play/source.hpp"
#include "play/speculation.hpp"
#include "play/time_spec.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace recssh::play {

struct PlayOptions {
  std::string path;                 // "-": stdin
  std::string from;                 // format; empty: detected
  double speed = 1.0;               // > 0
  bool no_wait = false;             // write everything at once
  std::optional<Micros> idle_limit; // gaps longer than this are shortened to it
  bool loop = false;
  bool pause_on_markers = false;
  bool safe = false;
  bool follow = false;
  bool interactive = false;         // keys, the screen cleared first, status line
  std::string stream = "o";         // the output events to play: "o", or "e" (exec stderr)
  std::optional<TimeSpec> at, until;
  std::optional<std::string> at_marker; // a number (1 = first) or text in a label
  std::uint64_t keyframe_bytes = std::uint64_t(4) << 20;
  std::size_t max_keyframes = 1024;     // and at most 16 MiB of them (KeyframeSet)
  // A seek forward over more than this many bytes of a plain v2 file also emulates
  // its second half on another CPU, where it may use two (play/speculation.hpp); 0: never.
  std::uint64_t speculate_bytes = std::uint64_t(32) << 20;
  std::string index_dir;            // empty: no index
  int viewer_rows = 0;              // for the status line; 0: the recording's
  std::optional<TermSize> viewer;   // the viewer's terminal, when playing to one
  Diagnostics* diag = nullptr;
};

// What the player needs of the world.
class PlayerIo {
public:
  virtual ~PlayerIo() = default;
  // A monotonic clock.
  virtual Micros now() = 0;
  // Waits until `deadline` (forever when nullopt) or a key: Key::none at the deadline.
  virtual Key wait(std::optional<Micros> deadline) = 0;
  // Bytes for the viewer's terminal.
  virtual void write(std::string_view bytes) = 0;
  virtual void flush() {}
  // A message for the user outside the played screen (stderr).
  virtual void notice(const std::string& message) = 0;
  // Ctrl-Z: give the terminal back and stop until continued.
  virtual void suspend() {}
  // The viewer's terminal size now (after Key::resized), or nullopt: not a terminal.
  virtual std::optional<TermSize> viewer_size() { return std::nullopt; }
  // The recording sets tab stops of its own (once): the viewer's are to be put back
  // at the end (every 8 columns). A recording that never does leaves them alone.
  virtual void tab_stops_touched() {}
};

// Thrown out of a followed source's wait to stop playing.
struct QuitRequested {};

class Player {
public:
  Player(PlayOptions options, PlayerIo& io);
  ~Player();
  Player(const Player&) = delete;
  Player& operator=(const Player&) = delete;
  // Plays to the end (or --until, or q); returns when done. Throws Error.
  void run();

  // For tests and the benchmark: where playback is, and the emulated screen.
  Micros position() const { return m_raw; }
  const Screen& screen() const { return *m_screen; }
  const KeyframeSet& keyframes() const { return m_keyframes; }
  bool paused() const { return m_paused; }
  double speed() const { return m_speed; }
  // The recording's duration (reads the file once if the index does not know it).
  Micros duration();
  // Seeks as --at does and paints the screen there.
  void seek_to_time(Micros t);
  bool index_loaded() const { return m_index_loaded; }
  // The line where the last seek's second emulation met the player's (0: none did).
  std::uint64_t speculation_met() const { return m_speculation_met; }

private:
  void open();
  void load_index();
  void save_index();
  bool fetch();
  Micros play_time_of(const Event& e) const;
  void apply(const Event& e, bool draw);
  void note_tab_stops();
  void maybe_keyframe();
  // From the keyframe (its paint, or `screen` when given: the screen there) or the start.
  void restart_from(const Keyframe* k, std::unique_ptr<Screen> screen = nullptr);
  void forward_while(const std::function<bool(const Event&)>& take);
  void forward_speculating(Micros t, std::uint64_t from, std::uint64_t from_line);
  void adopt(Speculation::Result r, const Keyframe& base);
  void seek_to_event(std::uint64_t consumed);
  void seek_to_marker(const std::string& which);
  bool at_end();
  void seek_marker(int direction);
  void paint();
  std::string screen_paint();
  void anchor(Micros play);
  Micros current_play();
  Micros current_raw();
  bool handle(Key k);
  void show_status();
  void hide_overlay();
  void overlay_line(const std::string& line);
  void out(std::string_view bytes);
  void start_position();
  void check_viewer_size();

  PlayOptions m_opts;
  PlayerIo& m_io;
  std::unique_ptr<Source> m_src;
  std::unique_ptr<Screen> m_screen;
  bool m_tabs_touched = false; // the viewer was (or may have been) shown other tab stops
  SafeFilter m_filter;
  KeyframeSet m_keyframes;
  std::vector<Marker> m_markers;
  std::optional<Micros> m_duration;
  std::optional<FileIdentity> m_identity;
  std::string m_index_file;
  bool m_index_loaded = false;
  bool m_index_dirty = false;

  Event m_ev;          // read, not yet applied
  bool m_have_ev = false;
  bool m_ended = false;
  Micros m_raw{0};     // recording time of the last applied event
  Micros m_play{0};    // the same, idle time capped
  std::uint64_t m_out_bytes = 0;
  std::string m_scratch;

  double m_speed = 1.0;
  bool m_paused = false;
  Micros m_anchor_wall{0}, m_anchor_play{0}, m_paused_play{0};
  Micros m_last_poll{0};
  bool m_status = false;      // the status line is shown
  bool m_overlay = false;     // something (status, help) covers the recorded screen
  bool m_help = false;        // the help line is shown, until the next key
  std::string m_marker_label; // the last marker passed
  bool m_quit = false;
  bool m_seek_live_edge = false; // --follow --at end: paint once the live edge is reached
  bool m_viewer_small = false;   // the viewer's terminal is smaller than the recording (said once)
  std::string m_note;            // that, on the last row until the next key
  std::uint64_t m_speculation_met = 0;
};

} // namespace recssh::play
