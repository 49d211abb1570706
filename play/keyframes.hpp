// SPDX-License-Identifier: MIT
#pragma once
// Snapshots of the emulated screen taken every few MiB of output, so that a jump back
// replays from the nearest one instead of from the start; and the markers seen.
#include "core/event.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace recssh::play {

// The state of playback after `consumed` events: enough to continue from there.
struct Keyframe {
  std::uint64_t consumed = 0;  // events read before this point
  Micros time{0};              // the recording time of the last of them
  Micros play{0};              // the same with idle time capped
  std::uint64_t out_bytes = 0; // output emulated up to here
  std::uint64_t line = 0;      // the source line of the last event (0: unknown)
  std::uint64_t offset = 0;    // the byte offset of the line after it (0: unknown)
  TermSize size;
  std::string paint;           // Screen::paint() of the screen then
};

struct Marker {
  std::uint64_t consumed = 0; // events read up to and including the marker
  Micros time{0};
  std::string label;
};

// Keyframes in order of `consumed`, at least `interval` bytes of output apart, at most
// `max` of them holding at most `max_bytes` of paint: when full, every second one goes
// and the interval doubles, so memory stays bounded on any size of recording while
// the snapshots stay spread over it.
class KeyframeSet {
public:
  KeyframeSet(std::uint64_t interval, std::size_t max, std::size_t max_bytes = std::size_t(16) << 20)
      : m_interval(interval), m_max(max < 2 ? 2 : max), m_max_bytes(max_bytes) {}
  // Whether a snapshot at out_bytes is due (cheap; called after every event).
  bool due(std::uint64_t out_bytes) const {
    return out_bytes >= (m_frames.empty() ? 0 : m_frames.back().out_bytes) + m_interval;
  }
  void add(Keyframe k);
  // The last keyframe at or before `consumed` events, nullptr if none.
  const Keyframe* at_or_before(std::uint64_t consumed) const;
  // The last keyframe whose time is at or before `t`, nullptr if none.
  const Keyframe* before_time(Micros t) const;
  const std::vector<Keyframe>& frames() const { return m_frames; }
  std::vector<Keyframe>& frames() { return m_frames; }
  std::uint64_t interval() const { return m_interval; }
  void set_interval(std::uint64_t i) { m_interval = i; }
  std::size_t max() const { return m_max; }

private:
  std::uint64_t m_interval;
  std::size_t m_max;
  std::size_t m_max_bytes;
  std::size_t m_bytes = 0; // of the paints kept
  std::vector<Keyframe> m_frames;
};

} // namespace recssh::play
