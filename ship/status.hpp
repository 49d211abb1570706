// SPDX-License-Identifier: MIT
#pragma once
// `recast ship --status`: each recording under the given roots (or named) as the
// shipped journal knows it, without asking the store: pending (not shipped, changed
// since, or not finished), shipped (its key), conflict (the suffixed key it went to)
// or failed (the last error).
#include "store/shipped.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace recssh::ship {

struct StatusLine {
  std::string path;
  std::string state;   // pending | shipped | conflict | failed
  std::string target;  // s3://BUCKET/PREFIX of the entry ("" when pending)
  std::string key;     // shipped and conflict
  std::string message; // why pending, the last error
  std::int64_t time = 0; // of the entry
};

// `target`: s3://BUCKET/PREFIX, or "" for the latest entry of any target.
void status(const std::vector<std::string>& paths, const store::ShippedJournal& journal, const std::string& target,
            std::int64_t min_age_s, const std::function<void(const StatusLine&)>& report);

} // namespace recssh::ship
