// SPDX-License-Identifier: MIT
#include "search/grep.hpp"

#include "core/format.hpp"
#include "core/json.hpp"
#include "core/printable.hpp"
#include "store/metadata.hpp"

#include <cstdio>
#include <ctime>
#include <deque>

namespace recssh::search {

namespace {

constexpr std::string_view k_file_colour = "\x1b[35m", k_sep_colour = "\x1b[36m", k_time_colour = "\x1b[32m",
                           k_match_colour = "\x1b[01;31m", k_reset = "\x1b[m";

// One file's lines through grep's rules, formatted into `out`.
class Formatter {
public:
  Formatter(const std::string& path, const Header& header, const Matcher& matcher, const GrepOptions& o,
            FileResult& result)
      : m_path(path), m_name(printable(path)), m_header(header), m_matcher(matcher), m_o(o), m_r(result) {
    if (m_o.json) {
      if (auto md = store::metadata_of(header)) {
        m_meta.str("user", md->user).str("host", md->host).str("target", md->target).str("session", md->session_id);
        if (md->stream) m_meta.str("stream_kind", std::string(store::stream_name(*md->stream)));
      }
      std::string t = m_meta.text(); // "{...}"
      if (t.size() > 2) m_meta_text = t.substr(1);
    }
  }

  // False once nothing more can change the result (-m reached, -l found one).
  bool line(const Line& l) {
    ++m_seq;
    bool hit = m_matcher.matches(l.text) != m_o.invert;
    if (!hit) {
      if (m_after_left > 0) {
        --m_after_left;
        print(l, m_seq, false);
      } else if (m_o.before > 0) {
        m_before.push_back({l.time, std::string(l.stream), std::string(l.text), m_seq});
        if (int(m_before.size()) > m_o.before) m_before.pop_front();
      }
      return !m_done || m_after_left > 0;
    }
    if (m_done) return false; // (the trailing context ended)
    ++m_r.hits;
    if (m_o.report == GrepOptions::Report::files) return false;
    if (m_o.report == GrepOptions::Report::lines) {
      for (const auto& b : m_before) print(Line{b.time, b.stream, b.text}, b.seq, false);
      m_before.clear();
      print(l, m_seq, true);
      m_after_left = m_o.after;
    }
    if (m_o.max_count && m_r.hits >= m_o.max_count) {
      m_done = true;
      return m_after_left > 0;
    }
    return true;
  }

  void finish() {
    if (m_o.report == GrepOptions::Report::count) {
      if (m_o.json)
        m_r.output += JsonObject().str("file", m_path).raw("count", std::to_string(m_r.hits)).text() + "\n";
      else
        m_r.output += file_name() + sep(':') + std::to_string(m_r.hits) + "\n";
    } else if (m_o.report == GrepOptions::Report::files && m_r.hits > 0) {
      m_r.output += m_o.json ? JsonObject().str("file", m_path).text() + "\n" : file_name() + "\n";
    }
    if (m_o.json) m_r.output = terminal_safe_json(m_r.output);
  }

private:
  struct Held {
    Micros time;
    std::string stream, text;
    std::uint64_t seq;
  };

  std::string file_name() const {
    return m_o.color ? std::string(k_file_colour) + m_name + std::string(k_reset) : m_name;
  }
  std::string sep(char c) const {
    return m_o.color ? std::string(k_sep_colour) + c + std::string(k_reset) : std::string(1, c);
  }
  std::string when(Micros t) const {
    return m_o.wall && m_header.timestamp ? format_wall(*m_header.timestamp, t) : format_offset(t);
  }

  void print(const Line& l, std::uint64_t seq, bool hit) {
    if (m_o.json) {
      JsonObject j;
      j.str("file", m_path).str("time", format_offset(l.time));
      j.raw("seconds", format_seconds(l.time));
      if (m_header.timestamp) j.str("wall", format_wall(*m_header.timestamp, l.time));
      j.str("stream", l.stream).str("line", l.text);
      if (!hit) j.raw("context", "true");
      m_r.output += m_meta_text.empty() ? j.text() : merge(j.text());
      m_r.output += '\n';
      return;
    }
    if ((m_o.before > 0 || m_o.after > 0) && m_last_seq != 0 && seq > m_last_seq + 1)
      m_r.output += m_o.color ? std::string(k_sep_colour) + "--" + std::string(k_reset) + "\n" : "--\n";
    m_last_seq = seq;
    const char s = hit ? ':' : '-';
    std::string t = when(l.time);
    m_r.output += file_name() + sep(s) + (m_o.color ? std::string(k_time_colour) + t + std::string(k_reset) : t) + sep(s) +
                  ' ';
    std::string text = printable(l.text);
    if (m_o.color && hit && !m_o.invert) {
      std::size_t at = 0;
      for (auto [b, e] : m_matcher.spans(text)) {
        m_r.output.append(text, at, b - at);
        m_r.output += std::string(k_match_colour) + text.substr(b, e - b) + std::string(k_reset);
        at = e;
      }
      m_r.output.append(text, at);
    } else {
      m_r.output += text;
    }
    m_r.output += '\n';
    if (hit && m_o.play_hint) m_r.output += "  recast play " + m_name + " --at " + format_offset(l.time) + "\n";
  }

