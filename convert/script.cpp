// SPDX-License-Identifier: MIT
#include "convert/script.hpp"

#include "convert/data_stream.hpp"
#include "convert/event_queue.hpp"
#include "convert/raw.hpp"
#include "convert/script_files.hpp"
#include "convert/script_log_plan.hpp"
#include "convert/script_header.hpp"
#include "convert/script_timing.hpp"
#include "core/fd.hpp"
#include "core/json.hpp"
#include "core/utf8.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::convert {
namespace {

constexpr std::size_t k_window = k_script_window;
constexpr std::size_t k_untimed_chunk = 1 << 16;

// One data log (output, input, or both).
struct DataLog {
  std::string role, path;
  std::unique_ptr<DataStream> data;
  LogPlan plan;
  std::uint64_t timed_left = 0;   // of plan.body
  bool warned_short = false;
};

class ScriptReader final : public EventReader {
public:
  ScriptReader(Input timing, std::string timing_path, const TimingSummary& summary, std::string out_path,
               std::string in_path, bool io, const ReadOptions& o)
      : EventReader(o), m_timing_in(std::move(timing)),
        m_timing(*m_timing_in.source, m_timing_in.name, diagnostics()), m_summary(summary) {
    m_no_input = options().convert.no_input;
    m_legacy = options().convert.formats.get<ScriptOptions>().legacy_timing && !summary.advanced;
    m_source.format = summary.advanced ? "script-advanced" : "script-classic";
    m_source.files.push_back({"timing", timing_path});
    if (io) {
      open_log(m_out, "io", out_path, summary.out_bytes + summary.in_bytes);
      m_in_shared = true;
    } else {
      if (!out_path.empty()) open_log(m_out, "output", out_path, summary.out_bytes);
      if (!in_path.empty() && !m_no_input) open_log(m_in, "input", in_path, summary.in_bytes);
    }
    if (!m_out.data && summary.out_bytes)
      diagnostics().warn(timing_path, "no output log: the output the timing describes is left out");
    build_header();
    // Appended sessions first, at t=0 (see script.hpp).
    for (DataLog* log : {&m_out, &m_in}) {
      if (!log->data) continue;
      log->data->skip(log->plan.header);
      if (log->plan.untimed) {
        m_untimed.push_back(log);
        m_queue.push(Event::marker(Micros(0), "recssh: untimed: " + std::to_string(log->plan.untimed) +
                                                       " bytes of earlier sessions appended to " +
                                                       base_of(log->path) + " (no timing)"));
      } else {
        log->data->skip(log->plan.second_header);
      }
    }
  }

private:
  void open_log(DataLog& log, std::string role, const std::string& path, std::uint64_t timed) {
    log.role = role;
    log.path = path;
    Input in = open_input(path, &diagnostics());
    log.plan = plan_log(path, in, timed, diagnostics());
    log.timed_left = log.plan.body;
    log.data = std::make_unique<DataStream>(std::move(in));
    m_source.files.push_back({std::move(role), path});
  }

  void build_header() {
    m_header.version = 0;
    const LogPlan* main = m_out.data ? &m_out.plan : m_in.data ? &m_in.plan : nullptr;
    ScriptHeader sh;
    if (main) {
      const std::string& line = main->session_header_line.empty() ? main->header_line : main->session_header_line;
      sh = parse_script_start(line);
    }
    if (sh.size) m_header.size = *sh.size;
    m_header.timestamp = sh.timestamp;
    if (sh.command) m_header.command = sh.command;
    std::optional<std::string> term = sh.term, shell;
    int cols = 0, rows = 0;
    for (const auto& [k, v] : m_summary.info) {
      if (k == "START_TIME") {
        if (auto t = find_iso_time(v)) m_header.timestamp = t;
      } else if (k == "COLUMNS") cols = std::atoi(v.c_str());
      else if (k == "LINES") rows = std::atoi(v.c_str());
      else if (k == "TERM" && v != "(null)") term = v;
      else if (k == "SHELL") shell = v;
      else if (k == "COMMAND") m_header.command = v;
      else if (k == "DURATION") m_header.duration = std::atof(v.c_str());
      else if (k == "EXIT_CODE") m_exit = std::atoi(v.c_str());
    }
    if (cols > 0 && rows > 0 && cols < 65536 && rows < 65536) m_header.size = {cols, rows};
    if (options().convert.size) m_header.size = *options().convert.size;
    if (shell) m_header.env.push_back({"SHELL", shell});
    if (term) m_header.env.push_back({"TERM", term});
    if (main && !m_exit) m_exit = parse_script_exit(main->footer_line);
    std::string d;
    if (main && !main->header_line.empty()) d += "\"header\":" + json_string(sanitize_utf8(main->header_line));
    if (main && !main->footer_line.empty())
      d += std::string(d.empty() ? "" : ",") + "\"footer\":" + json_string(sanitize_utf8(main->footer_line));
    if (m_legacy) d += std::string(d.empty() ? "" : ",") + "\"timing\":\"util-linux <= 2.24 (shifted one chunk)\"";
    m_source.details = d;
  }

