// SPDX-License-Identifier: MIT
#include "play/index.hpp"

#include "core/atomic_file.hpp"
#include "core/errors.hpp"
#include "core/sha256.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::play {

namespace {
// 2: a keyframe's paint carries the tab stops and character sets (an index of 1 holds
// paints without them, and is made again).
constexpr std::string_view k_magic = "recssh-play-index";
constexpr int k_version = 2;

void make_dirs(const std::string& dir) {
  // Each component 0700 when we create it; existing ones are left as they are.
  for (std::size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    std::string part = dir.substr(0, pos);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) throw_errno("can't create " + part);
  }
}

bool read_all(const std::string& path, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  Fd owner(fd);
  char buf[1 << 16];
  for (;;) {
    ssize_t r = ::read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return false;
    if (r == 0) return true;
    out.append(buf, std::size_t(r));
  }
}

// A cursor over the index's text: numbers separated by spaces, lines, and byte blobs.
struct Parser {
  std::string_view s;
  std::size_t pos = 0;
  bool ok = true;
  std::string word() {
    std::size_t end = s.find_first_of(" \n", pos);
    if (end == std::string_view::npos) {
      ok = false;
      return {};
    }
    std::string w(s.substr(pos, end - pos));
    pos = end + 1;
    return w;
  }
  std::int64_t number() {
    std::string w = word();
    if (w.empty()) {
      ok = false;
      return 0;
    }
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(w.c_str(), &end, 10);
    if (*end || errno) ok = false;
    return v;
  }
  std::uint64_t count() {
    std::int64_t v = number();
    if (v < 0) ok = false;
    return std::uint64_t(v);
  }
  std::string blob(std::uint64_t n) {
    if (n > s.size() - pos || pos + n >= s.size() || s[pos + n] != '\n') {
      ok = false;
      return {};
    }
    std::string b(s.substr(pos, n));
    pos += n + 1;
    return b;
  }
  void expect(std::string_view w) {
    if (word() != w) ok = false;
  }
};
} // namespace

std::optional<FileIdentity> identify(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  Fd owner(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  FileIdentity id;
  id.size = std::uint64_t(st.st_size);
  id.mtime_ns = std::int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  // The head's hash catches a file rewritten within the mtime's granularity.
  std::string head(64 << 10, '\0');
  std::size_t got = 0;
  while (got < head.size()) {
    ssize_t r = ::read(fd, head.data() + got, head.size() - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += std::size_t(r);
  }
  Sha256 h;
  h.update(head.data(), got);
  id.head_sha256 = h.hex();
  return id;
}

std::string default_cache_dir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg == '/') return std::string(xdg) + "/recssh/play";
  const char* home = std::getenv("HOME");
  if (home && *home == '/') return std::string(home) + "/.cache/recssh/play";
  return {};
}

std::string index_path(const std::string& cache_dir, const std::string& path, const std::string& stream,
                       const std::string& from) {
  char real[PATH_MAX];
  std::string key = ::realpath(path.c_str(), real) ? std::string(real) : path;
  key += '\0' + stream + '\0' + from;
  Sha256 h;
  h.update(key.data(), key.size());
  return cache_dir + "/" + h.hex().substr(0, 32) + ".idx";
}

std::optional<Index> load_index(const std::string& file, const FileIdentity& id, IndexState& state) {
  std::string text;
  if (!read_all(file, text)) {
    state = IndexState::missing;
    return std::nullopt;
  }
  state = IndexState::stale;
  Parser p{text};
  Index ix;
  const std::string magic = p.word(), version = p.word();
  if (magic != k_magic || version != std::to_string(k_version)) {
    // (one of a later recast's, or damaged: stale, made again all the same)
    if (magic == k_magic && version == "1") state = IndexState::older;
    return std::nullopt;
  }
  p.expect("file");
  ix.file.size = p.count();
  ix.file.mtime_ns = p.number();
  ix.file.head_sha256 = p.word();
  if (!p.ok || !(ix.file == id)) return std::nullopt;
  p.expect("interval");
  ix.interval = p.count();
  p.expect("duration");
  std::int64_t d = p.number();
  if (d >= 0) ix.duration = Micros(d);
  p.expect("keyframes");
  std::uint64_t n = p.count();
  for (std::uint64_t i = 0; p.ok && i < n; ++i) {
    Keyframe k;
    k.consumed = p.count();
    k.time = Micros(p.number());
    k.play = Micros(p.number());
    k.out_bytes = p.count();
    k.line = p.count();
    k.offset = p.count();
    k.size.cols = int(p.count());
    k.size.rows = int(p.count());
    k.paint = p.blob(p.count());
    if (k.size.cols < 1 || k.size.rows < 1 || k.size.cols > 65535 || k.size.rows > 65535 || k.offset > id.size)
      p.ok = false;
    ix.keyframes.push_back(std::move(k));
  }
  p.expect("markers");
  n = p.count();
  for (std::uint64_t i = 0; p.ok && i < n; ++i) {
    Marker m;
    m.consumed = p.count();
    m.time = Micros(p.number());
    m.label = p.blob(p.count());
    ix.markers.push_back(std::move(m));
  }
  p.expect("end");
  if (!p.ok) return std::nullopt;
  state = IndexState::fresh;
  return ix;
}

void save_index(const std::string& file, const Index& ix) {
  make_dirs(file.substr(0, file.rfind('/')));
  AtomicFile f(file, Overwrite::yes, 0600);
  // Written as it is made, through a small buffer: a copy of every keyframe's paint
  // at once would be the largest allocation of a long play.
  std::string buf;
  auto flush = [&] {
    for (std::size_t done = 0; done < buf.size();) {
      ssize_t w = ::write(f.fd(), buf.data() + done, buf.size() - done);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) throw_errno("can't write " + f.path());
      done += std::size_t(w);
    }
    buf.clear();
  };
  auto put = [&](std::string_view s) {
    buf += s;
    if (buf.size() >= (64u << 10)) flush();
  };
  auto num = [](auto v) { return std::to_string(v); };
  put(std::string(k_magic) + " " + num(k_version) + "\n");
  put("file " + num(ix.file.size) + ' ' + num(ix.file.mtime_ns) + ' ' + ix.file.head_sha256 + "\n");
  put("interval " + num(ix.interval) + "\nduration " + num(ix.duration ? ix.duration->count() : -1) + "\n");
  put("keyframes " + num(ix.keyframes.size()) + "\n");
  for (const Keyframe& k : ix.keyframes) {
    put(num(k.consumed) + ' ' + num(k.time.count()) + ' ' + num(k.play.count()) + ' ' + num(k.out_bytes) + ' ' +
        num(k.line) + ' ' + num(k.offset) + ' ' + num(k.size.cols) + ' ' + num(k.size.rows) + ' ' +
        num(k.paint.size()) + "\n");
    put(k.paint);
    put("\n");
  }
  put("markers " + num(ix.markers.size()) + "\n");
  for (const Marker& m : ix.markers) {
    put(num(m.consumed) + ' ' + num(m.time.count()) + ' ' + num(m.label.size()) + "\n");
    put(m.label);
    put("\n");
  }
  put("end\n");
  flush();
  f.commit();
}

} // namespace recssh::play
