// SPDX-License-Identifier: MIT
// Rotation's daily merge: each finished day's recordings per owner and target into
// one daily cast, journaled (rotate_journal.hpp) so that a kill at any point is
// completed or rolled back by the next run.
//
// Who a recording belongs to is its file's owner: a user can write any header, but
// not another owner onto a file. A header's "user" is believed only in rotate's own
// (or root's) files in such directories (a single-user archive, or root recording for
// everyone); a file of ours in someone else's directory is that owner's (rotate put
// it there: an earlier daily file). Files of two owners never go into one daily file,
// which is named after, and given to, the owner.
#include "archive/compare.hpp"
#include "archive/merge.hpp"
#include "archive/rotate_journal.hpp"
#include "archive/rotation.hpp"
#include "core/fd.hpp"
#include "core/io.hpp"
#include "core/names.hpp"
#include "store/layout.hpp"
#include "store/metadata.hpp"
#include "store/seal.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <pwd.h>
#include <sys/stat.h>
#include <tuple>
#include <unistd.h>

namespace recssh::archive {
namespace {

// Private names for files this run opened and checked, for merge's path-based
// readers: a fresh 0700 directory (mkdtemp) of symlinks NAME -> /proc/self/fd/N. A
// reader that opens VIEW/NAME gets exactly the checked inode, whatever the user does
// to NAME meanwhile, and merge's join markers still name the input NAME.
// It lives in rotate's state directory (PREFIX is where, and its name's start); one
// left by a killed run is removed by the next (remove_stale_views).
class InputView {
public:
  explicit InputView(const std::string& prefix) : m_dir(prefix + "XXXXXX") {
    if (!::mkdtemp(m_dir.data())) throw Error("cannot create a private directory " + m_dir + ": " + errno_message());
  }
  ~InputView() {
    for (const auto& n : m_names) ::unlink((m_dir + "/" + n).c_str());
    ::rmdir(m_dir.c_str());
  }
  InputView(const InputView&) = delete;
  InputView& operator=(const InputView&) = delete;

  std::string add(const std::string& name, Fd fd) {
    std::string link = m_dir + "/" + name;
    if (::symlink(store::fd_path(fd.get()).c_str(), link.c_str()) != 0)
      throw Error("cannot create " + link + ": " + errno_message());
    m_names.push_back(name);
    m_fds.push_back(std::move(fd));
    return link;
  }
  const std::string& dir() const { return m_dir; }

private:
  std::string m_dir;
  std::vector<std::string> m_names;
  std::vector<Fd> m_fds;
};

std::string user_name(uid_t uid) {
  if (passwd* pw = ::getpwuid(uid)) return pw->pw_name;
  return std::to_string(uid);
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; !from.empty() && (at = s.find(from, at)) != std::string::npos; at += to.size())
    s.replace(at, from.size(), to);
  return s;
}

} // namespace

