// SPDX-License-Identifier: MIT
#include "convert/batch.hpp"

#include "core/format.hpp"

#include <algorithm>
#include <boost/filesystem.hpp>
#include <cerrno>
#include <fcntl.h>
#include <map>
#include <set>
#include <sys/stat.h>

namespace fs = boost::filesystem;

namespace recssh::convert {
namespace {

// One thing to convert: its primary path (what `recast convert` is given), the
// other files it reads, and where its output goes.
struct Unit {
  std::string input;                // file or directory
  std::vector<std::string> inputs;  // a group: the log and its rotated copies
  std::string output;               // file, or directory for a group
  const FormatInfo* format = nullptr;
  std::uint64_t bytes = 0;
};

// What a file of the tree is, by the formats' probes (FormatInfo::tree).
struct Probed {
  enum class Role { none, lead, alone, group, error } role = Role::none;
  const FormatInfo* format = nullptr;
  std::string error;
};

std::string strip_known_ext(std::string rel) {
  for (const char* ext : {".gz", ".typescript", ".timing", ".ttyrec", ".json", ".log", ".out", ".tm", ".script"}) {
    std::string e = ext;
    if (rel.size() > e.size() && rel.compare(rel.size() - e.size(), e.size(), e) == 0) rel.resize(rel.size() - e.size());
  }
  return rel;
}

std::uint64_t size_of(const fs::path& p) {
  boost::system::error_code ec;
  if (fs::is_directory(p, ec)) {
    std::uint64_t n = 0;
    for (const auto& e : fs::directory_iterator(p, ec))
      if (fs::is_regular_file(e.status(ec))) n += fs::file_size(e.path(), ec);
    return n;
  }
  auto n = fs::file_size(p, ec);
  return ec ? 0 : n;
}

// Leads first (a timing file claims its logs before they are seen alone), then the
// formats whose files group, then every other probe in registry order, then the
// probes that only count when nothing else matched.
Probed probe_file(const fs::path& f) {
  auto has_rules = [](const FormatInfo& fmt) { return fmt.tree.lead_probe || fmt.tree.late_probe || fmt.tree.group; };
  try {
    Input in = open_input(f.string());
    const auto& all = formats().all();
    for (const auto& fmt : all)
      if (fmt.tree.lead_probe && fmt.tree.lead_probe(in)) return {Probed::Role::lead, &fmt, {}};
    for (const auto& fmt : all)
      if (fmt.tree.group && fmt.probe && fmt.probe(in)) return {Probed::Role::group, &fmt, {}};
    for (const auto& fmt : all)
      if (!has_rules(fmt) && fmt.probe && fmt.probe(in)) return {Probed::Role::alone, &fmt, {}};
    for (const auto& fmt : all)
      if (fmt.tree.late_probe && fmt.tree.late_probe(in)) return {Probed::Role::alone, &fmt, {}};
  } catch (const Error& e) {
    return {Probed::Role::error, nullptr, e.what()};
  }
  return {};
}

// The directories of `rel` under `base`, made one component at a time from held
// directory fds: a symlink among them (planted, or left from an earlier tree) is
// refused rather than followed, so nothing is written or created outside `base`.
void make_dirs_beneath(const fs::path& base, const fs::path& rel) {
  Fd dir(::open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) throw_errno("cannot open " + base.string());
  fs::path at = base;
  for (const auto& part : rel) {
    const std::string& name = part.string();
    if (name == "." || name.empty()) continue;
    at /= part;
    if (name == "..") throw Error(at.string() + ": a '..' in an output path");
    if (::mkdirat(dir.get(), name.c_str(), 0777) != 0 && errno != EEXIST) throw_errno("cannot create " + at.string());
    Fd next(::openat(dir.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next.valid()) {
      if (errno == ELOOP || errno == ENOTDIR)
        throw Error(at.string() + " is not a directory (a symbolic link?): refusing to write through it");
      throw_errno("cannot open " + at.string());
    }
    dir = std::move(next);
  }
}

// `path` lexically under `base`, with no '..' that could lead out of it.
bool lexically_beneath(const fs::path& path, const fs::path& base) {
  const fs::path rel = path.lexically_relative(base);
  if (rel.empty() || rel.is_absolute()) return false;
  for (const auto& part : rel)
    if (part == "..") return false;
  return true;
}

bool is_symlink(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

} // namespace

TreeScan find_sources(const std::string& root_dir, bool verbose, const std::function<bool(const std::string&)>& exclude) {
  TreeScan scan;
  boost::system::error_code ec;
  if (!fs::is_directory(root_dir, ec)) throw Error(root_dir + ": not a directory");
  const fs::path root = fs::path(root_dir);
  const fs::path abs_root = fs::absolute(root).lexically_normal();
  auto skip = [&](const fs::path& p, std::string why) {
    ++scan.skipped;
    scan.skips.emplace_back(p.string(), std::move(why));
  };
  // 1. The files and recording directories (sorted: the same tree, the same order).
  std::vector<fs::path> files;
  std::vector<std::pair<fs::path, const FormatInfo*>> dirs;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const fs::path& p = it->path();
    if (exclude && exclude(fs::absolute(p).string())) {
      it.disable_recursion_pending();
      continue;
    }
    // A link is never followed: it could lead out of the tree, and an output made
    // from it out of the output directory (the recursion does not follow links to
    // directories either).
    if (fs::is_symlink(it->symlink_status(ec))) {
      skip(p, "a symbolic link: not followed in a tree");
      continue;
    }
    if (fs::is_directory(it->status(ec))) {
      if (const FormatInfo* f = formats().find_dir(p.string())) {
        dirs.emplace_back(p, f);
        it.disable_recursion_pending();
      }
    } else if (fs::is_regular_file(it->status(ec))) {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  std::sort(dirs.begin(), dirs.end());
  std::set<std::string> used; // files already claimed by a lead
  std::map<std::pair<std::string, std::string>, TreeSource> groups; // (group path, format)
  Diagnostics quiet; // each reader reports its own problems
  quiet.on_warning = [](const std::string&, const std::string&) {};
  // Lexical, not fs::relative (which resolves links): the name in the tree is the
  // name of the output. A path outside the tree (a timing file naming /etc/x as its
  // log) gives '..', refused at conversion.
  auto rel_of = [&](const fs::path& p) { return fs::absolute(p).lexically_normal().lexically_relative(abs_root).string(); };
  for (const auto& [d, f] : dirs) {
    // A recording directory's files are read by name: a link among them is not
    // followed either (a sudo log's timing pointing at someone's file).
    bool linked = false;
    for (const auto& e : fs::directory_iterator(d, ec))
      linked = linked || fs::is_symlink(e.symlink_status(ec));
    if (linked) {
      skip(d, "holds a symbolic link: not followed in a tree");
      continue;
    }
    scan.sources.push_back({d.string(), {}, f, rel_of(d) + ".cast", size_of(d), d.string()});
  }
  std::vector<std::pair<fs::path, Probed>> probed;
  for (const auto& f : files) probed.emplace_back(f, probe_file(f));
  for (const auto& [f, what] : probed) {
    if (what.role != Probed::Role::lead) continue;
    TreeRules::Companions c = what.format->tree.companions(f.string(), quiet);
    for (const auto& claimed : c.claimed) used.insert(fs::absolute(claimed).string());
    if (std::any_of(c.claimed.begin(), c.claimed.end(), [](const std::string& p) { return is_symlink(p); })) {
      skip(f, "a companion file is a symbolic link: not followed in a tree");
      continue;
    }
    const std::string& named = c.named_after;
    std::string name = named.empty() ? rel_of(f) : rel_of(fs::path(named));
    scan.sources.push_back({f.string(), {}, what.format, strip_known_ext(name) + ".cast",
                            size_of(f) + (named.empty() ? 0 : size_of(named)), named.empty() ? f.string() : named});
  }
  for (const auto& [f, what] : probed) {
    if (what.role == Probed::Role::lead || used.count(fs::absolute(f).string())) continue;
    if (what.role == Probed::Role::none || what.role == Probed::Role::error || what.format->cast_version) {
      ++scan.ignored;
      if (verbose)
        scan.skips.emplace_back(f.string(), what.role == Probed::Role::none    ? "not a recording recast reads"
                                            : what.role == Probed::Role::error ? what.error
                                                                               : "already asciicast");
      continue;
    }
    if (what.role == Probed::Role::group) {
      std::string base = what.format->tree.group(f.string());
      TreeSource& u = groups[{base, what.format->name}];
      if (u.input.empty()) u = {base, {}, what.format, rel_of(fs::path(base)) + what.format->tree.group_suffix, 0, base};
      u.inputs.push_back(f.string());
      u.bytes += size_of(f);
      continue;
    }
    scan.sources.push_back({f.string(), {}, what.format, strip_known_ext(rel_of(f)) + ".cast", size_of(f), f.string()});
  }
  for (auto& [key, u] : groups) scan.sources.push_back(std::move(u));
  return scan;
}

BatchSummary convert_tree(const BatchOptions& o) {
  BatchSummary summary;
  boost::system::error_code ec;
  if (!fs::is_directory(o.root, ec)) throw Error(o.root + ": not a directory");
  std::string out_dir = o.out_dir;
  while (out_dir.size() > 1 && out_dir.back() == '/') out_dir.pop_back();
  const fs::path out_root = fs::absolute(fs::path(out_dir)).lexically_normal();
  // 1. Find the recordings, never our own output.
  TreeScan scan = find_sources(o.root, o.verbose, [&](const std::string& p) {
    return p == out_root.string() || p.rfind(out_root.string() + "/", 0) == 0;
  });
  summary.skipped = scan.skipped;
  summary.ignored = scan.ignored;
  summary.skips = std::move(scan.skips);
  // (Named NAME.cast in the scan; other writers' outputs take their own ending.)
  const std::string& ext = formats().writer(o.job.to).extension;
  std::vector<Unit> units;
  for (auto& src : scan.sources) {
    std::string out = src.output;
    if (src.inputs.empty() && out.ends_with(".cast")) out.replace(out.size() - 5, 5, ext);
    units.push_back({src.input, std::move(src.inputs), (out_root / out).string(), src.format, src.bytes});
  }
  // 2. Convert.
  BatchProgress progress;
  progress.files = units.size();
  for (const auto& u : units) progress.bytes += u.bytes;
  auto report = [&](const std::string& current) {
    progress.current = current;
    if (o.on_progress) o.on_progress(progress);
  };
  for (const auto& u : units) {
    report(u.input);
    bool exists = fs::exists(u.output, ec);
    if (exists && !o.force) {
      ++summary.skipped;
      summary.skips.emplace_back(u.input, "already converted: " + u.output + " (--force to redo)");
    } else {
      try {
        if (!lexically_beneath(u.output, out_root))
          throw Error("its output " + u.output + " would be outside " + out_root.string() + ": refused");
        fs::create_directories(out_root);
        make_dirs_beneath(out_root, fs::path(u.output).lexically_relative(out_root).parent_path());
        ConvertJob job = o.job;
        job.input = u.input;
        job.output = u.output;
        job.overwrite = o.force ? Overwrite::yes : Overwrite::no;
        job.read.diag = o.diag;
        job.read.convert.path.clear();
        if (!u.inputs.empty()) {
          make_dirs_beneath(out_root, fs::path(u.output).lexically_relative(out_root));
          job.from = "";
          convert_sessions(*u.format, u.inputs, job, true);
        } else {
          job.from = u.format->name;
          convert_file(job);
        }
        ++summary.converted;
        summary.bytes += u.bytes;
      } catch (const std::exception& e) {
        ++summary.failed;
        summary.failures.emplace_back(u.input, e.what());
      }
    }
    progress.bytes_done += u.bytes;
    ++progress.files_done;
  }
  report("");
  return summary;
}

} // namespace recssh::convert
