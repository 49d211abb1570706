// SPDX-License-Identifier: MIT
#include "play/source.hpp"

#include "core/format.hpp"
#include "store/lock.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::play {

namespace {

// A file read while its recorder writes it: at its end, wait for more as long as the
// recorder holds its lock, then read what it wrote last and end.
class FollowSource final : public ByteSource {
public:
  FollowSource(Fd fd, std::string path, std::function<void()> on_wait, bool* live_edge)
      : m_fd(std::move(fd)), m_path(std::move(path)), m_on_wait(std::move(on_wait)), m_live_edge(live_edge) {}
  std::size_t read(char* buf, std::size_t n) override {
    for (;;) {
      ssize_t r = ::read(m_fd.get(), buf, n);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) throw_errno("can't read " + m_path);
      if (r > 0) {
        *m_live_edge = false;
        return std::size_t(r);
      }
      if (!store::is_being_recorded(m_path)) {
        r = ::read(m_fd.get(), buf, n); // written between the read and the test
        if (r < 0) throw_errno("can't read " + m_path);
        return std::size_t(r);
      }
      *m_live_edge = true;
      if (m_on_wait) m_on_wait();
      else ::usleep(100'000);
    }
  }

private:
  Fd m_fd;
  std::string m_path;
  std::function<void()> m_on_wait;
  bool* m_live_edge;
};

// The first line of a file (an asciicast header), with its newline.
std::string first_line(const std::string& path) {
  Fd fd = open_file(path);
  std::string line;
  char buf[4096];
  for (;;) {
    ssize_t r = ::read(fd.get(), buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    std::string_view chunk(buf, std::size_t(r));
    std::size_t nl = chunk.find('\n');
    if (nl != std::string_view::npos) return line.append(chunk.substr(0, nl + 1));
    line.append(chunk);
    if (line.size() > (64u << 20)) break;
  }
  throw Error(path + ": no header line");
}

} // namespace

Fd open_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("can't open " + path);
  return Fd(fd);
}

Source::Source(SourceOptions o) : m_opts(std::move(o)) {
  open_from(m_opts.offset, Micros(0));
  // (the reader's line 2, after the header, is line `line`)
  if (m_opts.offset > 0) m_line_base = m_opts.line - 2;
}
Source::~Source() = default;

void Source::open_from(std::uint64_t offset, Micros shift) {
  ReadOptions ro;
  ro.diag = m_opts.diag;
  ro.convert.path = m_opts.path;
  const FormatInfo* f = nullptr;
  m_line_base = 0;
  m_shift = shift;
  if (m_opts.follow && m_opts.path != "-") {
    // No reading ahead on worker threads: the file has no end yet.
    ro.threads = 1;
    Input in = source_input(m_opts.path,
                            std::make_unique<FollowSource>(open_file(m_opts.path), m_opts.path,
                                                           m_opts.on_follow_wait, &m_live_edge),
                            m_opts.diag);
    m_reader = open_reader(std::move(in), m_opts.from, ro, &f);
  } else if (offset > 0) {
    // The header line, then the file from the keyframe's offset: the reader sees a
    // shorter recording that starts there.
    std::string header = first_line(m_opts.path);
    Fd fd = open_file(m_opts.path);
    if (::lseek(fd.get(), off_t(offset), SEEK_SET) < 0) throw_errno("can't seek in " + m_opts.path);
    struct stat st {};
    std::optional<std::uint64_t> size;
    if (::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) && std::uint64_t(st.st_size) >= offset)
      size = std::uint64_t(st.st_size) - offset + header.size();
    auto raw = std::make_unique<PrefixSource>(header, std::make_unique<FdSource>(std::move(fd), m_opts.path));
    Input in = source_input(m_opts.path, std::move(raw), m_opts.diag, size);
    m_reader = open_reader(std::move(in), m_opts.from, ro, &f);
  } else {
    Input in = open_input(m_opts.path, m_opts.diag);
    bool plain = !in.gzip && in.size.has_value();
    m_reader = open_reader(std::move(in), m_opts.from, ro, &f);
    m_version = f ? f->cast_version : 0;
    m_offsets = plain && (m_version == 2 || m_version == 3) && m_opts.path != "-" && !m_opts.follow;
  }
}

bool Source::next(Event& e) {
  if (!m_reader->next(e)) return false;
  e.time += m_shift;
  ++m_consumed;
  return true;
}

std::uint64_t Source::line() const {
  std::string loc = m_reader->location();
  std::size_t colon = loc.rfind(':');
  if (colon == std::string::npos) return 0;
  std::uint64_t n = 0;
  for (std::size_t i = colon + 1; i < loc.size(); ++i) {
    if (loc[i] < '0' || loc[i] > '9') return 0;
    n = n * 10 + std::uint64_t(loc[i] - '0');
  }
  // Read from an offset, the reader's line 1 is the header and its line 2 the line at
  // the offset.
  return n == 0 ? 0 : n + m_line_base;
}

void Source::restart() {
  m_consumed = 0;
  open_from(0, Micros(0));
}

void Source::restart_at(const Keyframe& k) {
  if (m_offsets && k.offset > 0 && k.line > 1) {
    // v3 times are intervals: the first one read is counted from the keyframe's event.
    open_from(k.offset, m_version == 3 ? k.time : Micros(0));
    m_line_base = k.line - 1;
    m_consumed = k.consumed;
    return;
  }
  restart();
  // No emulation here: only reading, with the strings' capacity reused.
  Event e;
  while (m_consumed < k.consumed && next(e)) {
  }
}

std::vector<std::uint64_t> Source::offsets_after_lines(const std::vector<std::uint64_t>& lines) const {
  return play::offsets_after_lines(m_opts.path, 0, 1, lines);
}

std::vector<std::uint64_t> offsets_after_lines(const std::string& path, std::uint64_t offset, std::uint64_t line,
                                               const std::vector<std::uint64_t>& lines) {
  std::vector<std::uint64_t> out;
  if (lines.empty()) return out;
  Fd fd = open_file(path);
  if (offset > 0 && ::lseek(fd.get(), off_t(offset), SEEK_SET) < 0) throw_errno("can't seek in " + path);
  std::uint64_t pos = offset;
  std::size_t want = 0;
  while (want < lines.size() && lines[want] < line) { // (before the place counted from: unknown)
    out.push_back(0);
    ++want;
  }
  std::string buf(1 << 20, '\0');
  while (want < lines.size()) {
    ssize_t r = ::read(fd.get(), buf.data(), buf.size());
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    const char* p = buf.data();
    const char* end = p + r;
    while (want < lines.size()) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', std::size_t(end - p)));
      if (!nl) break;
      // The newline ending line `line`: the next line starts after it.
      if (line == lines[want]) {
        out.push_back(pos + std::uint64_t(nl - buf.data()) + 1);
        ++want;
        while (want < lines.size() && lines[want] == line) {
          out.push_back(out.back());
          ++want;
        }
      }
      ++line;
      p = nl + 1;
    }
    pos += std::uint64_t(r);
  }
  while (out.size() < lines.size()) out.push_back(0);
  return out;
}

} // namespace recssh::play