void Rotation::remove_stale_views() {
  const std::string start = base_of(view_prefix());
  Fd state(::open(m_state_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  DIR* d = state.valid() ? ::fdopendir(::dup(state.get())) : nullptr;
  if (!d) return;
  std::vector<std::string> views;
  while (dirent* e = ::readdir(d))
    if (std::string_view(e->d_name).starts_with(start)) views.emplace_back(e->d_name);
  ::closedir(d);
  for (const auto& v : views) {
    auto st = store::stat_entry(state.get(), v);
    if (!st || !S_ISDIR(st->st_mode) || st->st_uid != m_euid) continue;
    Fd view(::openat(state.get(), v.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!view.valid()) continue;
    std::vector<std::string> links;
    if (DIR* vd = ::fdopendir(::dup(view.get()))) {
      while (dirent* e = ::readdir(vd))
        if (std::string_view n = e->d_name; n != "." && n != "..") links.emplace_back(n);
      ::closedir(vd);
    }
    for (const auto& l : links) ::unlinkat(view.get(), l.c_str(), 0);
    ::unlinkat(state.get(), v.c_str(), AT_REMOVEDIR);
  }
}

// Killed before the rename: the inputs are intact; drop the staged output. Killed
// after it: the merged file holds everything; finish removing the inputs, each only
// if its name still leads to the inode that was merged. A journal that is not ours
// or breaks a rule (rotate_journal.hpp) is never acted on, and no merge runs while
// it is there.
void Rotation::recover_journal() {
  std::optional<MergeJournal> j;
  try {
    j = read_journal(journal());
  } catch (const Error& e) {
    m_journal_pending = true;
    failure(e.what());
    return;
  }
  if (!j) return;
  const std::string shown = shown_dir(j->dir);
  Fd dir;
  try {
    dir = open_dir(j->dir);
  } catch (const Error& e) {
    m_journal_pending = true;
    failure(journal() + ": " + e.what() + "; the journal is left for inspection");
    return;
  }
  ++m_report.recovered;
  if (store::stat_entry(dir.get(), j->staging)) {
    say("recover: roll back merge into " + shown + "/" + j->final_name + " (remove " + shown + "/" + j->staging + ")");
    if (!m_p.dry_run && ::unlinkat(dir.get(), j->staging.c_str(), 0) != 0 && errno != ENOENT)
      throw Error("cannot remove " + shown + "/" + j->staging + ": " + errno_message());
  } else if (!store::stat_entry(dir.get(), j->final_name)) {
    // Neither the staged nor the merged file: removing the inputs would lose them.
    m_journal_pending = true;
    --m_report.recovered;
    failure(journal() + ": neither " + j->staging + " nor " + j->final_name + " is in " + shown +
            "; nothing recovered, the journal is left for inspection");
    return;
  } else {
    for (const auto& in : j->inputs) {
      if (in.name == j->final_name) continue;
      auto st = store::stat_entry(dir.get(), in.name);
      if (!st || store::id_of(*st) != in.id) continue; // gone already, or not the file that was merged
      say("recover: remove merged input " + shown + "/" + in.name + " (in " + j->final_name + ")");
      if (!m_p.dry_run) store::remove_if_same(dir.get(), in.name, in.id, shown + "/" + in.name);
    }
    if (!m_p.dry_run) ::fsync(dir.get());
  }
  if (!m_p.dry_run && ::unlink(journal().c_str()) != 0 && errno != ENOENT)
    throw Error("cannot remove " + journal() + ": " + errno_message());
}

void Rotation::merge_daily() {
  if (m_journal_pending) {
    failure("no daily merge while " + journal() + " is unresolved");
    return;
  }
  const std::string today = store::day_name(m_now);
  // (day directory, owner, user, target) -> files
  std::map<std::tuple<std::string, uid_t, std::string, std::string>, std::vector<const Rec*>> groups;
  std::string open_rel;
  Fd dir;
  for (const auto& f : m_files) {
    if (f.rel_dir.empty()) continue;
    std::string day = base_of(f.rel_dir);
    if (!store::parse_day_name(day) || day >= today) continue; // only finished days
    try {
      if (!dir.valid() || open_rel != f.rel_dir) {
        dir = open_dir(f.rel_dir);
        open_rel = f.rel_dir;
      }
      Fd file = store::open_if_same(dir.get(), f.name, f.id, f.path);
      auto meta = store::read_metadata(store::fd_path(file.get()));
      std::string user = !trusted(f.owner) ? user_name(f.owner) : meta ? meta->user : "";
      groups[{f.rel_dir, f.owner, user, meta ? meta->target : ""}].push_back(&f);
    } catch (const Error& e) {
      dir.close();
      failure(f.path + ": not merged: " + e.what());
    }
  }
  std::map<std::pair<std::string, std::string>, uid_t> claimed; // (dir, daily name) -> owner
  std::set<std::string> consumed;
  std::vector<Rec> merged; // the daily files, for the compress step of this same run
  for (auto& [key, files] : groups) {
    const auto& [rel_dir, owner, user, target] = key;
    std::string final_name =
        "daily-" + sanitize_name(user, 64, "unknown") + "-" + sanitize_name(target, 64, "unknown") + ".cast";
    std::string final_path = shown_dir(rel_dir) + "/" + final_name;
    auto [it, fresh] = claimed.emplace(std::pair{rel_dir, final_name}, owner);
    if (!fresh && it->second != owner) {
      failure(final_path + ": not merged: it would hold the files of two owners (" + user_name(it->second) + " and " +
              user_name(owner) + ")");
      continue;
    }
    bool has_new = std::any_of(files.begin(), files.end(), [&](const Rec* r) { return r->name != final_name; });
    if (files.size() < 2 || !has_new) continue;
    if (has_manifest(rel_dir)) { // sealed days are final: the next day's manifest chains to this one
      failure(final_path + ": not merged: " + shown_dir(rel_dir) + " has a day manifest (" + k_manifest_name +
              "), so its recordings stay as they were sealed");
      continue;
    }
    try {
      Rec daily = merge_group(rel_dir, final_name, files, owner);
      ++m_report.merged_groups;
      m_report.merged_inputs += files.size();
      for (const Rec* r : files) consumed.insert(r->path);
      if (!m_p.dry_run) merged.push_back(daily);
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

// Returns the daily file, which has the newest input's mtime.
Rotation::Rec Rotation::merge_group(const std::string& rel_dir, const std::string& final_name,
                                    const std::vector<const Rec*>& files, uid_t owner) {
  const std::string shown = shown_dir(rel_dir);
  say("merge " + std::to_string(files.size()) + " recordings into " + shown + "/" + final_name);
  if (m_p.dry_run) return {};
  Fd dir = open_dir(rel_dir);
  const std::string staging = "." + final_name + ".staging.cast";
  InputView view(view_prefix());
  try {
    std::vector<std::string> paths;
    std::vector<store::SealSource> sealed; // what the daily file's seal will list
    MergeJournal j{rel_dir, final_name, staging, {}};
    std::int64_t newest = 0;
    for (const Rec* f : files) {
      Fd fd = store::open_if_same(dir.get(), f->name, f->id, f->path);
      if (m_p.seal)
        for (auto& s : merge_sources(dir, *f)) sealed.push_back(std::move(s));
      struct stat st {};
      if (::fstat(fd.get(), &st) == 0) newest = std::max<std::int64_t>(newest, st.st_mtime);
      paths.push_back(view.add(f->name, std::move(fd)));
      j.inputs.push_back({f->name, f->id});
    }
    auto inputs = collect_inputs(paths, nullptr);
    MergeOptions mo;
    mo.allow_overlap = true; // two terminals to one host: placed one after the other
    mo.overwrite = true;
    mo.gap = GapPolicy::parse("cap:2");
    auto result = merge_casts(inputs, at(dir, staging), mo);
    for (const auto& o : result.overlaps) m_log("note: " + shown + "/" + final_name + ": overlap placed after: " + o);
    // Before anything is removed; in the merge's order (by start time), not the scan's.
    std::vector<std::string> in_order;
    for (const auto& in : inputs) in_order.push_back(in.path);
    verify_merged(at(dir, staging), in_order);
    Rec daily{shown + "/" + final_name, rel_dir, final_name, newest, false, owner, 0, {}, owner};
    {
      Fd s(::openat(dir.get(), staging.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
      struct stat st {};
      if (!s.valid() || ::fstat(s.get(), &st) != 0) throw Error("cannot open " + staging + ": " + errno_message());
      set_mtime(s.get(), newest); // age counts from the newest session, not from now
      // The owner's recordings make the owner's daily file: ownership is identity for
      // the next run (and the owner could read every input anyway).
      if (owner != st.st_uid) {
        passwd* pw = ::getpwuid(owner);
        gid_t gid = pw ? pw->pw_gid : files.front()->gid;
        if (::fchown(s.get(), owner, gid) != 0) throw Error("cannot give " + staging + " to its owner: " + errno_message());
        st.st_gid = gid;
      }
      daily.id = store::id_of(st);
      daily.uid = owner;
      daily.gid = st.st_gid;
    }
    crash_point("merge-staged");
    write_journal(journal(), j);
    crash_point("merge-journaled");
    if (::renameat(dir.get(), staging.c_str(), dir.get(), final_name.c_str()) != 0)
      throw Error("cannot rename " + staging + " to " + final_name + ": " + errno_message());
    ::fsync(dir.get());
    crash_point("merge-renamed");
    if (m_p.seal) { // before any input goes: its seal lists the inputs' (checked above)
      say("seal " + shown + "/" + final_name + " (merged from " + std::to_string(sealed.size()) + " sealed recordings)");
      SealOptions so;
      so.every_lines = m_p.seal_every_lines;
      so.key = m_p.seal_key;
      so.overwrite = true; // an earlier daily file is an input: its seal was checked and is listed
      so.sources = sealed;
      seal_file(at(dir, final_name), so);
    }
    bool first = true;
    for (const auto& in : j.inputs) {
      if (in.name == final_name) continue;
      if (!store::remove_if_same(dir.get(), in.name, in.id, shown + "/" + in.name))
        m_log("note: " + shown + "/" + in.name + " changed since it was merged; left alone");
      else
        store::remove_seals_of(dir.get(), in.name, owner); // merged away: its seal proves nothing now
      if (first) crash_point("merge-removed-one");
      first = false;
    }
    ::fsync(dir.get());
    if (::unlink(journal().c_str()) != 0) throw Error("cannot remove " + journal() + ": " + errno_message());
    return daily;
  } catch (const Error& e) {
    // Name the files as the admin knows them, not by this run's private paths.
    std::string what = replace_all(e.what(), store::fd_path(dir.get()), shown);
    throw Error(replace_all(what, view.dir(), shown));
  }
}

} // namespace recssh::archive
