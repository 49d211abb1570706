// SPDX-License-Identifier: MIT
#include "core/cast_tail.hpp"

#include "core/fd.hpp"
#include "core/time.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh {

std::optional<Micros> last_time_in_tail(std::string_view buf, bool whole) {
  // Lines from the end; a partial last line (a crash) is skipped.
  std::size_t end = buf.size();
  while (end > 0) {
    std::size_t nl = buf.rfind('\n', end - 1);
    std::size_t begin = nl == std::string_view::npos ? 0 : nl + 1;
    std::string_view line(buf.data() + begin, end - begin);
    if ((begin > 0 || whole) && line.size() > 2 && line[0] == '[' && line.back() == ']') {
      std::size_t comma = line.find(',');
      if (comma != std::string_view::npos)
        if (auto t = parse_seconds(line.substr(1, comma - 1))) return t;
    }
    if (nl == std::string_view::npos) break;
    end = nl;
  }
  return std::nullopt;
}

std::optional<Micros> last_event_time(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) return std::nullopt;
  const auto size = static_cast<std::size_t>(st.st_size);
  const std::size_t want = std::min(size, k_tail_window);
  std::string tail(want, '\0');
  const ssize_t n = ::pread(fd.get(), tail.data(), want, static_cast<off_t>(size - want));
  if (n != static_cast<ssize_t>(want) || tail.back() != '\n') return std::nullopt;
  tail.pop_back();
  return last_time_in_tail(tail, want == size);
}

} // namespace recssh
