// SPDX-License-Identifier: MIT
#include "play/speculation.hpp"

#include "core/errors.hpp"
#include "core/fd.hpp"
#include "core/time.hpp"
#include "play/idle_cap.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::play {

namespace {

// Snapshots waiting for the player are bounded (a player that never meets them would
// otherwise keep them all): past this, the second emulation gives up.
constexpr std::size_t k_max_waiting_bytes = std::size_t(64) << 20;

// Up to `n` bytes at `offset` (fewer at the end of the file).
std::string read_at(int fd, std::uint64_t offset, std::size_t n) {
  std::string buf(n, '\0');
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd, buf.data() + got, n - got, off_t(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += std::size_t(r);
  }
  buf.resize(got);
  return buf;
}

} // namespace

Speculation::Speculation(SpeculationOptions o) : m_opts(std::move(o)) {
  m_thread = std::thread([this] { run(); });
}

Speculation::~Speculation() {
  m_stop = true;
  if (m_thread.joinable()) m_thread.join();
}

std::optional<std::uint64_t> Speculation::offset_after(const std::string& path, std::uint64_t from, Micros until) {
  Fd fd = open_file(path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return std::nullopt;
  std::uint64_t lo = from, hi = std::uint64_t(st.st_size);
  constexpr std::size_t k_window = 64 << 10;
  // Invariant: the target's line ends at or before hi. A line that starts after lo
  // and is later than `until` moves hi to its start.
  while (hi > lo && hi - lo > k_window) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    // The first line after mid (a line may be longer than a window: a command's
    // output read in one piece by the recorder).
    std::uint64_t start = hi;
    for (std::uint64_t at = mid; at < hi; at += k_window) {
      const std::string w = read_at(fd.get(), at, k_window);
      if (w.empty()) return std::nullopt;
      if (const std::size_t nl = w.find('\n'); nl != std::string::npos) {
        start = at + nl + 1;
        break;
      }
    }
    if (start >= hi) break; // (none before hi: hi stays, up to two long lines past the target)
    const std::string head = read_at(fd.get(), start, 64);
    const std::size_t comma = head.find(',');
    if (head.empty() || head[0] != '[' || comma == std::string::npos) return std::nullopt;
    const auto t = parse_seconds(std::string_view(head).substr(1, comma - 1));
    if (!t) return std::nullopt;
    if (*t <= until) lo = start;
    else hi = start;
  }
  return hi;
}

// The first line that starts at or after `offset` (moved there), counting lines from
// the player's; 0 if there is none.
std::uint64_t Speculation::first_line_after(std::uint64_t& offset) {
  Fd fd = open_file(m_opts.path);
  std::uint64_t line = m_opts.from_line, pos = m_opts.from;
  if (pos >= offset) {
    offset = pos;
    return line;
  }
  constexpr std::size_t k_chunk = 1 << 20;
  for (;;) {
    if (m_stop) return 0;
    const std::string buf = read_at(fd.get(), pos, k_chunk);
    if (buf.empty()) return 0;
    for (const char* p = buf.data(); const char* nl = static_cast<const char*>(std::memchr(p, '\n', std::size_t(buf.data() + buf.size() - p)));
         p = nl + 1) {
      ++line;
      const std::uint64_t next = pos + std::uint64_t(nl + 1 - buf.data());
      if (next >= offset) {
        offset = next;
        return next < m_opts.to ? line : 0;
      }
    }
    pos += buf.size();
    m_counted = line + 1; // (the line under way may still be the one)
  }
}

void Speculation::publish(Snapshot s) {
  std::lock_guard lock(m_mutex);
  m_snapshot_bytes += s.paint.size();
  m_snapshots.push_back(std::move(s));
  if (m_snapshot_bytes > k_max_waiting_bytes) {
    m_failed = true;
    m_stop = true;
  }
}

