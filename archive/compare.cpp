// SPDX-License-Identifier: MIT
#include "archive/compare.hpp"

#include "archive/join.hpp"
#include "core/format.hpp"

namespace recssh::archive {

void verify_same_events(const std::string& original, const std::string& copy) {
  auto a = open_reader(original, "", ReadOptions{});
  auto b = open_reader(copy, "", ReadOptions{});
  if (a->header().size != b->header().size || a->header().timestamp != b->header().timestamp)
    throw Error(copy + ": header differs from " + original);
  Event ea, eb;
  for (std::uint64_t n = 1;; ++n) {
    bool ha = a->next(ea), hb = b->next(eb);
    if (!ha && !hb) return;
    if (ha != hb) throw Error(copy + ": has " + (ha ? "fewer" : "more") + " events than " + original);
    if (ea != eb) throw Error(copy + ": event " + std::to_string(n) + " differs from " + original);
  }
}

void verify_merged(const std::string& merged, const std::vector<std::string>& inputs) {
  auto out = open_reader(merged, "", ReadOptions{});
  Event eo;
  bool have = out->next(eo);
  for (const auto& path : inputs) {
    auto in = open_reader(path, "", ReadOptions{});
    std::string where = merged + " (segment of " + path + ")";
    if (!have || !eo.is(code::marker) || eo.data.rfind("recssh: join: ", 0) != 0)
      throw Error(where + ": no join marker");
    have = out->next(eo);
    if (have && eo.is(code::resize)) have = out->next(eo);
    if (have && eo.is(code::output) && eo.data == k_session_reset) have = out->next(eo);
    Event ei;
    std::optional<Micros> shift;
    for (std::uint64_t n = 1; in->next(ei); ++n) {
      if (!have) throw Error(where + ": ends before event " + std::to_string(n));
      if (eo.code != ei.code || eo.data != ei.data)
        throw Error(where + ": event " + std::to_string(n) + " differs");
      if (!shift) shift = eo.time - ei.time;
      if (eo.time - ei.time != *shift) throw Error(where + ": event " + std::to_string(n) + " is out of place");
      have = out->next(eo);
    }
  }
  if (have) throw Error(merged + ": has events beyond its inputs");
}

} // namespace recssh::archive
