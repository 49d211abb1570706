// SPDX-License-Identifier: MIT
#include "convert/script_log_plan.hpp"

#include "convert/script_header.hpp"
#include "core/fd.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::convert {
namespace {

constexpr std::size_t k_window = k_script_window;

// pread of [off, off+n) of a plain file.
std::string read_at(const std::string& path, std::uint64_t off, std::size_t n) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) throw Error("cannot read " + path + ": " + std::strerror(errno));
  std::string out(n, '\0');
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd.get(), out.data() + got, n - got, static_cast<off_t>(off + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw Error("cannot read " + path + ": " + std::strerror(errno));
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  out.resize(got);
  return out;
}

} // namespace

LogPlan plan_log(const std::string& path, const Input& in, std::uint64_t timed, Diagnostics& diag) {
  LogPlan p;
  std::string_view head = in.head;
  std::size_t eol = head.find('\n');
  std::string_view first = eol == std::string_view::npos ? std::string_view{} : head.substr(0, eol);
  std::uint64_t h1 = eol == std::string_view::npos ? 0 : eol + 1;
  struct stat st {};
  bool known = !in.gzip && path != "-" && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  if (!known) {
    // Streamed (gzip'd, stdin): a recognised first line is the header; the rest is
    // judged when the timed bytes are used up.
    if (is_script_start_line(first)) p.header = h1, p.header_line = first;
    p.body = timed;
    p.unknown_rest = true;
    return p;
  }
  const std::uint64_t F = static_cast<std::uint64_t>(st.st_size);
  if (!h1 && F <= head.size() && is_script_start_line(head)) h1 = F; // cut inside the header line
  std::size_t tail_n = static_cast<std::size_t>(std::min<std::uint64_t>(F, k_window));
  std::string tail = read_at(path, F - tail_n, tail_n);
  // Footer candidate: "\n" + last line + "\n" at the very end.
  std::uint64_t fl = 0;
  std::string last;
  if (!tail.empty() && tail.back() == '\n') {
    std::size_t prev = tail.rfind('\n', tail.size() - 2);
    if (prev != std::string::npos && tail.size() >= 2) {
      last = tail.substr(prev + 1, tail.size() - prev - 2);
      if (prev >= 1 || F > tail_n) fl = last.size() + 2; // the LF before it is the footer's
      if (prev == 0 && F == tail_n) fl = last.size() + 2;
    }
  }
  const bool done_line = fl && is_script_done_line(last);
  auto take_footer = [&] { p.footer_line = last; };
  p.header_line = first;
  // 1. header + body + footer, or no footer (killed)
  if (h1 && h1 + timed + fl == F && fl) {
    p.header = h1, p.body = timed;
    take_footer();
    return p;
  }
  if (h1 && h1 + timed == F) {
    p.header = h1, p.body = timed;
    return p;
  }
  // 2. no header (util-linux 2.25/2.26 -q wrote none)
  if (timed == F || (fl && timed + fl == F && !is_script_start_line(first))) {
    p.header_line.clear();
    p.body = timed;
    if (timed != F) take_footer();
    return p;
  }
  // 3. appended sessions (-a): only the last one is timed.
  const std::uint64_t ftr = done_line ? fl : 0;
  if (h1 && h1 + timed + ftr < F) {
    std::uint64_t pos = F - ftr - timed; // where the last session's body starts
    std::size_t back = static_cast<std::size_t>(std::min<std::uint64_t>(pos, k_window));
    std::string before = read_at(path, pos - back, back);
    if (!before.empty() && before.back() == '\n') {
      std::size_t ls = before.rfind('\n', before.size() - 2);
      std::string line = before.substr(ls == std::string::npos ? 0 : ls + 1,
                                       before.size() - (ls == std::string::npos ? 0 : ls + 1) - 1);
      std::uint64_t line_start = pos - line.size() - 1;
      if (is_script_start_line(line) && line_start >= h1) {
        p.header = h1;
        p.untimed = line_start - h1;
        p.second_header = line.size() + 1;
        p.session_header_line = line;
        p.body = timed;
        if (ftr) take_footer();
        diag.warn(path, "appended typescript (script -a): the timing covers only the last session; the " +
                            std::to_string(p.untimed) + " bytes before it are kept as untimed output at t=0");
        return p;
      }
    }
  }
  // 4. the sizes do not add up: data cut short, or more data than timing.
  p.header = is_script_start_line(first) || h1 ? h1 : 0;
  if (p.header + timed + ftr > F) {
    std::uint64_t avail = F > p.header + ftr ? F - p.header - ftr : 0;
    p.body = std::min(timed, avail);
    p.missing = timed - p.body;
    if (ftr && p.header + p.body + ftr == F) take_footer();
    else p.body = std::min<std::uint64_t>(timed, F - p.header), p.missing = timed - p.body;
    diag.warn(path, "the timing describes " + std::to_string(timed) + " bytes but only " + std::to_string(p.body) +
                        " are there (a truncated log?): the rest of the timing has no data");
  } else {
    p.body = timed;
    p.extra = F - p.header - timed - ftr;
    if (ftr) take_footer();
    diag.warn(path, std::to_string(p.extra) + " bytes after the last timed chunk (the data is longer than the "
                                              "timing): kept as output at the end, behind a gap marker");
  }
  return p;
}

} // namespace recssh::convert
