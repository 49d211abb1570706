// SPDX-License-Identifier: MIT
#include "convert/batch.hpp"

#include "convert/audit.hpp"
#include "convert/script.hpp"
#include "convert/script_timing.hpp"
#include "convert/sudo_io.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

namespace fs = std::filesystem;

namespace recssh::convert {
namespace {

// One thing to convert: its primary path (what `recast convert` is given), the
// other files it reads, and where its output goes.
struct Unit {
  std::string input;                // file or directory
  std::vector<std::string> inputs;  // audit: the log and its rotated copies
  std::string output;               // file, or directory for audit
  std::string format;               // registry name, for messages
  std::uint64_t bytes = 0;
};

std::string strip_known_ext(std::string rel) {
  for (const char* ext : {".gz", ".typescript", ".timing", ".ttyrec", ".json", ".log", ".out", ".tm", ".script"}) {
    std::string e = ext;
    if (rel.size() > e.size() && rel.compare(rel.size() - e.size(), e.size(), e) == 0) rel.resize(rel.size() - e.size());
  }
  return rel;
}

std::uint64_t size_of(const fs::path& p) {
  std::error_code ec;
  if (fs::is_directory(p, ec)) {
    std::uint64_t n = 0;
    for (const auto& e : fs::directory_iterator(p, ec))
      if (e.is_regular_file(ec)) n += e.file_size(ec);
    return n;
  }
  auto n = fs::file_size(p, ec);
  return ec ? 0 : n;
}

// "audit.log.3" -> "audit.log"; anything else unchanged.
std::string rotation_base(const std::string& name) {
  std::string n = name;
  if (n.size() > 3 && n.compare(n.size() - 3, 3, ".gz") == 0) n.resize(n.size() - 3);
  std::size_t dot = n.rfind('.');
  if (dot != std::string::npos && dot + 1 < n.size() &&
      std::all_of(n.begin() + long(dot) + 1, n.end(), [](char c) { return c >= '0' && c <= '9'; }))
    n.resize(dot);
  return n;
}

std::string human(std::uint64_t b) {
  char buf[32];
  if (b >= (1u << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", double(b) / double(1u << 30));
  else std::snprintf(buf, sizeof buf, "%.1f MiB", double(b) / double(1u << 20));
  return buf;
}

class Progress {
public:
  Progress(bool on, std::size_t files, std::uint64_t bytes) : m_on(on), m_files(files), m_bytes(bytes) {}
  void update(std::size_t done_files, std::uint64_t done_bytes, const std::string& current) {
    if (!m_on) return;
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    std::string eta = "--:--";
    if (done_bytes > 0 && elapsed > 0.5) {
      double left = elapsed * double(m_bytes - std::min(m_bytes, done_bytes)) / double(done_bytes);
      char b[16];
      std::snprintf(b, sizeof b, "%02d:%02d", int(left) / 60, int(left) % 60);
      eta = b;
    }
    int width = 24, fill = m_bytes ? int(double(width) * double(done_bytes) / double(m_bytes)) : 0;
    std::string bar(std::size_t(std::min(fill, width)), '#');
    bar.resize(std::size_t(width), '.');
    std::string name = current.size() > 30 ? "..." + current.substr(current.size() - 27) : current;
    std::fprintf(stderr, "\r\x1b[K[%s] %zu/%zu files  %s/%s  ETA %s  %s", bar.c_str(), done_files, m_files,
                 human(done_bytes).c_str(), human(m_bytes).c_str(), eta.c_str(), name.c_str());
    std::fflush(stderr);
  }
  void clear() {
    if (m_on) std::fprintf(stderr, "\r\x1b[K");
  }

private:
  bool m_on;
  std::size_t m_files;
  std::uint64_t m_bytes;
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

} // namespace

BatchSummary convert_tree(const BatchOptions& o) {
  BatchSummary summary;
  std::error_code ec;
  if (!fs::is_directory(o.root, ec)) throw Error(o.root + ": not a directory");
  const fs::path root = fs::path(o.root);
  const fs::path out_root = fs::absolute(fs::path(o.out_dir));
  const fs::path abs_root = fs::absolute(root);
  // 1. Find the recordings (sorted: the same tree converts in the same order).
  std::vector<fs::path> files, dirs;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const fs::path& p = it->path();
    if (fs::absolute(p).string().rfind(out_root.string() + "/", 0) == 0 || fs::absolute(p) == out_root) {
      it.disable_recursion_pending(); // never convert our own output
      continue;
    }
    if (it->is_directory(ec)) {
      if (probe_sudo_dir(p.string())) {
        dirs.push_back(p);
        it.disable_recursion_pending();
      }
    } else if (it->is_regular_file(ec)) {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  std::sort(dirs.begin(), dirs.end());
  std::vector<Unit> units;
  std::set<std::string> used; // data logs already claimed by a timing file
  std::map<std::string, Unit> audit_groups;
  Diagnostics quiet; // each conversion reports its own problems
  quiet.on_warning = [](const std::string&, const std::string&) {};
  auto rel_of = [&](const fs::path& p) { return fs::relative(fs::absolute(p), abs_root).string(); };
  for (const auto& d : dirs)
    units.push_back({d.string(), {}, (out_root / (rel_of(d) + ".cast")).string(), "sudo", size_of(d)});
  // Timing files first, so their data logs are claimed before being seen alone.
  std::vector<std::pair<fs::path, std::string>> probed;
  for (const auto& f : files) {
    std::string kind;
    try {
      Input in = open_input(f.string());
      if (probe_script_timing(in.head)) kind = "timing";
      else if (probe_audit(in.head)) kind = "audit";
      else {
        for (const auto& fmt : formats().all()) {
          if (!fmt.probe || fmt.name == "script" || fmt.name == "audit") continue;
          if (fmt.probe(in)) {
            kind = fmt.name;
            break;
          }
        }
        if (kind.empty() && probe_typescript(in)) kind = "typescript";
      }
    } catch (const Error& e) {
      kind = "error: " + std::string(e.what());
    }
    probed.emplace_back(f, kind);
  }
  for (const auto& [f, kind] : probed) {
    if (kind != "timing") continue;
    std::string data = find_typescript_for(f.string());
    try {
      TimingSummary s = scan_timing(f.string(), quiet);
      for (const char* key : {"OUTPUT_LOG", "INPUT_LOG"})
        if (const std::string* n = s.find(key)) {
          fs::path c = f.parent_path() / fs::path(*n).filename();
          if (fs::exists(c, ec)) {
            used.insert(fs::absolute(c).string());
            if (std::string(key) == "OUTPUT_LOG") data = c.string();
          }
        }
    } catch (const Error&) {
    }
    if (!data.empty()) used.insert(fs::absolute(data).string());
    std::string name = data.empty() ? rel_of(f) : rel_of(fs::path(data));
    units.push_back({f.string(), {}, (out_root / (strip_known_ext(name) + ".cast")).string(), "script",
                     size_of(f) + (data.empty() ? 0 : size_of(data))});
  }
  for (const auto& [f, kind] : probed) {
    if (kind == "timing" || used.count(fs::absolute(f).string())) continue;
    if (kind.empty() || kind == "v1" || kind == "v2" || kind == "v3" || kind.rfind("error: ", 0) == 0) {
      ++summary.ignored;
      if (o.verbose)
        summary.skips.emplace_back(f.string(), kind.empty() ? "not a recording recast reads"
                                               : kind.rfind("error: ", 0) == 0 ? kind.substr(7)
                                                                               : "already asciicast");
      continue;
    }
    if (kind == "audit") {
      std::string base = (f.parent_path() / rotation_base(f.filename().string())).string();
      Unit& u = audit_groups[base];
      if (u.input.empty()) u = {base, {}, (out_root / (rel_of(fs::path(base)) + ".sessions")).string(), "audit", 0};
      u.inputs.push_back(f.string());
      u.bytes += size_of(f);
      continue;
    }
    units.push_back({f.string(), {}, (out_root / (strip_known_ext(rel_of(f)) + ".cast")).string(),
                     kind == "typescript" ? "script" : kind, size_of(f)});
  }
  for (auto& [base, u] : audit_groups) units.push_back(std::move(u));
  // 2. Convert.
  std::uint64_t total = 0;
  for (const auto& u : units) total += u.bytes;
  Progress progress(o.progress, units.size(), total);
  Diagnostics diag;
  diag.on_warning = [&](const std::string& where, const std::string& what) {
    progress.clear();
    std::fprintf(stderr, "recast: warning: %s: %s\n", where.c_str(), what.c_str());
  };
  std::uint64_t done = 0;
  std::size_t n = 0;
  for (const auto& u : units) {
    progress.update(n, done, u.input);
    bool exists = fs::exists(u.output, ec);
    if (exists && !o.force) {
      ++summary.skipped;
      summary.skips.emplace_back(u.input, "already converted: " + u.output + " (--force to redo)");
    } else {
      try {
        fs::create_directories(fs::path(u.output).parent_path());
        ConvertJob job = o.job;
        job.input = u.input;
        job.output = u.output;
        job.overwrite = o.force ? Overwrite::yes : Overwrite::no;
        job.read.diag = &diag;
        job.read.convert.path.clear();
        if (u.format == "audit") {
          fs::create_directories(u.output);
          job.from = "";
          convert_audit(u.inputs, job, true);
        } else {
          job.from = u.format == "script" ? "script" : u.format;
          convert_file(job);
        }
        ++summary.converted;
        summary.bytes += u.bytes;
      } catch (const std::exception& e) {
        ++summary.failed;
        summary.failures.emplace_back(u.input, e.what());
      }
    }
    done += u.bytes;
    ++n;
  }
  progress.update(n, done, "");
  progress.clear();
  return summary;
}

} // namespace recssh::convert
