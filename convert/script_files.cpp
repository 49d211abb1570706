// SPDX-License-Identifier: MIT
#include "convert/script_files.hpp"

#include "convert/script_header.hpp"
#include "convert/script_timing.hpp"

#include <boost/filesystem.hpp>
#include <sys/stat.h>

namespace recssh::convert {
namespace {

bool is_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string join_path(const std::string& dir, const std::string& name) {
  if (name.empty() || name[0] == '/' || dir == ".") return name;
  return dir + "/" + name;
}

std::string strip_ext(const std::string& base) {
  std::size_t dot = base.rfind('.');
  return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

std::string first_existing(const std::string& dir, std::initializer_list<std::string> names,
                           const std::string& self) {
  for (const auto& n : names) {
    if (n.empty()) continue;
    std::string p = join_path(dir, n);
    if (p != self && is_file(p)) return p;
  }
  return {};
}

std::string replace_word(std::string s, const std::string& from, const std::string& to) {
  std::size_t at = s.find(from);
  if (at == std::string::npos) return {};
  return s.replace(at, from.size(), to);
}

} // namespace

std::string resolve_logged(const std::string& timing_path, const std::string& name) {
  std::string dir = dir_of(timing_path);
  for (const std::string& c : {join_path(dir, name), join_path(dir, base_of(name)), name})
    if (is_file(c)) return c;
  return {};
}

bool probe_typescript(const Input& in) {
  std::size_t eol = in.head.find('\n');
  if (eol != std::string_view::npos && is_script_start_line(std::string_view(in.head).substr(0, eol))) return true;
  // A typescript without its header line (-q of 2.25/2.26, a cut file) is known by
  // the timing file beside it.
  return in.name != "-" && !in.name.empty() && !find_timing_for(in.name).empty();
}

std::string find_timing_for(const std::string& data_path) {
  if (data_path == "-") return {};
  std::string dir = dir_of(data_path), base = base_of(data_path), stem = strip_ext(base);
  return first_existing(dir,
                        {base + ".timing", stem + ".timing", stem + ".tm", base + ".tm", stem + "-timing",
                         replace_word(base, "typescript", "timing"), replace_word(base, "output", "timing"),
                         replace_word(base, "out", "timing"), replace_word(base, "session", "timing"),
                         base == "typescript" ? "timing" : ""},
                        data_path);
}

std::string find_typescript_for(const std::string& timing_path) {
  std::string dir = dir_of(timing_path), base = base_of(timing_path), stem = strip_ext(base);
  return first_existing(dir,
                        {stem, stem + ".typescript", stem + ".ts", stem + ".log", stem + ".out", stem + ".session",
                         replace_word(base, "timing", "typescript"), replace_word(base, "timing", "output"),
                         replace_word(base, "timing", "out"), replace_word(base, "timing", "session"),
                         "typescript"},
                        timing_path);
}

TreeRules::Companions script_companions(const std::string& timing_path, Diagnostics& quiet) {
  namespace fs = boost::filesystem;
  TreeRules::Companions c;
  std::string data = find_typescript_for(timing_path);
  try {
    TimingSummary s = scan_timing(timing_path, quiet);
    for (const char* key : {"OUTPUT_LOG", "INPUT_LOG"})
      if (const std::string* n = s.find(key)) {
        fs::path log = fs::path(timing_path).parent_path() / fs::path(*n).filename();
        boost::system::error_code ec;
        if (fs::exists(log, ec)) {
          c.claimed.push_back(log.string());
          if (std::string(key) == "OUTPUT_LOG") data = log.string();
        }
      }
  } catch (const Error&) {
  }
  if (!data.empty()) c.claimed.push_back(data);
  c.named_after = data;
  return c;
}

} // namespace recssh::convert
