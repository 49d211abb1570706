// SPDX-License-Identifier: MIT
#include "convert/sudo_io.hpp"

#include "convert/data_stream.hpp"
#include "convert/script_timing.hpp"
#include "convert/text.hpp"
#include "core/json.hpp"
#include "core/line_reader.hpp"
#include "core/utf8.hpp"

#include <array>
#include <cstdlib>
#include <simdjson.h>
#include <sys/stat.h>

namespace recssh::convert {
namespace {

bool exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Event numbers of the timing file, and the stream file each reads.
enum Stream { k_stdin, k_stdout, k_stderr, k_ttyin, k_ttyout, k_streams };
constexpr std::array<const char*, k_streams> k_files = {"stdin", "stdout", "stderr", "ttyin", "ttyout"};

std::string read_small(const std::string& path) {
  Input in = open_input(path);
  std::string out;
  char buf[1 << 14];
  for (std::size_t n; (n = in.source->read(buf, sizeof buf)) > 0;) {
    out.append(buf, n);
    if (out.size() > (16u << 20)) throw Error(path + ": too large for a sudo log file");
  }
  return out;
}

class SudoReader final : public EventReader {
public:
  SudoReader(const std::string& dir, const ReadOptions& o)
      : EventReader(o), m_dir(dir), m_timing_in(open_input(dir + "/timing", o.diag)),
        m_lines(*m_timing_in.source, m_timing_in.name, std::size_t(1) << 20) {
    m_header.version = 0;
    m_source.format = "sudo-io";
    m_source.files.push_back({"timing", dir + "/timing"});
    read_info();
    for (const char* f : k_files) // all of them: the header is written before they are read
      if (exists(dir + "/" + f)) m_source.files.push_back({f, dir + "/" + f});
    if (o.convert.size) m_header.size = *o.convert.size;
    m_shift = detect_187();
  }

private:
  void read_info() {
    std::string details;
    if (exists(m_dir + "/log.json")) {
      m_source.files.push_back({"log.json", m_dir + "/log.json"});
      std::string text = read_small(m_dir + "/log.json");
      simdjson::dom::parser parser;
      simdjson::dom::element doc;
      if (parser.parse(text).get(doc))
        throw FormatError(m_dir + "/log.json", "not valid JSON", false);
      int64_t v = 0;
      if (!doc.at_pointer("/timestamp/seconds").get(v)) m_header.timestamp = v;
      int64_t cols = 0, lines = 0;
      if (doc["columns"].get(cols)) cols = 0;
      if (doc["lines"].get(lines)) lines = 0;
      if (cols > 0 && lines > 0 && cols < 65536 && lines < 65536) m_header.size = {int(cols), int(lines)};
      simdjson::dom::array argv;
      if (!doc["runargv"].get(argv)) {
        std::string cmd;
        for (auto a : argv) {
          std::string_view s;
          if (a.get(s)) continue;
          if (!cmd.empty()) cmd += ' ';
          cmd += s;
        }
        if (!cmd.empty()) m_header.command = cmd;
      }
      std::string_view sv;
      if (!m_header.command && !doc["command"].get(sv)) m_header.command = std::string(sv);
      simdjson::dom::array env;
      if (!doc["runenv"].get(env))
        for (auto a : env)
          if (!a.get(sv) && sv.substr(0, 5) == "TERM=") m_header.env.push_back({"TERM", std::string(sv.substr(5))});
      for (const char* key : {"submituser", "runuser", "rungroup", "submithost", "ttyname", "submitcwd", "runcwd", "uuid"})
        if (!doc[key].get(sv)) details += std::string(details.empty() ? "" : ",") + "\"" + key + "\":" + json_string(sv);
      int64_t ev = 0;
      if (!doc["exit_value"].get(ev)) m_exit = static_cast<int>(ev);
    } else if (exists(m_dir + "/log")) {
      m_source.files.push_back({"log", m_dir + "/log"});
      std::string text = read_small(m_dir + "/log");
      // "<time>:<user>:<runuser>:<rungroup>:<tty>[:<lines>:<cols>]\n<cwd>\n<command>\n"
      std::size_t e1 = text.find('\n');
      std::string first = text.substr(0, e1);
      std::vector<std::string> f;
      for (std::size_t a = 0, b; a <= first.size(); a = b + 1) {
        b = first.find(':', a);
        if (b == std::string::npos) b = first.size();
        f.push_back(first.substr(a, b - a));
      }
      if (f.size() < 5) throw FormatError(m_dir + "/log:1", "expected time:user:runuser:rungroup:tty[:lines:cols]", false);
      m_header.timestamp = std::atoll(f[0].c_str());
      if (f.size() >= 7) {
        int lines = std::atoi(f[5].c_str()), cols = std::atoi(f[6].c_str());
        if (cols > 0 && lines > 0 && cols < 65536 && lines < 65536) m_header.size = {cols, lines};
      }
      details = "\"submituser\":" + json_string(sanitize_utf8(f[1])) + ",\"runuser\":" + json_string(sanitize_utf8(f[2])) +
                ",\"ttyname\":" + json_string(sanitize_utf8(f[4]));
      if (e1 != std::string::npos) {
        std::size_t e2 = text.find('\n', e1 + 1);
        details += ",\"submitcwd\":" + json_string(sanitize_utf8(text.substr(e1 + 1, e2 - e1 - 1)));
        if (e2 != std::string::npos) {
          std::string cmd = text.substr(e2 + 1);
          if (!cmd.empty() && cmd.back() == '\n') cmd.pop_back();
          if (!cmd.empty()) m_header.command = sanitize_utf8(cmd);
        }
      }
    }
    if (!details.empty()) m_source.details = "\"sudo\":{" + details + "}";
  }

