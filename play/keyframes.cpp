// SPDX-License-Identifier: MIT
#include "play/keyframes.hpp"

#include <algorithm>

namespace recssh::play {

void KeyframeSet::add(Keyframe k) {
  if (!m_frames.empty() && k.consumed <= m_frames.back().consumed) return;
  m_bytes += k.paint.size();
  m_frames.push_back(std::move(k));
  while (m_frames.size() > 2 && (m_frames.size() > m_max || m_bytes > m_max_bytes)) {
    std::vector<Keyframe> kept;
    kept.reserve(m_frames.size() / 2 + 1);
    m_bytes = 0;
    for (std::size_t i = 0; i < m_frames.size(); i += 2) {
      m_bytes += m_frames[i].paint.size();
      kept.push_back(std::move(m_frames[i]));
    }
    m_frames = std::move(kept);
    m_interval *= 2;
  }
}

const Keyframe* KeyframeSet::at_or_before(std::uint64_t consumed) const {
  auto it = std::upper_bound(m_frames.begin(), m_frames.end(), consumed,
                             [](std::uint64_t c, const Keyframe& k) { return c < k.consumed; });
  return it == m_frames.begin() ? nullptr : &*std::prev(it);
}

const Keyframe* KeyframeSet::before_time(Micros t) const {
  auto it = std::upper_bound(m_frames.begin(), m_frames.end(), t,
                             [](Micros x, const Keyframe& k) { return x < k.time; });
  return it == m_frames.begin() ? nullptr : &*std::prev(it);
}

} // namespace recssh::play
