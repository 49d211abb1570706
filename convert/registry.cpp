// SPDX-License-Identifier: MIT
#include "convert/registry.hpp"

#include "convert/ttyrec.hpp"
#include "core/format.hpp"

namespace recssh::convert {

void register_formats() {
  static bool done = false;
  if (done) return;
  done = true;
  formats().add({"ttyrec", {}, "ttyrec (ttyrec 1.0.8, termrec, ovh-ttyrec; read only)",
                 "ttyrec frames (12-byte headers)",
                 [](const Input& in) { return probe_ttyrec(in.head) || probe_ttyrec2(in.head); },
                 [](Input in, const ReadOptions& o) { return open_ttyrec(std::move(in), o); }, nullptr});
}

} // namespace recssh::convert
