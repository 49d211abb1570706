// SPDX-License-Identifier: MIT
#include "search/listing.hpp"

#include "core/fd.hpp"
#include "core/format.hpp"
#include "core/time.hpp"
#include "store/lock.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::search {

namespace {

// The time of the last event line of a plain asciicast v2 file, from its last 64 KiB.
std::optional<Micros> last_time_from_tail(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0) return std::nullopt;
  const off_t want = std::min<off_t>(st.st_size, 64 << 10);
  std::string buf(std::size_t(want), '\0');
  ssize_t n = ::pread(fd.get(), buf.data(), buf.size(), st.st_size - want);
  if (n <= 0) return std::nullopt;
  buf.resize(std::size_t(n));
  // Lines from the end; a partial last line (a crash) is skipped.
  std::size_t end = buf.size();
  while (end > 0) {
    std::size_t nl = buf.rfind('\n', end - 1);
    std::size_t begin = nl == std::string::npos ? 0 : nl + 1;
    std::string_view line(buf.data() + begin, end - begin);
    bool whole = begin > 0 || want == st.st_size; // (the window may start inside a line)
    if (whole && line.size() > 2 && line[0] == '[' && line.back() == ']') {
      std::size_t comma = line.find(',');
      if (comma != std::string_view::npos)
        if (auto t = parse_seconds(line.substr(1, comma - 1))) return t;
    }
    if (nl == std::string::npos) break;
    end = nl;
  }
  return std::nullopt;
}

} // namespace

ListEntry list_entry(const std::string& path, const ListOptions& options) {
  ListEntry e;
  e.path = path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw_errno("cannot read " + path);
  e.size = std::uint64_t(st.st_size);
  e.live = S_ISREG(st.st_mode) && store::is_being_recorded(path);
  const FormatInfo* format = nullptr;
  ReadOptions ro;
  ro.threads = 1;
  auto reader = open_reader(path, "", ro, &format);
  const Header& h = reader->header();
  e.format = format ? format->name : "";
  e.start = h.timestamp;
  e.meta = store::metadata_of(h);
  // A plain v2 cast: its tail tells the duration and the end; anything else is read.
  bool tail = format && format->name == "v2" && !path.ends_with(".gz") && !options.count_markers;
  if (tail) {
    e.duration = last_time_from_tail(path);
    e.end = store::read_session_end(path);
    return e;
  }
  std::uint64_t markers = 0;
  EventView v;
  Micros last{0};
  bool any = false;
  while (reader->next_view(v)) {
    last = v.time;
    any = true;
    if (v.code == code::marker) {
      if (auto end = store::parse_end_marker(v.data)) e.end = end;
      else ++markers;
    }
  }
  if (any) e.duration = last;
  if (options.count_markers) e.markers = markers;
  return e;
}

bool passes(const RecordingFilter& filter, const ListEntry& e) {
  Header h;
  h.timestamp = e.start;
  return filter.passes(h, e.meta, [&] { return e.end; });
}

} // namespace recssh::search
