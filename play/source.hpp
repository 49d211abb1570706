// SPDX-License-Identifier: MIT
#pragma once
// Where the player's events come from: any format recast reads (the registry: .gz,
// stdin, legacy logs), restartable from the start or from a keyframe (a byte offset
// in a plain asciicast v2/v3 file, else by skipping events without emulating them),
// and, with follow, a recording still being written read like `tail -f` until its
// recorder lets go of the lock.
#include "core/event_reader.hpp"
#include "core/fd.hpp"
#include "play/keyframes.hpp"

#include <functional>
#include <memory>
#include <string>

namespace recssh::play {

struct SourceOptions {
  std::string path; // "-": stdin
  std::string from; // format name; empty: detected
  bool follow = false;
  // Called about ten times a second while a followed file has nothing new; may
  // throw to stop (the player's quit key).
  std::function<void()> on_follow_wait;
  Diagnostics* diag = nullptr;
  // Start at this byte offset (the start of line `line`, 2 or more, of a plain
  // asciicast v2 file) instead of the first event: the header, then the file from there.
  std::uint64_t offset = 0, line = 0;
};

class Source {
public:
  explicit Source(SourceOptions o);
  ~Source();
  const Header& header() const { return m_reader->header(); }
  // The next event; false at the end.
  bool next(Event& e);
  std::uint64_t consumed() const { return m_consumed; }
  // The source line of the last event (0 when the format has no lines).
  std::uint64_t line() const;
  // Whether the input can be read again (not stdin, not followed).
  bool restartable() const { return m_opts.path != "-" && !m_opts.follow; }
  // Whether keyframes can keep byte offsets (a plain asciicast v2/v3 file).
  bool offsets() const { return m_offsets; }
  // A plain asciicast v2 file: its times are absolute (its duration is in its tail).
  bool plain_v2() const { return m_offsets && m_version == 2; }
  void restart();
  // Continues after the keyframe's events: from its byte offset when there is one,
  // else by reading (not emulating) the events before it.
  void restart_at(const Keyframe& k);
  // True while a followed recording had nothing new at the last read.
  bool at_live_edge() const { return m_live_edge; }
  // Byte offsets of the lines after each of `lines` (ascending), by counting lines.
  std::vector<std::uint64_t> offsets_after_lines(const std::vector<std::uint64_t>& lines) const;

private:
  void open_from(std::uint64_t offset, Micros shift);
  SourceOptions m_opts;
  std::unique_ptr<EventReader> m_reader;
  std::uint64_t m_consumed = 0;
  std::uint64_t m_line_base = 0; // lines before the reader's first (reading from an offset)
  Micros m_shift{0};             // added to times (v3 intervals read from an offset)
  bool m_offsets = false;
  int m_version = 0;
  bool m_live_edge = false;
};

// The file at `path`, opened to read (Error naming it if it cannot be).
Fd open_file(const std::string& path);

// The same for the file at `path`, counting from byte `offset`, where line `line` starts.
std::vector<std::uint64_t> offsets_after_lines(const std::string& path, std::uint64_t offset, std::uint64_t line,
                                               const std::vector<std::uint64_t>& lines);

} // namespace recssh::play
