// SPDX-License-Identifier: MIT
#include "record/nesting.hpp"

#include <cstdlib>

namespace recssh::record {

namespace {
constexpr const char* k_session = "RECSSH_SESSION";
constexpr const char* k_unrecorded = "RECSSH_UNRECORDED_SSH";

bool set(const char* name) {
  const char* v = std::getenv(name);
  return v && *v;
}
} // namespace

Nesting nesting() {
  if (set(k_unrecorded)) return Nesting::loop;
  return set(k_session) ? Nesting::inside_session : Nesting::none;
}

std::string enclosing_session() {
  const char* v = std::getenv(k_session);
  return v ? v : "";
}

void mark_unrecorded_ssh() { ::setenv(k_unrecorded, "1", 1); }

} // namespace recssh::record