  bool read_record(TimingRecord& r) {
    if (!m_legacy) return m_timing.next(r);
    // <= 2.24 took the time before the blocking read: each chunk's arrival is the
    // next line's delay later. Look one record ahead.
    if (!m_primed) {
      m_primed = true;
      m_have_ahead = m_timing.next(m_ahead);
    }
    if (!m_have_ahead) return false;
    r = m_ahead;
    Micros own = r.delay;
    m_have_ahead = m_timing.next(m_ahead);
    r.delay = m_have_ahead ? m_ahead.delay : Micros(0);
    if (m_first_legacy) { // keep the total: the first delay is before any chunk
      m_first_legacy = false;
      r.delay += own;
    }
    return true;
  }

  // The bytes of one timed chunk from `log`, decoded into `out`.
  void take(DataLog& log, std::uint64_t n, bool input, Utf8Decoder& dec, std::string& out) {
    std::uint64_t want = std::min(n, log.timed_left);
    std::uint64_t got = 0;
    while (got < want) {
      auto v = log.data->peek(static_cast<std::size_t>(std::min<std::uint64_t>(want - got, 1u << 30)));
      if (v.empty()) break;
      dec.feed(v, out);
      log.data->consume(v.size());
      got += v.size();
    }
    log.timed_left -= got;
    if (got < n) {
      m_short[input] += n - got;
      if (!log.warned_short && !log.plan.missing) {
        log.warned_short = true;
        warn(log.path + " ends before the bytes this timing line describes (truncated?)");
      }
    }
  }

  // One piece of an earlier, untimed session; the log's last session header is
  // skipped after it.
  void untimed_step(Event& e) {
    DataLog& log = *m_untimed.front();
    bool input = &log == &m_in;
    e.time = Micros(0);
    e.code = input ? "i" : "o";
    e.data.clear();
    std::uint64_t n = std::min<std::uint64_t>(log.plan.untimed - m_untimed_done, k_untimed_chunk);
    m_scratch.clear();
    std::size_t got = log.data->take(static_cast<std::size_t>(n), m_scratch);
    m_untimed_done += got;
    m_untimed_dec.feed(m_scratch, e.data);
    if (m_untimed_done >= log.plan.untimed || got == 0) {
      m_untimed_dec.finish(e.data);
      m_untimed_dec = Utf8Decoder();
      log.data->skip(log.plan.second_header);
      m_untimed.pop_front();
      m_untimed_done = 0;
      if (m_untimed.empty()) m_queue.push(Event::marker(Micros(0), "recssh: timed session begins"));
    }
  }