void Speculation::run() {
  try {
    // A little past halfway: this side also reads the lines up to its start first, and
    // the player is a little faster per byte (measured on bench/play.sh's profile).
    std::uint64_t offset = m_opts.from + (m_opts.to - m_opts.from) / 20 * 11;
    const std::uint64_t line = first_line_after(offset);
    if (line <= 1) throw Error("no line to start at");
    {
      std::lock_guard lock(m_mutex);
      m_start_offset = offset;
      m_start_line = line;
    }
    m_known.notify_all();
    Diagnostics quiet; // (the player reads the same lines, and warns of them once, rightly numbered)
    quiet.on_warning = [](const std::string&, const std::string&) {};
    SourceOptions so;
    so.path = m_opts.path;
    so.offset = offset;
    so.line = line;
    so.diag = &quiet;
    Source src(std::move(so));
    m_screen = std::make_unique<Screen>(m_opts.size);
    Screen& screen = *m_screen;
    Event e;
    bool first = true;
    Micros raw{0}, play{0};
    // The first snapshots come sooner (the earlier they meet the player's screen, the
    // less it emulates), then one every interval.
    std::uint64_t events = 0, out = 0, next = std::min<std::uint64_t>(m_opts.interval, 64 << 10), last_line = 0,
                  snapped = 0;
    auto snapshot = [&] {
      publish(Snapshot{last_line, events, raw, play, out, 0, screen.size(), screen.paint(), screen.unpainted()});
      snapped = last_line;
    };
    while (!m_stop && src.next(e) && e.time <= m_opts.until) {
      // Everything up to the last line is done, its snapshot too (the one at the
      // target is published at the end, before m_done).
      m_progress.store(last_line, std::memory_order_release);
      // As Player::apply, counted after the first event.
      if (!first) {
        play += idle_capped(e.time - raw, m_opts.idle_limit);
        ++events;
      }
      raw = e.time;
      if (e.code == m_opts.stream) {
        screen.feed(e.data);
        if (!first) out += e.data.size();
      } else if (e.is(code::resize)) {
        if (auto s = parse_size(e.data)) screen.resize(*s);
      } else if (e.is(code::marker) && !first) {
        m_markers.push_back(SeenMarker{events, e.time, e.data});
      }
      last_line = src.line();
      if (first && last_line != line) throw Error("the first event read is not on the line started at");
      first = false;
      if (out >= next) {
        snapshot();
        next = out + std::min(m_opts.interval, std::max<std::uint64_t>(out, 64 << 10));
      }
    }
    if (!m_stop && !first && last_line != snapped) snapshot(); // at the target
  } catch (const std::exception&) {
    // (the player reads the same lines itself, and says what is wrong with them)
    std::lock_guard lock(m_mutex);
    m_failed = true;
  }
  {
    std::lock_guard lock(m_mutex);
    m_done = true;
  }
  m_known.notify_all();
}

std::uint64_t Speculation::start_line(std::uint64_t passing) {
  std::unique_lock lock(m_mutex);
  for (;;) {
    if (m_failed) return 0;
    if (const std::uint64_t s = m_start_line.load()) return s;
    if (m_done) return 0;
    if (const std::uint64_t c = m_counted.load(); c > passing) return c;
    m_known.wait_for(lock, std::chrono::milliseconds(1)); // (m_counted moves without a notice)
  }
}

std::uint64_t Speculation::next_line(std::uint64_t line) {
  std::unique_lock lock(m_mutex);
  while (m_progress.load(std::memory_order_acquire) < line && !m_done)
    m_known.wait_for(lock, std::chrono::milliseconds(1)); // (progress moves without a notice)
  while (!m_snapshots.empty() && m_snapshots.front().line < line) {
    m_snapshot_bytes -= m_snapshots.front().paint.size();
    m_snapshots.pop_front();
  }
  if (!m_snapshots.empty()) return m_snapshots.front().line;
  if (m_failed || m_done) return 0;
  return m_progress.load(std::memory_order_acquire) + 1;
}

bool Speculation::same(std::uint64_t line, const Screen& screen) {
  const Snapshot* s = nullptr;
  {
    std::lock_guard lock(m_mutex);
    if (m_snapshots.empty() || m_snapshots.front().line != line) return false;
    s = &m_snapshots.front(); // (the thread only appends: it stays where it is)
  }
  // Equal paints, and equal state that paints leave out: what follows draws alike.
  if (!s->unpainted || s->size != screen.size()) return false;
  const auto unpainted = screen.unpainted();
  return unpainted == s->unpainted && s->paint == screen.paint();
}

std::optional<Speculation::Result> Speculation::finish(std::uint64_t matched_line) {
  if (m_thread.joinable()) m_thread.join();
  if (m_failed || !m_screen || m_snapshots.empty() || m_snapshots.front().line != matched_line) return std::nullopt;
  Result r;
  const std::uint64_t matched_events = m_snapshots.front().events;
  r.snapshots.assign(std::make_move_iterator(m_snapshots.begin()), std::make_move_iterator(m_snapshots.end()));
  m_snapshots.clear();
  m_snapshot_bytes = 0;
  // Where each snapshot's next line starts, for the player's restart (and the index).
  std::vector<std::uint64_t> lines;
  for (const Snapshot& s : r.snapshots) lines.push_back(s.line);
  try {
    const std::vector<std::uint64_t> offsets =
        offsets_after_lines(m_opts.path, m_start_offset, m_start_line.load(), lines);
    for (std::size_t i = 0; i < r.snapshots.size(); ++i) r.snapshots[i].offset = offsets[i];
  } catch (const std::exception&) {
    return std::nullopt; // (the file went away under it: the player goes on alone)
  }
  r.screen = std::move(m_screen);
  for (SeenMarker& m : m_markers)
    if (m.events > matched_events) r.markers.push_back(std::move(m));
  return r;
}

} // namespace recssh::play
