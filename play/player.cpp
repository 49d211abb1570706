// SPDX-License-Identifier: MIT
// The player's loop. Three positions are kept apart: the recording time of the last
// event applied (m_raw: what --at, ±5 s and the status line speak of), the same time
// with idle gaps capped (m_play: what the clock schedules), and the wall clock, tied
// to m_play by an anchor taken at every start, seek, pause and speed change.
//
// The emulated screen always holds what the viewer's terminal shows (every event that
// is written is also fed to it), so a seek forward emulates from here, a seek back
// from the nearest keyframe, and either ends with one paint of the screen.
#include "play/player.hpp"

#include "core/cast_tail.hpp"
#include "core/cpus.hpp"
#include "core/printable.hpp"
#include "play/cell_width.hpp"
#include "play/idle_cap.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace recssh::play {

namespace {
constexpr Micros k_poll_every{20'000};

constexpr Micros k_step{5'000'000};
} // namespace

Player::Player(PlayOptions options, PlayerIo& io)
    : m_opts(std::move(options)), m_io(io), m_keyframes(m_opts.keyframe_bytes, m_opts.max_keyframes),
      m_speed(m_opts.speed) {}

Player::~Player() = default;

void Player::open() {
  SourceOptions so;
  so.path = m_opts.path;
  so.from = m_opts.from;
  so.follow = m_opts.follow;
  so.diag = m_opts.diag;
  so.on_follow_wait = [this] {
    if (m_seek_live_edge) {
      // Everything written so far is on the screen: show it, then play live.
      m_seek_live_edge = false;
      paint();
      anchor(m_play);
    }
    m_io.flush();
    Key k = m_io.wait(m_io.now() + Micros(100'000));
    if (k == Key::quit) throw QuitRequested{};
    if (k == Key::status || k == Key::help || k == Key::redraw || k == Key::resized) handle(k);
  };
  m_src = std::make_unique<Source>(std::move(so));
  const Header& h = m_src->header();
  m_screen = std::make_unique<Screen>(h.size);
  check_viewer_size();
  if (!m_opts.idle_limit && h.idle_time_limit && *h.idle_time_limit > 0)
    m_opts.idle_limit = Micros(std::llround(*h.idle_time_limit * 1e6));
  load_index();
}

// Said once when playing starts on a smaller terminal, and again each time a resize
// makes it smaller after it fitted.
void Player::check_viewer_size() {
  const TermSize rec = m_screen->size();
  const bool small = m_opts.viewer && (m_opts.viewer->cols < rec.cols || m_opts.viewer->rows < rec.rows);
  if (small && !m_viewer_small) {
    const std::string note = "this terminal (" + format_size(*m_opts.viewer) + ") is smaller than the recording (" +
                             format_size(rec) + "): lines will wrap and scroll; make the window larger to see it as recorded";
    m_io.notice(note);
    // (stderr is under the played screen, which is cleared next: on the last row too,
    // until the next key)
    if (m_opts.interactive)
      m_note = " this terminal (" + format_size(*m_opts.viewer) + ") is smaller than the recording (" +
               format_size(rec) + "): make it larger";
  }
  if (!small) m_note.clear();
  m_viewer_small = small;
}

void Player::load_index() {
  if (m_opts.index_dir.empty() || m_opts.path == "-" || m_opts.follow) return;
  m_identity = identify(m_opts.path);
  if (!m_identity) return;
  m_index_file = index_path(m_opts.index_dir, m_opts.path, m_opts.stream, m_opts.from);
  IndexState state = IndexState::missing;
  std::optional<Index> ix = play::load_index(m_index_file, *m_identity, state);
  if (state == IndexState::stale)
    m_io.notice("the index of " + printable(m_opts.path) + " is stale (the file changed): building it again");
  if (state == IndexState::older)
    m_io.notice("the index of " + printable(m_opts.path) + " was made by an earlier recast: building it again");
  if (!ix) return;
  m_index_loaded = true;
  m_duration = ix->duration;
  m_markers = std::move(ix->markers);
  m_keyframes.set_interval(std::max(ix->interval, m_opts.keyframe_bytes));
  for (Keyframe& k : ix->keyframes) {
    if (!m_src->offsets()) k.offset = 0;
    m_keyframes.add(std::move(k));
  }
}

void Player::save_index() {
  if (m_index_file.empty() || !m_identity || !m_index_dirty) return;
  try {
    Index ix;
    ix.file = *m_identity;
    ix.interval = m_keyframes.interval();
    ix.duration = m_duration;
    ix.keyframes = m_keyframes.frames();
    if (m_src->offsets()) {
      std::vector<std::uint64_t> lines;
      for (const Keyframe& k : ix.keyframes)
        if (k.offset == 0 && k.line > 0) lines.push_back(k.line);
      std::vector<std::uint64_t> offsets = m_src->offsets_after_lines(lines);
      std::size_t i = 0;
      for (Keyframe& k : ix.keyframes)
        if (k.offset == 0 && k.line > 0) k.offset = offsets[i++];
    }
    ix.markers = m_markers;
    play::save_index(m_index_file, ix);
  } catch (const Error& e) {
    m_io.notice(std::string("index not saved: ") + e.what());
  }
}

bool Player::fetch() {
  if (m_have_ev) return true;
  if (m_ended) return false;
  if (m_src->next(m_ev)) {
    m_have_ev = true;
    return true;
  }
  m_ended = true;
  if (!m_duration && !m_opts.follow) {
    m_duration = m_raw;
    m_index_dirty = true;
  }
  return false;
}

Micros Player::play_time_of(const Event& e) const {
  return m_play + idle_capped(e.time - m_raw, m_opts.idle_limit);
}

void Player::apply(const Event& e, bool draw) {
  m_play = play_time_of(e);
  m_raw = e.time;
  m_have_ev = false;
  if (e.code == m_opts.stream) {
    if (draw) {
      if (m_opts.safe) {
        m_scratch.clear();
        m_filter.filter(e.data, m_scratch);
        out(m_scratch);
      } else {
        out(e.data);
      }
    }
    m_screen->feed(e.data);
    m_out_bytes += e.data.size();
    if (draw) note_tab_stops(); // (drawn raw: the viewer has the recording's stops)
  } else if (e.is(code::resize)) {
    if (auto s = parse_size(e.data)) m_screen->resize(*s);
  } else if (e.is(code::marker)) {
    std::uint64_t n = m_src->consumed();
    auto it = std::lower_bound(m_markers.begin(), m_markers.end(), n,
                               [](const Marker& m, std::uint64_t c) { return m.consumed < c; });
    if (it == m_markers.end() || it->consumed != n) {
      m_markers.insert(it, Marker{n, e.time, e.data});
      m_index_dirty = true;
    }
    m_marker_label = e.data;
  }
  maybe_keyframe();
}

void Player::maybe_keyframe() {
  if (!m_src->restartable() || !m_keyframes.due(m_out_bytes)) return;
  Keyframe k;
  k.consumed = m_src->consumed();
  k.time = m_raw;
  k.play = m_play;
  k.out_bytes = m_out_bytes;
  k.line = m_src->offsets() ? m_src->line() : 0;
  k.size = m_screen->size();
  k.paint = m_screen->paint();
  m_keyframes.add(std::move(k));
  m_index_dirty = true;
}

void Player::restart_from(const Keyframe* k, std::unique_ptr<Screen> screen) {
  if (k) {
    m_src->restart_at(*k);
    if (screen) {
      m_screen = std::move(screen); // (its screen itself, exact where a paint may not be)
    } else {
      m_screen = std::make_unique<Screen>(k->size);
      m_screen->feed(k->paint);
    }
    m_raw = k->time;
    m_play = k->play;
    m_out_bytes = k->out_bytes;
  } else {
    m_src->restart();
    m_screen = std::make_unique<Screen>(m_src->header().size);
    m_raw = m_play = Micros(0);
    m_out_bytes = 0;
  }
  m_have_ev = false;
  m_ended = false;
  m_filter = SafeFilter{};
}

void Player::forward_while(const std::function<bool(const Event&)>& take) {
  while (fetch() && take(m_ev)) apply(m_ev, false);
}

void Player::forward_speculating(Micros t, std::uint64_t from, std::uint64_t from_line) {
  if (m_opts.speculate_bytes == 0 || !m_src->plain_v2() || !m_src->restartable() || usable_cpus() < 2) return;
  std::optional<Speculation> spec;
  try {
    const std::optional<std::uint64_t> to = Speculation::offset_after(m_opts.path, from, t);
    if (!to || *to < from + m_opts.speculate_bytes) return;
    SpeculationOptions so;
    so.path = m_opts.path;
    so.stream = m_opts.stream;
    so.size = m_src->header().size;
    so.idle_limit = m_opts.idle_limit;
    so.interval = m_keyframes.interval();
    so.from = from;
    so.from_line = from_line;
    so.to = *to;
    so.until = t;
    spec.emplace(std::move(so));
  } catch (const std::exception&) {
    return; // (no thread, or the file went away: the player alone, as on one CPU)
  }
  std::optional<Keyframe> base; // the player's counts after the second emulation's first event
  // Where to look next, and the lines passed so far that held no event (blank lines):
  // the player's line is asked of the reader only where it may be that one.
  std::uint64_t want = 0, skipped = 0;
  while (fetch() && m_ev.time <= t) {
    apply(m_ev, false);
    if (want != 0 && m_src->consumed() + 1 + skipped < want) continue;
    const std::uint64_t line = m_src->line();
    if (line < m_src->consumed() + 1) return; // (lines not one event each: not for this)
    skipped = line - m_src->consumed() - 1;
    if (!base) {
      const std::uint64_t start = spec->start_line(line);
      if (start == 0 || line > start) return; // (it failed: alone from here)
      want = start;
      if (line < start) continue;
      base = Keyframe{m_src->consumed(), m_raw, m_play, m_out_bytes, line, 0, {}, {}};
      want = line + 1;
      continue;
    }
    if (line < want) continue;
    want = spec->next_line(line);
    if (want == 0) return;
    if (want != line || !spec->same(line, *m_screen)) continue;
    if (auto r = spec->finish(line)) {
      m_speculation_met = line;
      adopt(std::move(*r), *base);
    }
    return;
  }
}

// The second emulation's snapshots after the one that met the player's screen, as the
// player's own keyframes (its counts added), and its screen at the target.
void Player::adopt(Speculation::Result r, const Keyframe& base) {
  if (r.snapshots.size() < 2) return; // (met at the target: the player's screen is there)
  Keyframe last;
  std::uint64_t kept = r.snapshots.front().out_bytes;
  for (std::size_t i = 1; i < r.snapshots.size(); ++i) {
    Snapshot& s = r.snapshots[i];
    Keyframe k;
    k.consumed = base.consumed + s.events;
    k.time = s.time;
    k.play = base.play + s.play;
    k.out_bytes = base.out_bytes + s.out_bytes;
    k.line = s.line;
    k.offset = s.offset;
    k.size = s.size;
    k.paint = std::move(s.paint);
    // (its first snapshots are closer together than keyframes need to be)
    if (i + 1 == r.snapshots.size()) last = k;
    if (s.out_bytes >= kept + m_keyframes.interval()) {
      kept = s.out_bytes;
      m_keyframes.add(std::move(k));
    }
  }
  for (SeenMarker& m : r.markers) {
    const std::uint64_t n = base.consumed + m.events;
    auto it = std::lower_bound(m_markers.begin(), m_markers.end(), n,
                               [](const Marker& x, std::uint64_t c) { return x.consumed < c; });
    if (it == m_markers.end() || it->consumed != n) m_markers.insert(it, Marker{n, m.time, m.label});
    m_marker_label = std::move(m.label);
  }
  m_index_dirty = true;
  restart_from(&last, std::move(r.screen));
}

Micros Player::duration() {
  if (m_duration) return *m_duration;
  if (!m_src->restartable())
    throw UsageError("a position in % or `end` needs the duration, which stdin and --follow do not have yet");
  // A plain v2 cast says it in its last line; anything else takes one pass that only
  // reads. The index keeps the result.
  if (m_src->plain_v2())
    if (auto last = last_event_time(m_opts.path)) {
      m_duration = *last;
      m_index_dirty = true;
      return *last;
    }
  SourceOptions so;
  so.path = m_opts.path;
  so.from = m_opts.from;
  so.diag = m_opts.diag;
  Source scan(std::move(so));
  Event e;
  Micros last{0};
  while (scan.next(e)) last = e.time;
  m_duration = last;
  m_index_dirty = true;
  return last;
}

void Player::seek_to_time(Micros t) {
  std::uint64_t applied = m_src->consumed() - (m_have_ev ? 1 : 0);
  const Keyframe* k = m_keyframes.before_time(t);
  bool restarted = false;
  if (t < m_raw) {
    if (!m_src->restartable()) {
      m_io.notice("can't jump back in " + printable(m_opts.path) + ": it is read only once");
      return;
    }
    restart_from(k);
    restarted = true;
  } else if (k && k->consumed > applied) {
    restart_from(k);
    restarted = true;
  }
  // Where the file's next line starts is known at its start and after a keyframe
  // that has its offset: from there, a long way forward is emulated on two cores.
  m_speculation_met = 0;
  if (m_src->consumed() == 0 && !m_have_ev) forward_speculating(t, 0, 1);
  else if (restarted && k && k->offset > 0 && k->line > 1) forward_speculating(t, k->offset, k->line + 1);
  forward_while([t](const Event& e) { return e.time <= t; });
  m_filter = SafeFilter{};
  paint();
  // Playback continues from t itself, not from the event before it.
  anchor(m_play + idle_capped(t - m_raw, m_opts.idle_limit));
}

void Player::seek_to_event(std::uint64_t n) {
  std::uint64_t applied = m_src->consumed() - (m_have_ev ? 1 : 0);
  const Keyframe* k = m_keyframes.at_or_before(n);
  if (n < applied) {
    if (!m_src->restartable()) {
      m_io.notice("can't jump back in " + printable(m_opts.path) + ": it is read only once");
      return;
    }
    restart_from(k);
  } else if (k && k->consumed > applied) {
    restart_from(k);
  }
  forward_while([this, n](const Event&) { return m_src->consumed() <= n; });
  m_filter = SafeFilter{};
  paint();
  anchor(m_play);
}

void Player::seek_to_marker(const std::string& which) {
  bool by_number = !which.empty() && which.size() < 10 &&
                   std::all_of(which.begin(), which.end(), [](char c) { return c >= '0' && c <= '9'; });
  std::uint64_t number = by_number ? std::stoull(which) : 0;
  if (by_number && number == 0) throw UsageError("--at-marker counts from 1");
  auto matches = [&](std::size_t ordinal, const std::string& label) {
    return by_number ? ordinal == number : label.find(which) != std::string::npos;
  };
  // Markers the index knows are reached through its keyframes.
  for (std::size_t i = 0; i < m_markers.size(); ++i)
    if (matches(i + 1, m_markers[i].label) && (by_number ? m_index_loaded : true)) {
      seek_to_event(m_markers[i].consumed);
      return;
    }
  if (m_src->consumed() > 0) restart_from(nullptr);
  std::size_t seen = 0;
  bool found = false;
  forward_while([&](const Event& e) {
    if (!e.is(code::marker)) return true;
    if (matches(++seen, e.data)) found = true;
    return !found;
  });
  if (!found) throw Error("no marker " + (by_number ? which : "with \"" + printable(which) + "\"") + " in " + printable(m_opts.path));
  apply(m_ev, false);
  m_filter = SafeFilter{};
  paint();
  anchor(m_play);
}

void Player::seek_marker(int direction) {
  if (direction > 0) {
    forward_while([](const Event& e) { return !e.is(code::marker); });
    if (fetch()) apply(m_ev, false);
    m_filter = SafeFilter{};
    paint();
    anchor(m_play);
  } else {
    std::uint64_t applied = m_src->consumed() - (m_have_ev ? 1 : 0);
    const Marker* target = nullptr;
    for (const Marker& m : m_markers)
      if (m.consumed < applied) target = &m;
    if (!target) {
      seek_to_time(Micros(0));
    } else {
      m_marker_label = target->label;
      seek_to_event(target->consumed);
    }
  }
  if (!m_paused) handle(Key::pause);
}

// Once the recording has set tab stops, the viewer's are not its own any more: the
// player's io is told once (it resets them on leaving).
void Player::note_tab_stops() {
  if (m_tabs_touched || !m_screen->tabs_touched()) return;
  m_tabs_touched = true;
  m_io.tab_stops_touched();
}

// The screen's paint for the viewer: once the recording has set tab stops of its own,
// every paint sets them (also back to every 8 columns after a jump back).
std::string Player::screen_paint() {
  note_tab_stops();
  return m_screen->paint(m_opts.safe ? Screen::Title::drop : Screen::Title::keep,
                         m_tabs_touched ? Screen::Tabs::always : Screen::Tabs::if_set);
}

void Player::paint() {
  out(screen_paint());
  m_overlay = false;
  if (m_status) show_status();
  else if (!m_note.empty()) overlay_line(m_note);
}

void Player::anchor(Micros play) {
  m_anchor_wall = m_io.now();
  m_anchor_play = play;
  m_paused_play = play;
}

Micros Player::current_play() {
  if (m_paused) return m_paused_play;
  return m_anchor_play + Micros(std::llround(double((m_io.now() - m_anchor_wall).count()) * m_speed));
}

Micros Player::current_raw() {
  Micros p = current_play();
  Micros t = m_raw + std::max(Micros(0), p - m_play);
  if (m_have_ev && t > m_ev.time) t = m_ev.time;
  return t;
}

void Player::out(std::string_view bytes) {
  if (!bytes.empty()) m_io.write(bytes);
}

namespace {
// As much of `line` as `cols` cells hold: a line that wrapped would scroll the screen.
std::string fit_width(const std::string& line, int cols) {
  int used = 0;
  for (std::size_t i = 0; i < line.size();) {
    char32_t cp = 0;
    std::size_t len = decode_utf8(line, i, cp);
    used += len ? std::max(cell_width(cp), 1) : 1;
    len = std::max<std::size_t>(len, 1);
    if (used > cols) return line.substr(0, i);
    i += len;
  }
  return line;
}
} // namespace

void Player::show_status() {
  // The duration costs one reading pass the first time (the index keeps it).
  if (!m_duration && m_src->restartable()) duration();
  char speed[32];
  std::snprintf(speed, sizeof speed, "%gx", m_speed);
  std::string line = " " + format_clock(current_raw()) + " / " + (m_duration ? format_clock(*m_duration) : "?") +
                     "  " + speed + (m_paused ? "  paused" : "");
  if (!m_marker_label.empty()) line += "  marker: " + printable(m_marker_label);
  if (!m_note.empty()) line = m_note;                // until the next key
  if (m_help) line = " " + std::string(key_help()); // the same
  overlay_line(line);
}

void Player::overlay_line(const std::string& line) {
  // Saved and restored around it (DECSC/DECRC), so the recording's cursor and pen stay.
  int rows = m_opts.viewer_rows > 0 ? m_opts.viewer_rows : m_screen->size().rows;
  int cols = m_opts.viewer ? m_opts.viewer->cols : m_screen->size().cols;
  out("\x1b" "7\x1b[" + std::to_string(rows) + ";1H\x1b[0;7m" + fit_width(line, cols - 1) + "\x1b[K\x1b[0m\x1b" "8");
  m_overlay = true;
}

void Player::hide_overlay() {
  out(screen_paint());
  m_overlay = false;
}

bool Player::handle(Key k) {
  if (k != Key::none && k != Key::help && m_help) {
    m_help = false;
    if (!m_status) hide_overlay();
  }
  if (k != Key::none && k != Key::resized && !m_note.empty()) {
    m_note.clear();
    if (!m_status && !m_help) hide_overlay();
  }
  switch (k) {
  case Key::none: return false;
  case Key::quit: m_quit = true; break;
  case Key::pause:
    if (m_paused) {
      m_paused = false;
      anchor(m_paused_play);
    } else {
      m_paused_play = current_play();
      m_paused = true;
    }
    break;
  case Key::step:
    if (!m_paused) break;
    // Everything up to and including the next output event.
    while (fetch()) {
      bool output = m_ev.code == m_opts.stream;
      apply(m_ev, true);
      if (output) break;
    }
    anchor(m_play);
    break;
  case Key::next_marker: seek_marker(+1); break;
  case Key::prev_marker: seek_marker(-1); break;
  case Key::forward: seek_to_time(current_raw() + k_step); break;
  case Key::back: seek_to_time(std::max(Micros(0), current_raw() - k_step)); break;
  case Key::forward_pct:
  case Key::back_pct: {
    if (!m_src->restartable() && !m_duration) {
      m_io.notice("no duration to take 10% of: the input is read only once");
      break;
    }
    Micros tenth = duration() / 10;
    Micros now = current_raw();
    seek_to_time(k == Key::forward_pct ? now + tenth : std::max(Micros(0), now - tenth));
    break;
  }
  case Key::faster:
  case Key::slower: {
    Micros p = current_play();
    m_speed = k == Key::faster ? std::min(m_speed * 2, 64.0) : std::max(m_speed / 2, 1.0 / 64);
    anchor(p);
    break;
  }
  case Key::help:
    m_help = true;
    overlay_line(" " + std::string(key_help()));
    return true;
  case Key::status:
    m_status = !m_status;
    if (!m_status) hide_overlay();
    break;
  case Key::suspend: {
    Micros p = current_play();
    m_io.suspend();
    paint();
    anchor(p);
    return true;
  }
  case Key::redraw: paint(); return true;
  case Key::resized:
    // The terminal may have reflowed or cut what it showed: draw it all again, and
    // the status line on the new last row.
    if (auto size = m_io.viewer_size()) {
      m_opts.viewer = size;
      m_opts.viewer_rows = size->rows;
      check_viewer_size();
    }
    paint();
    return true;
  }
  if (m_status) show_status();
  return true;
}

void Player::start_position() {
  if (m_opts.at_marker) {
    seek_to_marker(*m_opts.at_marker);
  } else if (m_opts.at && m_opts.follow && m_opts.at->kind == TimeSpec::Kind::end) {
    m_seek_live_edge = true;
    forward_while([this](const Event&) { return m_seek_live_edge; });
    if (m_seek_live_edge) {
      m_seek_live_edge = false;
      paint();
      anchor(m_play);
    }
  } else if (m_opts.at) {
    Micros t = m_opts.at->resolve(m_opts.at->needs_duration() ? duration() : Micros(0));
    seek_to_time(t);
  } else {
    if (m_opts.interactive) out("\x1b[0m\x1b[H\x1b[2J");
    if (!m_note.empty()) overlay_line(m_note);
    anchor(m_play);
  }
}

bool Player::at_end() {
  if (m_opts.loop && m_src->restartable() && !m_quit) {
    restart_from(nullptr);
    if (m_opts.interactive || !m_opts.at) out("\x1b[0m\x1b[H\x1b[2J");
    start_position();
    return false;
  }
  return true;
}

void Player::run() {
  open();
  try {
    start_position();
    std::optional<Micros> until;
    if (m_opts.until) until = m_opts.until->resolve(m_opts.until->needs_duration() ? duration() : Micros(0));
    while (!m_quit) {
      if (!fetch() || (until && m_ev.time > *until)) {
        if (m_paused && m_opts.interactive) {
          // Paused at the end (a jump there): the viewer looks until they go on.
          if (m_status && m_overlay) show_status();
          m_io.flush();
          handle(m_io.wait(std::nullopt));
          continue;
        }
        if (at_end()) break;
        continue;
      }
      if (!m_opts.no_wait) {
        Micros now = m_io.now();
        Micros due = play_time_of(m_ev);
        Micros wall = m_anchor_wall + Micros(std::llround(double((due - m_anchor_play).count()) / m_speed));
        if (m_paused || wall > now) {
          if (m_status && m_overlay) show_status();
          m_io.flush();
          handle(m_io.wait(m_paused ? std::nullopt : std::optional<Micros>(wall)));
          continue;
        }
        if (m_opts.interactive && now - m_last_poll >= k_poll_every) {
          // Output that never lets the clock wait still lets keys in.
          m_last_poll = now;
          m_io.flush();
          if (handle(m_io.wait(now))) continue;
        }
      }
      bool marker = m_ev.is(code::marker);
      apply(m_ev, true);
      if (marker && m_opts.pause_on_markers && !m_paused) handle(Key::pause);
    }
  } catch (const QuitRequested&) {
  }
  // The recording's screen is left as it was, without the status or help line.
  if (m_overlay) hide_overlay();
  m_io.flush();
  save_index();
}

} // namespace recssh::play
