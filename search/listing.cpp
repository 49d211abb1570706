// SPDX-License-Identifier: MIT
#include "search/listing.hpp"

#include "core/cast_tail.hpp"
#include "core/fd.hpp"
#include "core/format.hpp"
#include "core/io.hpp"
#include "core/time.hpp"
#include "store/lock.hpp"
#include "store/metadata.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::search {

namespace {

std::string read_at(int fd, std::size_t size, off_t at) {
  std::string buf(size, '\0');
  ssize_t n = ::pread(fd, buf.data(), buf.size(), at);
  buf.resize(n > 0 ? std::size_t(n) : 0);
  return buf;
}

// A plain v2 cast, read through one descriptor: its head for the header, its last
// 64 KiB for the duration and the end marker (the same bytes when it is small).
// false: not one (the caller reads it the general way).
bool list_plain_cast(const std::string& path, ListEntry& e) {
  if (path.ends_with(".gz")) return false;
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  const std::size_t size = std::size_t(st.st_size);
  std::string head = read_at(fd.get(), std::min(size, k_tail_window), 0);
  if (head.find('\n') == std::string::npos && head.size() < size) return false; // (a header longer than the window)
  const FormatInfo* format = nullptr;
  ReadOptions ro;
  ro.threads = 1;
  const bool whole = head.size() >= size;
  // (The header only: the reader is not asked for events, which the window may cut.)
  auto reader = open_reader(memory_input(path, whole ? head : head.substr(0, head.find('\n') + 1)), "", ro, &format);
  if (!format || format->name != "v2") return false;
  const Header& h = reader->header();
  e.size = size;
  e.live = store::is_being_recorded_fd(fd.get());
  e.format = format->name;
  e.start = h.timestamp;
  e.meta = store::metadata_of(h);
  const std::string tail = whole ? std::move(head) : read_at(fd.get(), k_tail_window, off_t(size - k_tail_window));
  e.duration = last_time_in_tail(tail, whole);
  e.end = store::session_end_in_tail(tail);
  return true;
}

} // namespace

ListEntry list_entry(const std::string& path, const ListOptions& options) {
  ListEntry e;
  e.path = path;
  if (!options.count_markers && list_plain_cast(path, e)) return e;
  e = ListEntry{};
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
  // (A plain v2 cast came through list_plain_cast: this one is read whole.)
  std::uint64_t markers = 0;
  ForwardTally forwards;
  EventView v;
  Micros last{0};
  bool any = false;
  while (reader->next_view(v)) {
    last = v.time;
    any = true;
    if (v.code == code::marker) {
      if (auto end = store::parse_end_marker(v.data)) e.end = end;
      else ++markers;
      if (options.count_markers) forwards.marker(v.data);
    }
  }
  if (any) e.duration = last;
  if (options.count_markers) {
    e.markers = markers;
    e.forward_totals = forwards.totals();
  }
  return e;
}

bool passes(const RecordingFilter& filter, const ListEntry& e) {
  Header h;
  h.timestamp = e.start;
  return filter.passes(h, e.meta, [&] { return e.end; });
}

} // namespace recssh::search
