// SPDX-License-Identifier: MIT
#include "store/shipped.hpp"

#include "core/errors.hpp"
#include "core/fd.hpp"
#include "store/state.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <type_traits>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::store {
namespace {

constexpr const char* k_magic = "S1";
constexpr std::size_t k_fields = 13;

// Fields are separated by one space: a byte that could end or split a field (space,
// control characters, '%') is written %XX; an empty field is "-".
std::string encode(const std::string& s) {
  if (s.empty()) return "-";
  if (s == "-") return "%2D";
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (c <= 0x20 || c == 0x7f || c == '%') {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::optional<std::string> decode(const std::string& s) {
  if (s == "-") return std::string();
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    auto nib = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = nib(s[i + 1]), lo = nib(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

template <class T> std::optional<T> number(const std::string& s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  if constexpr (std::is_unsigned_v<T>) {
    if (s[0] == '-') return std::nullopt;
    unsigned long long v = std::strtoull(s.c_str(), &end, 10); // inodes may use all 64 bits
    if (*end || errno) return std::nullopt;
    return static_cast<T>(v);
  } else {
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (*end || errno) return std::nullopt;
    return static_cast<T>(v);
  }
}

std::string line_of(const ShipEntry& e) {
  std::string l = k_magic;
  for (const std::string& f :
       {std::to_string(e.time), std::string(ship_state_name(e.state)), std::to_string(e.id.dev), std::to_string(e.id.ino),
        std::to_string(e.id.size), std::to_string(e.id.mtime_ns), encode(e.sha256), encode(e.target), encode(e.endpoint),
        encode(e.key), encode(e.path), encode(e.message)}) {
    l += ' ';
    l += f;
  }
  return l + '\n';
}

std::optional<ShipEntry> parse_line(const std::string& line) {
  std::vector<std::string> f;
  for (std::size_t at = 0;;) {
    auto sp = line.find(' ', at);
    f.push_back(line.substr(at, sp == std::string::npos ? std::string::npos : sp - at));
    if (sp == std::string::npos) break;
    at = sp + 1;
  }
  if (f.size() != k_fields || f[0] != k_magic) return std::nullopt;
  ShipEntry e;
  auto time = number<std::int64_t>(f[1]);
  if (f[2] == "shipped") e.state = ShipState::shipped;
  else if (f[2] == "conflict") e.state = ShipState::conflict;
  else if (f[2] == "failed") e.state = ShipState::failed;
  else return std::nullopt;
  auto dev = number<dev_t>(f[3]);
  auto ino = number<ino_t>(f[4]);
  auto size = number<std::uint64_t>(f[5]);
  auto mtime = number<std::int64_t>(f[6]);
  if (!time || !dev || !ino || !size || !mtime) return std::nullopt;
  e.time = *time;
  e.id = {*dev, *ino, *size, *mtime};
  std::string* strings[] = {&e.sha256, &e.target, &e.endpoint, &e.key, &e.path, &e.message};
  for (std::size_t i = 0; i < 6; ++i) {
    auto s = decode(f[7 + i]);
    if (!s) return std::nullopt;
    *strings[i] = std::move(*s);
  }
  return e;
}

std::string file_key(const FileIdentity& id) { return std::to_string(id.dev) + ":" + std::to_string(id.ino); }

// A journal that someone else could have written says nothing: it must be a regular
// file of the effective user that no one else can write.
void check_private(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw_errno("cannot stat " + path);
  if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 022))
    throw Error(path + " is not a private file of this user: refusing to trust it as the shipped journal");
}

// The journal's directory, locked while the file is appended to or rewritten.
class DirLock {
public:
  explicit DirLock(const std::string& dir) : m_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (!m_fd.valid()) throw_errno("cannot open " + dir);
    while (::flock(m_fd.get(), LOCK_EX) != 0)
      if (errno != EINTR) throw_errno("cannot lock " + dir);
  }
  int fd() const { return m_fd.get(); }

private:
  Fd m_fd; // closing it releases the lock
};

std::string dir_part(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

void write_all(int fd, const std::string& s, const std::string& path) {
  for (std::size_t at = 0; at < s.size();) {
    ssize_t n = ::write(fd, s.data() + at, s.size() - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw_errno("cannot write " + path);
    at += static_cast<std::size_t>(n);
  }
}

} // namespace

FileIdentity identity_of(const struct stat& st) {
  return {st.st_dev, st.st_ino, static_cast<std::uint64_t>(st.st_size),
          static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

const char* ship_state_name(ShipState s) {
  switch (s) {
  case ShipState::shipped: return "shipped";
  case ShipState::conflict: return "conflict";
  case ShipState::failed: return "failed";
  }
  return "?";
}

std::string ShippedJournal::default_path() {
  if (const char* p = std::getenv("RECSSH_SHIP_JOURNAL"); p && *p == '/') return p;
  return state_home() + "/ship/shipped.journal";
}

ShippedJournal::ShippedJournal(std::string path, bool writable) : m_path(std::move(path)), m_writable(writable) {
  if (!m_writable) {
    load();
    return;
  }
  make_private_dir(dir_part(m_path), "the shipped journal");
  DirLock lock(dir_part(m_path));
  load();
  if (m_lines > 1000) {
    // Entries of files that are gone (expired, merged, replaced) say nothing any more;
    // with superseded lines they are rewritten away once they are half the journal,
    // so that it grows with what is on disk, not with the years.
    std::vector<ShipEntry> live;
    for (const auto& e : m_entries) {
      struct stat st {};
      if (::lstat(e.path.c_str(), &st) == 0 && st.st_dev == e.id.dev && st.st_ino == e.id.ino) live.push_back(e);
    }
    if (m_lines > 2 * live.size()) compact(std::move(live));
  }
}

void ShippedJournal::load() {
  Fd fd(::open(m_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return;
    throw_errno("cannot open the shipped journal " + m_path);
  }
  check_private(fd.get(), m_path);
  std::string pending;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("cannot read the shipped journal " + m_path);
    if (n == 0) break;
    pending.append(buf, static_cast<std::size_t>(n));
    std::size_t at = 0;
    for (std::size_t nl; (nl = pending.find('\n', at)) != std::string::npos; at = nl + 1) {
      ++m_lines;
      if (auto e = parse_line(pending.substr(at, nl - at))) remember(std::move(*e));
      else ++m_skipped;
    }
    pending.erase(0, at);
  }
  if (!pending.empty()) ++m_skipped; // torn by a crash mid-write
}

void ShippedJournal::remember(ShipEntry e) {
  if (e.state != ShipState::failed && !e.sha256.empty()) {
    auto& targets = m_content[e.sha256];
    if (std::find(targets.begin(), targets.end(), e.target) == targets.end()) targets.push_back(e.target);
  }
  const std::string file = file_key(e.id);
  const std::string key = file + "\t" + e.target;
  if (auto it = m_by_file.find(key); it != m_by_file.end()) {
    m_entries[it->second] = std::move(e);
    m_any[file] = it->second;
    return;
  }
  m_entries.push_back(std::move(e));
  m_by_file[key] = m_entries.size() - 1;
  m_any[file] = m_entries.size() - 1;
}

std::optional<ShipEntry> ShippedJournal::find(const FileIdentity& id, const std::string& target, const std::string& endpoint) const {
  std::lock_guard lock(m_mutex);
  auto it = m_by_file.find(file_key(id) + "\t" + target);
  if (it == m_by_file.end()) return std::nullopt;
  const ShipEntry& e = m_entries[it->second];
  if (!endpoint.empty() && e.endpoint != endpoint) return std::nullopt;
  return e;
}

std::optional<ShipEntry> ShippedJournal::find_any(const FileIdentity& id) const {
  std::lock_guard lock(m_mutex);
  auto it = m_any.find(file_key(id));
  if (it == m_any.end()) return std::nullopt;
  return m_entries[it->second];
}

bool ShippedJournal::has_content(const std::string& sha256, const std::string& target) const {
  std::lock_guard lock(m_mutex);
  auto it = m_content.find(sha256);
  if (it == m_content.end()) return false;
  return target.empty() || std::find(it->second.begin(), it->second.end(), target) != it->second.end();
}

void ShippedJournal::append_line(const std::string& line) {
  if (!m_writable) throw Error("the shipped journal " + m_path + " was opened read-only");
  DirLock lock(dir_part(m_path));
  Fd fd(::open(m_path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) throw_errno("cannot open the shipped journal " + m_path);
  check_private(fd.get(), m_path);
  struct stat st {};
  ::fstat(fd.get(), &st);
  std::string text = line;
  // A line torn by a crash is ended first, so that it stays one unreadable line and
  // does not swallow this one.
  char last = '\n';
  if (st.st_size > 0 && ::pread(fd.get(), &last, 1, st.st_size - 1) == 1 && last != '\n') text.insert(0, "\n");
  write_all(fd.get(), text, m_path);
  if (::fsync(fd.get()) != 0) throw_errno("cannot sync " + m_path);
  if (st.st_size == 0) ::fsync(lock.fd()); // its name, too
}

void ShippedJournal::record(const ShipEntry& entry) {
  ShipEntry e = entry;
  if (!e.path.empty() && e.path[0] != '/') {
    // Absolute, so that a later run can tell whether the file is still there.
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd)) e.path = std::string(cwd) + "/" + e.path;
  }
  std::string line = line_of(e);
  std::lock_guard lock(m_mutex);
  append_line(line);
  ++m_lines;
  remember(std::move(e));
}

void ShippedJournal::carry(const FileIdentity& from, const FileIdentity& to, const std::string& path) {
  std::vector<ShipEntry> carried;
  {
    std::lock_guard lock(m_mutex);
    for (const auto& e : m_entries)
      if (e.id == from && e.state != ShipState::failed) carried.push_back(e);
  }
  for (auto& e : carried) {
    e.id = to;
    e.path = path;
    e.time = static_cast<std::int64_t>(std::time(nullptr));
    record(e);
  }
}

// Called with the directory locked: `keep` (the latest entries of files still there)
// to a temporary file renamed over the journal, and they alone are remembered.
void ShippedJournal::compact(std::vector<ShipEntry> keep) {
  const std::string dir = dir_part(m_path);
  std::string tmp = m_path + ".tmp.XXXXXX";
  Fd fd(::mkostemp(tmp.data(), O_CLOEXEC));
  if (!fd.valid()) throw_errno("cannot create a file in " + dir);
  try {
    std::string text;
    for (const auto& e : keep) text += line_of(e);
    write_all(fd.get(), text, tmp);
    if (::fsync(fd.get()) != 0 || ::rename(tmp.c_str(), m_path.c_str()) != 0) throw_errno("cannot rewrite " + m_path);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.valid()) ::fsync(d.get());
  m_entries.clear();
  m_by_file.clear();
  m_any.clear();
  m_content.clear();
  for (auto& e : keep) remember(std::move(e));
  m_lines = m_entries.size();
}

} // namespace recssh::store