  // sudo 1.8.7 wrote every event number 2 too high; a file with 6 and no 4 is one.
  int detect_187() {
    Input in = open_input(m_dir + "/timing", options().diag);
    LineReader lines(*in.source, in.name, std::size_t(1) << 20);
    std::string_view line;
    bool six = false, four = false;
    while (lines.next(line)) {
      if (line.size() > 1 && line[1] == ' ') six |= line[0] == '6', four |= line[0] == '4';
    }
    if (six && !four) {
      warn("event numbers are those of sudo 1.8.7 (2 too high): corrected");
      return 2;
    }
    return 0;
  }

  DataStream* stream(int s) {
    if (!m_streams[s]) {
      std::string path = m_dir + "/" + k_files[s];
      if (!exists(path)) throw FormatError(location(), std::string("the timing refers to ") + k_files[s] +
                                                           ", which is not in " + m_dir, false);
      m_streams[s] = std::make_unique<DataStream>(open_input(path, options().diag));
    }
    return m_streams[s].get();
  }

  bool do_next(Event& e) override {
    std::string_view line;
    for (;;) {
      if (!m_lines.next(line)) return finish(e);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) continue;
      std::size_t p = 0;
      int ev = -1;
      if (line[0] >= '0' && line[0] <= '9' && line.size() > 2 && line[1] == ' ') ev = line[0] - '0' - m_shift, p = 2;
      Micros delay{0};
      if (ev < 0 || !parse_decimal_seconds(line, p, delay) || p >= line.size() || line[p] != ' ') {
        if (!m_lines.terminated()) {
          warn("unterminated last timing line ignored");
          return finish(e);
        }
        throw FormatError(location(), "bad timing line \"" + std::string(line.substr(0, 80)) +
                                          "\" (expected: EVENT DELAY DATA)", false);
      }
      if (ev < 0 || ev == 6 || ev > 7) // 6 is 1.8.7's ttyout, only valid in a file of that numbering
        throw FormatError(location(), "unknown event " + std::string(1, line[0]) + " (expected 0-5 or 7)", false);
      auto sum = add_times(m_time, delay);
      if (!sum) throw FormatError(location(), "the delays add up to more than the longest time, " + max_time_text(), false);
      m_time = *sum;
      std::string_view rest = line.substr(p + 1);
      if (ev == 5) { // window size: lines then columns
        int rows = std::atoi(std::string(rest).c_str());
        std::size_t sp = rest.find(' ');
        int cols = sp == std::string_view::npos ? 0 : std::atoi(std::string(rest.substr(sp + 1)).c_str());
        if (rows <= 0 || cols <= 0 || rows > 65535 || cols > 65535)
          throw FormatError(location(), "bad window size \"" + std::string(rest) + "\"", false);
        e = Event::resize(m_time, {cols, rows});
        return true;
      }
      if (ev == 7) {
        std::string sig(rest);
        if (!sig.empty() && sig[0] >= 'A') sig = "SIG" + sig;
        e = Event::marker(m_time, "recssh: signal: " + sanitize_utf8(sig));
        return true;
      }
      std::uint64_t n = std::strtoull(std::string(rest).c_str(), nullptr, 10);
      bool input = ev == k_stdin || ev == k_ttyin;
      DataStream* s = stream(ev);
      if (input && options().convert.no_input) {
        s->skip(n);
        continue;
      }
      m_raw.clear();
      std::size_t got = s->take(static_cast<std::size_t>(n), m_raw);
      if (got < n) m_missing += n - got;
      e.time = m_time;
      e.code = input ? "i" : "o";
      e.data.clear();
      if ((ev == k_stdout || ev == k_stderr) && options().convert.onlcr) {
        m_scratch.clear();
        append_onlcr(m_scratch, m_raw, m_last_cr[ev]);
        m_dec[ev].feed(m_scratch, e.data);
      } else {
        m_dec[ev].feed(m_raw, e.data);
      }
      if (!e.data.empty()) return true;
    }
  }

  bool finish(Event& e) {
    while (m_tail < k_streams + 2) {
      int s = m_tail++;
      if (s < k_streams) {
        e.data.clear();
        m_dec[s].finish(e.data);
        if (e.data.empty()) continue;
        e.time = m_time;
        e.code = s == k_stdin || s == k_ttyin ? "i" : "o";
        return true;
      }
      if (s == k_streams && m_missing) {
        warn(std::to_string(m_missing) + " bytes the timing describes are missing from the stream files");
        e = Event::marker(m_time, "recssh: gap: " + std::to_string(m_missing) + " bytes missing from the stream files");
        return true;
      }
      if (s == k_streams + 1 && m_exit) {
        e = Event::marker(m_time, "recssh: end: status=" + std::to_string(*m_exit));
        return true;
      }
    }
    return false;
  }

  std::string do_location() const override { return m_lines.location(); }

  std::string m_dir;
  Input m_timing_in;
  LineReader m_lines;
  std::array<std::unique_ptr<DataStream>, k_streams> m_streams;
  std::array<Utf8Decoder, k_streams> m_dec;
  std::array<bool, k_streams> m_last_cr{};
  std::string m_raw, m_scratch;
  Micros m_time{0};
  int m_shift = 0, m_tail = 0;
  std::uint64_t m_missing = 0;
  std::optional<int> m_exit;
};

} // namespace

bool probe_sudo_dir(const std::string& dir) {
  return exists(dir + "/timing") && (exists(dir + "/log") || exists(dir + "/log.json"));
}

std::unique_ptr<EventReader> open_sudo(const std::string& dir, const ReadOptions& options) {
  return std::make_unique<SudoReader>(dir, options);
}

} // namespace recssh::convert
