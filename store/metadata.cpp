// SPDX-License-Identifier: MIT
#include "store/metadata.hpp"

#include "core/errors.hpp"
#include "core/event.hpp"
#include "core/fd.hpp"
#include "core/format.hpp"
#include "core/json.hpp"

#include <simdjson.h>

#include <charconv>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::store {
namespace {

constexpr std::string_view k_end_prefix = "recssh: end: status=";

std::string get_string(simdjson::dom::element obj, const char* key) {
  std::string_view v;
  if (obj[key].get_string().get(v)) return {};
  return std::string(v);
}

std::optional<int> parse_int(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// "key=value" among the space-separated words of `text` after the prefix.
std::string_view word_value(std::string_view text, std::string_view key) {
  for (std::size_t pos = 0; pos < text.size();) {
    auto end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    auto word = text.substr(pos, end - pos);
    if (word.size() > key.size() && word.substr(0, key.size()) == key && word[key.size()] == '=')
      return word.substr(key.size() + 1);
    pos = end + 1;
  }
  return {};
}

// A plain cast's end marker is on one of its last lines: read the tail only, so a
// walk over years of recordings does not read them whole.
std::optional<SessionEnd> end_from_tail(int fd, off_t size) {
  constexpr off_t k_tail = 64 << 10;
  off_t from = size > k_tail ? size - k_tail : 0;
  std::string buf(static_cast<std::size_t>(size - from), '\0');
  ssize_t n = ::pread(fd, buf.data(), buf.size(), from);
  if (n <= 0) return std::nullopt;
  buf.resize(static_cast<std::size_t>(n));
  return session_end_in_tail(buf);
}

} // namespace

std::optional<SessionEnd> session_end_in_tail(std::string_view buf) {
  for (auto at = buf.rfind(k_end_prefix); at != std::string_view::npos && at > 0;
       at = buf.rfind(k_end_prefix, at - 1)) {
    auto line_start = buf.rfind('\n', at);
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    std::string_view before(buf.data() + line_start, at - line_start);
    // Only a marker event counts, not output that happens to show the same words.
    if (before.find("\"m\"") == std::string_view::npos || before.back() != '"') continue;
    auto quote = buf.find('"', at);
    if (quote == std::string_view::npos) return std::nullopt;
    return parse_end_marker(buf.substr(at, quote - at));
  }
  return std::nullopt;
}

std::string Metadata::json() const {
  JsonObject o;
  o.str("version", version).str("session_id", session_id);
  if (stream) o.str("stream", stream_name(*stream));
  o.str("user", user).str("host", host);
  if (!target.empty()) o.str("target", target);
  o.list("argv", argv);
  if (!forwards.empty()) o.list("forwards", forwards);
  return o.text();
}

std::optional<Metadata> Metadata::parse(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element obj;
  if (parser.parse(json.data(), json.size()).get(obj) || !obj.is_object()) return std::nullopt;
  Metadata m;
  m.version = get_string(obj, "version");
  m.session_id = get_string(obj, "session_id");
  m.stream = parse_stream(get_string(obj, "stream"));
  m.user = get_string(obj, "user");
  m.host = get_string(obj, "host");
  m.target = get_string(obj, "target");
  for (auto [key, out] : {std::pair{"argv", &m.argv}, std::pair{"forwards", &m.forwards}}) {
    simdjson::dom::array list;
    if (!obj[key].get_array().get(list))
      for (auto a : list) {
        std::string_view s;
        if (!a.get_string().get(s)) out->emplace_back(s);
      }
  }
  return m;
}

std::optional<Metadata> metadata_of(const Header& header) {
  const std::string* raw = header.find_extra("recssh");
  return raw ? Metadata::parse(*raw) : std::nullopt;
}

std::optional<Metadata> read_metadata(const std::string& path) {
  return metadata_of(open_reader(path, "", ReadOptions{})->header());
}

std::string end_marker(const SessionEnd& end) {
  std::string s = std::string(k_end_prefix) + std::to_string(end.status);
  s += " reason=" + (!end.reason.empty() ? end.reason : end.signal ? "signal" : "exit");
  if (end.signal) s += " signal=" + std::to_string(end.signal);
  if (end.lost) s += " lost=" + std::to_string(end.lost);
  return s;
}

std::optional<SessionEnd> parse_end_marker(std::string_view text) {
  if (text.substr(0, k_end_prefix.size()) != k_end_prefix) return std::nullopt;
  text.remove_prefix(k_end_prefix.size());
  auto space = text.find(' ');
  auto status = parse_int(text.substr(0, space));
  if (!status) return std::nullopt;
  SessionEnd end;
  end.status = *status;
  if (space != std::string_view::npos) {
    std::string_view rest = text.substr(space + 1);
    end.reason = std::string(word_value(rest, "reason"));
    end.signal = parse_int(word_value(rest, "signal")).value_or(0);
    if (auto lost = word_value(rest, "lost"); !lost.empty()) {
      std::uint64_t n = 0;
      auto [p, ec] = std::from_chars(lost.data(), lost.data() + lost.size(), n);
      if (ec == std::errc() && p == lost.data() + lost.size()) end.lost = n;
    }
  }
  return end;
}

std::optional<SessionEnd> read_session_end(const std::string& path) {
  if (!path.ends_with(".gz")) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    struct stat st {};
    if (!fd.valid() || ::fstat(fd.get(), &st) != 0) throw Error("cannot read " + path + ": " + errno_message());
    return end_from_tail(fd.get(), st.st_size);
  }
  auto r = open_reader(path, "", ReadOptions{});
  std::optional<SessionEnd> last;
  Event e;
  while (r->next(e))
    if (e.is(code::marker))
      if (auto end = parse_end_marker(e.data)) last = end;
  return last;
}

} // namespace recssh::store
