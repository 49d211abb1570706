// SPDX-License-Identifier: MIT
// libFuzzer target for the legacy-format readers of convert/ (ttyrec so far): open,
// read every event, write v2. Any input may be rejected with recssh::Error; nothing
// may crash, hang or leak, and every event must be writable.
#include "convert/ttyrec.hpp"
#include "core/cast_writer.hpp"
#include "core/io.hpp"

#include "fuzz/null_sink.hpp"

#include <cstdint>
#include <string>

using fuzz::NullSink;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  recssh::Diagnostics quiet;
  quiet.on_warning = [](const std::string&, const std::string&) {};
  try {
    auto reader = recssh::convert::open_ttyrec(recssh::memory_input("fuzz.ttyrec", bytes, &quiet),
                                               recssh::ReadOptions{false, &quiet});
    NullSink sink;
    recssh::CastV2Writer writer(sink);
    recssh::copy_events(*reader, writer);
  } catch (const recssh::Error&) {
  }
  return 0;
}
