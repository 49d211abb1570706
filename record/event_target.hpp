// SPDX-License-Identifier: MIT
#pragma once
// Where the recorder's stages hand events on: coalescer -> input mask -> cast file.
#include "core/event.hpp"

namespace recssh::record {

class EventTarget {
public:
  virtual ~EventTarget() = default;
  virtual void emit(Event&& e) = 0;
};

} // namespace recssh::record
