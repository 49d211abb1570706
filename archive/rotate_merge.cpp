// SPDX-License-Identifier: MIT
// Rotation's daily merge: each finished day's recordings per user and target into
// one daily cast, journaled (rotate_journal.hpp) so that a kill at any point is
// completed or rolled back by the next run.
#include "archive/compare.hpp"
#include "archive/merge.hpp"
#include "archive/rotate_journal.hpp"
#include "archive/rotation.hpp"
#include "core/fd.hpp"
#include "core/io.hpp"
#include "core/names.hpp"
#include "store/layout.hpp"
#include "store/metadata.hpp"

#include <algorithm>
#include <fcntl.h>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::archive {

// Killed before the rename: the inputs are intact; drop the staged output. Killed
// after it: the merged file holds everything; finish removing the inputs.
void Rotation::recover_journal() {
  std::optional<MergeJournal> j;
  try {
    j = read_journal(journal());
  } catch (const Error&) {
    failure(journal() + ": unreadable journal; left in place for inspection");
    throw;
  }
  if (!j) return;
  ++m_report.recovered;
  struct stat st {};
  if (::lstat(j->staging.c_str(), &st) == 0) {
    say("recover: roll back merge into " + j->final_path + " (remove " + j->staging + ")");
    if (!m_p.dry_run) remove_file(j->staging);
  } else {
    for (const auto& p : j->inputs) {
      if (p == j->final_path || ::lstat(p.c_str(), &st) != 0) continue;
      say("recover: remove merged input " + p + " (in " + j->final_path + ")");
      if (!m_p.dry_run) remove_file(p);
    }
    if (!m_p.dry_run) sync_directory(dir_of(j->final_path));
  }
  if (!m_p.dry_run) remove_file(journal());
}

void Rotation::merge_daily() {
  const std::string today = store::day_name(m_now);
  // day directory -> (user, target) -> files
  std::map<std::pair<std::string, std::pair<std::string, std::string>>, std::vector<std::string>> groups;
  for (const auto& f : m_files) {
    std::string day = base_of(dir_of(f.path));
    if (!store::parse_day_name(day) || day >= today) continue; // only finished days
    try {
      auto meta = store::read_metadata(f.path);
      std::pair<std::string, std::string> owner;
      if (meta) owner = {meta->user, meta->target};
      groups[{dir_of(f.path), owner}].push_back(f.path);
    } catch (const Error& e) {
      failure(f.path + ": not merged: " + e.what());
    }
  }
  std::set<std::string> consumed;
  std::vector<Rec> merged; // the daily files, for the compress step of this same run
  for (auto& [key, paths] : groups) {
    const auto& [dir, owner] = key;
    std::string final_path = dir + "/daily-" + sanitize_name(owner.first, 64, "unknown") + "-" +
                             sanitize_name(owner.second, 64, "unknown") + ".cast";
    bool has_new = std::any_of(paths.begin(), paths.end(), [&](const std::string& p) { return p != final_path; });
    if (paths.size() < 2 || !has_new) continue;
    try {
      std::int64_t newest = merge_group(final_path, paths);
      ++m_report.merged_groups;
      m_report.merged_inputs += paths.size();
      consumed.insert(paths.begin(), paths.end());
      if (!m_p.dry_run) merged.push_back({final_path, newest, false});
    } catch (const Error& e) {
      failure("merge into " + final_path + " failed, inputs untouched: " + e.what());
    }
  }
  // What was merged is gone; the daily files take its place (with its age).
  std::vector<Rec> keep;
  for (auto& f : m_files)
    if (!consumed.count(f.path)) keep.push_back(f);
  keep.insert(keep.end(), merged.begin(), merged.end());
  m_files.swap(keep);
}

// Returns the newest input's mtime, which the merged file gets.
std::int64_t Rotation::merge_group(const std::string& final_path, const std::vector<std::string>& paths) {
  say("merge " + std::to_string(paths.size()) + " recordings into " + final_path);
  if (m_p.dry_run) return 0;
  std::string staging = dir_of(final_path) + "/." + base_of(final_path) + ".staging.cast";
  auto inputs = collect_inputs(paths, nullptr);
  MergeOptions mo;
  mo.allow_overlap = true; // two terminals to one host: placed one after the other
  mo.overwrite = true;
  mo.gap = GapPolicy::parse("cap:2");
  auto result = merge_casts(inputs, staging, mo);
  for (const auto& o : result.overlaps) m_log("note: " + final_path + ": overlap placed after: " + o);
  MergeJournal j{final_path, staging, {}};
  std::int64_t newest = 0;
  for (const auto& in : inputs) {
    j.inputs.push_back(in.path);
    struct stat st {};
    if (::stat(in.path.c_str(), &st) == 0) newest = std::max<std::int64_t>(newest, st.st_mtime);
  }
  verify_merged(staging, j.inputs); // before anything is removed
  {
    Fd s(::open(staging.c_str(), O_RDONLY | O_CLOEXEC));
    set_mtime(s.get(), newest); // age counts from the newest session, not from now
  }
  crash_point("merge-staged");
  write_journal(journal(), j);
  crash_point("merge-journaled");
  if (::rename(staging.c_str(), final_path.c_str()) != 0)
    throw Error("cannot rename " + staging + ": " + errno_message());
  sync_directory(dir_of(final_path));
  crash_point("merge-renamed");
  bool first = true;
  for (const auto& p : j.inputs) {
    if (p == final_path) continue;
    remove_file(p);
    if (first) crash_point("merge-removed-one");
    first = false;
  }
  sync_directory(dir_of(final_path));
  remove_file(journal());
  return newest;
}

} // namespace recssh::archive
