// SPDX-License-Identifier: MIT
#include "ship/status.hpp"

#include "core/errors.hpp"
#include "store/lock.hpp"
#include "store/walk.hpp"

#include <ctime>
#include <sys/stat.h>

namespace recssh::ship {
namespace {

StatusLine line_for(const std::string& path, const struct stat& st, bool recording, const store::ShippedJournal& journal,
                    const std::string& target, std::int64_t min_age_s) {
  StatusLine l;
  l.path = path;
  l.state = "pending";
  const auto id = store::identity_of(st);
  auto e = target.empty() ? journal.find_any(id) : journal.find(id, target);
  if (recording) {
    l.message = "being recorded";
  } else if (e && e->id == id) {
    l.state = store::ship_state_name(e->state);
    l.target = e->target;
    l.key = e->key;
    l.message = e->message;
    l.time = e->time;
  } else if (e) {
    l.message = "changed since it was shipped";
  } else if (static_cast<std::int64_t>(st.st_mtime) > static_cast<std::int64_t>(std::time(nullptr)) - min_age_s) {
    l.message = "written to less than " + std::to_string(min_age_s) + " s ago";
  } else {
    l.message = "not shipped yet";
  }
  return l;
}

} // namespace

void status(const std::vector<std::string>& paths, const store::ShippedJournal& journal, const std::string& target,
            std::int64_t min_age_s, const std::function<void(const StatusLine&)>& report) {
  for (const auto& p : paths) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) throw_errno("cannot read " + p);
    if (!S_ISDIR(st.st_mode)) {
      report(line_for(p, st, store::is_being_recorded(p), journal, target, min_age_s));
      continue;
    }
    auto each = [&](const store::Recording& rec) {
      // walk keeps whole seconds; the journal's identity has nanoseconds.
      struct stat fst {};
      if (::lstat(rec.path.c_str(), &fst) != 0) return; // gone meanwhile
      report(line_for(rec.path, fst, rec.state == store::State::recording, journal, target, min_age_s));
    };
    store::WalkOptions wo;
    wo.on_capture = each; // shipped too (ship.cpp)
    store::walk(p, each, wo);
  }
}

} // namespace recssh::ship