  // After the timing: extra bytes, the gap marker, the exit marker.
  void finish_logs() {
    for (DataLog* log : {&m_out, &m_in}) {
      if (!log->data) continue;
      bool input = log == &m_in;
      Utf8Decoder& dec = input ? m_in_dec : m_out_dec;
      std::string rest;
      std::uint64_t extra = log->plan.extra;
      if (log->plan.unknown_rest) {
        // streamed input: what follows the timed bytes is a footer ("\n" + one line
        // + "\n") or data the timing does not cover
        log->data->take(k_window + 1, rest);
        std::size_t nl = rest.size() >= 2 ? rest.find('\n', 1) : std::string::npos;
        if (rest.size() <= k_window && !rest.empty() && rest[0] == '\n' && nl == rest.size() - 1) {
          log->plan.footer_line = rest.substr(1, rest.size() - 2);
          if (!m_exit) m_exit = parse_script_exit(log->plan.footer_line);
          rest.clear();
        } else if (!rest.empty()) {
          warn(std::to_string(rest.size()) + "+ bytes after the last timed chunk of " + log->path +
               " (the data is longer than the timing): kept as output at the end");
        }
        extra = rest.size();
      }
      if (extra == 0) continue;
      m_queue.push(Event::marker(m_time, "recssh: gap: " + std::string(input ? "input" : "output") +
                                                  " after here has no timing (" + base_of(log->path) + ")"));
      std::string data;
      if (!log->plan.unknown_rest) {
        // stream it in pieces
        std::uint64_t left = extra;
        while (left) {
          std::string piece;
          std::size_t got = log->data->take(static_cast<std::size_t>(std::min<std::uint64_t>(left, k_untimed_chunk)), piece);
          if (!got) break;
          left -= got;
          std::string d;
          dec.feed(piece, d);
          if (!d.empty()) m_queue.push({m_time, input ? "i" : "o", std::move(d)});
        }
      } else {
        dec.feed(rest, data);
        for (;;) {
          std::string piece;
          if (!log->data->take(k_untimed_chunk, piece)) break;
          dec.feed(piece, data);
          if (data.size() > k_untimed_chunk) m_queue.push({m_time, input ? "i" : "o", std::move(data)}), data.clear();
        }
        if (!data.empty()) m_queue.push({m_time, input ? "i" : "o", std::move(data)});
      }
    }
    for (DataLog* log : {&m_out, &m_in}) {
      if (!log->data) continue;
      bool input = log == &m_in;
      std::string tail;
      (input ? m_in_dec : m_out_dec).finish(tail);
      if (!tail.empty()) m_queue.push({m_time, input ? "i" : "o", std::move(tail)});
    }
    if (m_in_shared) {
      std::string tail;
      m_in_dec.finish(tail);
      if (!tail.empty()) m_queue.push({m_time, "i", std::move(tail)});
    }
    for (int i = 0; i < 2; ++i)
      if (m_short[i])
        m_queue.push(Event::marker(m_time, "recssh: gap: " + std::to_string(m_short[i]) + " bytes of " +
                                                    (i ? "input" : "output") +
                                                    " the timing describes are missing from the data"));
    if (m_exit) m_queue.push(Event::marker(m_time, "recssh: end: status=" + std::to_string(*m_exit)));
  }

  bool do_next(Event& e) override {
    for (;;) {
      if (m_queue.pop(e)) return true;
      if (!m_untimed.empty()) {
        untimed_step(e);
        if (!e.data.empty()) return true;
        continue;
      }
      if (m_finished) return false;
      TimingRecord r;
      if (!read_record(r)) {
        m_finished = true;
        finish_logs();
        continue;
      }
      auto sum = add_times(m_time, r.delay);
      if (!sum) throw FormatError(location(), "the delays add up to more than the longest time, " + max_time_text(), false);
      m_time = *sum;
      switch (r.type) {
      case 'O':
      case 'I': {
        bool input = r.type == 'I';
        DataLog* log = m_in_shared ? &m_out : input ? &m_in : &m_out;
        if (!log->data) continue; // a stream with no log: its time still counts
        if (input && m_no_input) {
          if (m_in_shared) {
            std::uint64_t n = std::min(r.size, log->timed_left);
            log->data->skip(n);
            log->timed_left -= n;
          }
          continue;
        }
        e.time = m_time;
        e.code = input ? "i" : "o";
        e.data.clear();
        take(*log, r.size, input, input ? m_in_dec : m_out_dec, e.data);
        if (e.data.empty()) continue;
        return true;
      }
      case 'S':
        if (r.name == "SIGWINCH") {
          auto rows = r.value.find("ROWS="), cols = r.value.find("COLS=");
          if (rows != std::string_view::npos && cols != std::string_view::npos) {
            int rr = std::atoi(std::string(r.value.substr(rows + 5)).c_str());
            int cc = std::atoi(std::string(r.value.substr(cols + 5)).c_str());
            if (rr > 0 && cc > 0 && rr < 65536 && cc < 65536) {
              e = Event::resize(m_time, {cc, rr});
              return true;
            }
          }
          continue;
        }
        e = Event::marker(m_time, "recssh: signal: " + std::string(r.name) +
                                      (r.value.empty() ? "" : " " + std::string(r.value)));
        return true;
      default: // H: in the header already
        continue;
      }
    }
  }