  // The per-line object followed by the recording's metadata members.
  std::string merge(std::string line) const {
    line.pop_back(); // '}'
    return line + "," + m_meta_text;
  }

  const std::string& m_path;
  std::string m_name;
  const Header& m_header;
  const Matcher& m_matcher;
  const GrepOptions& m_o;
  FileResult& m_r;
  JsonObject m_meta;
  std::string m_meta_text; // the metadata members and the closing brace
  std::deque<Held> m_before;
  int m_after_left = 0;
  bool m_done = false;
  std::uint64_t m_seq = 0, m_last_seq = 0;
};

} // namespace

std::string format_offset(Micros t) {
  auto ms = t.count() / 1000;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%03lld", static_cast<long long>(ms / 3600000),
                static_cast<long long>(ms / 60000 % 60), static_cast<long long>(ms / 1000 % 60),
                static_cast<long long>(ms % 1000));
  return buf;
}

std::string format_wall(std::int64_t start, Micros t) {
  auto ms = t.count() / 1000;
  std::time_t secs = static_cast<std::time_t>(start + ms / 1000);
  std::tm tm{};
  ::localtime_r(&secs, &tm);
  char buf[64];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03lld", static_cast<long long>(ms % 1000));
  return buf;
}

FileResult grep_reader(EventReader& reader, const std::string& label, const std::string& path, const Matcher& matcher,
                       const GrepOptions& options) {
  FileResult result;
  TranscriptOptions to = options.transcript;
  auto md = store::metadata_of(reader.header());
  to.exec = md && md->stream == store::Stream::exec;
  auto end = [&]() -> std::optional<store::SessionEnd> {
    if (path.empty() || path == "-") return std::nullopt;
    try {
      return store::read_session_end(path);
    } catch (const Error&) {
      return std::nullopt; // (not a cast: no end marker to read)
    }
  };
  if (!options.filter.empty() && !options.filter.passes(reader.header(), md, end)) {
    result.filtered_out = true;
    return result;
  }
  Formatter f(label, reader.header(), matcher, options, result);
  auto info = transcribe(reader, to, [&](const Line& l) { return f.line(l); });
  f.finish();
  result.masked = info.masked;
  result.emulated = info.emulated;
  return result;
}

FileResult grep_file(const std::string& path, const Matcher& matcher, const GrepOptions& options,
                     const std::string& from, const std::string& label) {
  ReadOptions ro;
  ro.threads = 1; // files run in parallel already
  auto reader = open_reader(path, from, ro);
  return grep_reader(*reader, label.empty() ? path : label, path, matcher, options);
}

FileResult grep_sessions(const FormatInfo& format, const std::string& base, const std::vector<std::string>& files,
                         const Matcher& matcher, const GrepOptions& options) {
  ReadOptions ro;
  ro.threads = 1;
  GrepOptions o = options;
  o.play_hint = false; // (play opens a file, not one session of several)
  FileResult all;
  const auto ordered = format.sessions->order(files, ro.diag);
  // (The scan reads every record and warns once; opening a session reads them again.)
  Diagnostics quiet;
  quiet.on_warning = [](const std::string&, const std::string&) {};
  ReadOptions again = ro;
  again.diag = &quiet;
  for (const auto& ref : format.sessions->scan(ordered, ro)) {
    auto reader = format.sessions->open(ordered, ref, again);
    FileResult r = grep_reader(*reader, base + "[" + ref.name + "]", "", matcher, o);
    all.output += r.output;
    all.hits += r.hits;
    all.masked += r.masked;
    all.emulated = all.emulated || r.emulated;
  }
  return all;
}

} // namespace recssh::search
