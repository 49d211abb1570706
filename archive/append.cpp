// SPDX-License-Identifier: MIT
#include "archive/append.hpp"

#include "core/sha256.hpp"
#include "core/cast_writer.hpp"
#include "core/format.hpp"
#include "store/lock.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::archive {
namespace {

// What appending needs to know about BASE: a full read (it also proves BASE is valid
// before anything is written).
struct BaseInfo {
  Header header;
  Micros last{0};
  TermSize size;
  bool ends_with_newline = true;
  bool gzip = false;
};

BaseInfo inspect_base(const std::string& path, Diagnostics* diag) {
  BaseInfo b;
  {
    Input in = open_input(path, diag);
    b.gzip = in.gzip;
    char buf[1 << 16];
    char lastc = '\n';
    bool any = false;
    for (std::size_t n; (n = in.source->read(buf, sizeof buf)) > 0;) {
      lastc = buf[n - 1];
      any = true;
    }
    b.ends_with_newline = !any || lastc == '\n';
  }
  auto r = open_reader(path, "", ReadOptions{false, diag});
  b.header = r->header();
  if (b.header.version == 1)
    throw Error(path + ": asciicast v1 is one JSON document and cannot be appended to (convert it first: "
                       "recast convert " + path + " NEW.cast)");
  if (b.header.version != 2 && b.header.version != 3)
    throw Error(path + ": only asciicast v2 and v3 files can be appended to");
  b.size = b.header.size;
  Event e;
  while (r->next(e)) {
    b.last = e.time;
    if (e.is(code::resize))
      if (auto s = parse_size(e.data)) b.size = *s;
  }
  return b;
}

} // namespace

AppendResult append_casts(const std::string& base, const std::vector<std::string>& more, const AppendOptions& o) {
  // Refuse a recording in progress: its recorder holds the lock.
  // BASE is replaced by rename: through a symlink that would replace the link itself
  // with a new file (and leave its target as it was), so a symlink is refused.
  Fd base_fd(::open(base.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!base_fd.valid() && errno == ELOOP)
    throw Error(base + " is a symlink: appending would replace the link, not add to its target (name the target)");
  if (!base_fd.valid()) throw Error("cannot open " + base + ": " + std::strerror(errno));
  if (!store::try_lock(base_fd.get()))
    throw Error(base + " is locked: a recording is still being written to it");
  struct stat st {};
  ::fstat(base_fd.get(), &st);
  if (!S_ISREG(st.st_mode)) throw Error(base + " is not a regular file: cannot append to it");

  BaseInfo b = inspect_base(base, o.diag);
  const Micros default_cap = b.header.idle_time_limit
                                 ? Micros(static_cast<std::int64_t>(*b.header.idle_time_limit * 1e6))
                                 : Micros(2'000'000);

  AtomicFile out(base, Overwrite::yes, st.st_mode & 07777);
  FdSink fd_sink(out.fd(), base);
  copy_fd(base_fd.get(), fd_sink, base); // BASE's bytes as they are
  std::unique_ptr<GzipSink> gz;
  ByteSink* sink = &fd_sink;
  if (b.gzip) {
    gz = std::make_unique<GzipSink>(fd_sink, base);
    sink = gz.get();
  }
  if (!b.ends_with_newline) sink->write("\n", 1); // a crashed recorder's last line
  auto writer = formats().writer("v" + std::to_string(b.header.version)).make_writer(*sink, WriteOptions{});
  writer->resume(b.header, b.last);

  AppendResult result;
  Joiner join(*writer, b.last, b.size);
  std::optional<std::int64_t> prev_ts = b.header.timestamp;
  Micros prev_end_rel = b.last; // relative to prev_ts
  for (const auto& path : more) {
    auto r = open_reader(path, "", ReadOptions{false, o.diag});
    Event first;
    std::optional<Event> f;
    if (r->next(first)) f = first;
    std::optional<Micros> real;
    if (prev_ts && r->header().timestamp && f)
      real = Micros((*r->header().timestamp - *prev_ts) * 1'000'000) + f->time - prev_end_rel;
    Micros gap = o.gap.apply(real, default_cap);
    Micros start = join.end() + gap;
    result.events += join.append(*r, Source{base_of(path), sha256_file(path)}, gap, false, f);
    // The next MORE's real gap is measured from this one's end, on this one's clock.
    prev_ts = r->header().timestamp;
    prev_end_rel = f ? join.end() - start + f->time : Micros{0};
  }
  writer->finish();
  sink->close();
  out.commit();
  result.end = join.end();
  return result;
}

} // namespace recssh::archive
