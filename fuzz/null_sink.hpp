// SPDX-License-Identifier: MIT
#pragma once
// A sink that only counts: the fuzz targets write every event they read, to exercise
// the writers, and need none of the bytes.
#include "core/io.hpp"

namespace fuzz {

class NullSink final : public recssh::ByteSink {
public:
  void write(const char*, std::size_t n) override { bytes += n; }
  std::size_t bytes = 0;
};

} // namespace fuzz