  std::string do_location() const override { return m_timing.location(); }

  Input m_timing_in;
  TimingReader m_timing;
  TimingSummary m_summary;
  DataLog m_out, m_in;
  bool m_in_shared = false; // -B: input and output in m_out
  bool m_no_input = false, m_legacy = false, m_primed = false, m_have_ahead = false, m_first_legacy = true;
  TimingRecord m_ahead;
  Utf8Decoder m_out_dec, m_in_dec;
  Micros m_time{0};
  EventQueue m_queue;
  std::deque<DataLog*> m_untimed;
  std::uint64_t m_untimed_done = 0;
  Utf8Decoder m_untimed_dec;
  std::string m_scratch;
  std::uint64_t m_short[2] = {0, 0};
  std::optional<int> m_exit;
  bool m_finished = false;
};

} // namespace

std::unique_ptr<EventReader> open_script(Input in, const ReadOptions& options) {
  const ConvertOptions& c = options.convert;
  const ScriptOptions& s = c.formats.get<ScriptOptions>();
  Diagnostics fallback;
  Diagnostics& diag = options.diag ? *options.diag : fallback;
  const bool named_is_timing = probe_script_timing(in.head);
  std::string timing = s.timing, out = s.log_out, input = s.log_in, io = s.log_io;
  if (named_is_timing) {
    if (!timing.empty() && timing != c.path)
      throw UsageError(c.path + " is a timing file, and --timing names another (" + timing + ")");
    timing = c.path;
  } else if (out.empty() && io.empty() && input.empty()) {
    out = c.path;
  } else if (out.empty() && io.empty() && input != c.path) {
    out = c.path;
  }
  if (timing.empty() && !out.empty()) timing = find_timing_for(out);
  if (timing.empty()) {
    if (out.empty()) throw UsageError("no timing file and no typescript given");
    // A typescript with no timing: its bytes, framed, without times.
    diag.warn(out, "no timing file found (give one with --timing): converted without timing");
    if (named_is_timing || out != c.path) in = open_input(out, options.diag);
    return open_raw(std::move(in), options, true);
  }
  if (timing == "-") throw UsageError("the timing file must be a file, not stdin (it is read twice)");
  TimingSummary summary = scan_timing(timing, diag);
  if (const std::string *o = summary.find("OUTPUT_LOG"), *i = summary.find("INPUT_LOG");
      !out.empty() && input.empty() && io.empty() && o && i && *o == *i && summary.in_bytes) {
    io = out; // script -B: the log named holds both streams
    out.clear();
  }
  if (out.empty() && input.empty() && io.empty()) {
    const std::string* o = summary.find("OUTPUT_LOG");
    const std::string* i = summary.find("INPUT_LOG");
    if (o && i && *o == *i) {
      io = resolve_logged(timing, *o);
      if (io.empty()) throw Error(timing + ": the I/O log it names (" + *o + ") is not there (give it with --log-io)");
    } else {
      if (o) out = resolve_logged(timing, *o);
      if (i) input = resolve_logged(timing, *i);
      if (o && out.empty()) diag.warn(timing, "the output log it names (" + *o + ") is not there (--log-out)");
      if (i && input.empty() && !c.no_input)
        diag.warn(timing, "the input log it names (" + *i + ") is not there (--log-in)");
    }
    if (!summary.advanced && out.empty()) out = find_typescript_for(timing);
    if (out.empty() && input.empty() && io.empty())
      throw Error(timing + ": no data log found for this timing file (give it with --log-out, --log-in or --log-io)");
  }
  Input timing_in = named_is_timing ? std::move(in) : open_input(timing, options.diag);
  if (!io.empty()) return std::make_unique<ScriptReader>(std::move(timing_in), timing, summary, io, "", true, options);
  return std::make_unique<ScriptReader>(std::move(timing_in), timing, summary, out, input, false, options);
}

} // namespace recssh::convert
