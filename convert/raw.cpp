// SPDX-License-Identifier: MIT
#include "convert/raw.hpp"

#include "convert/data_stream.hpp"
#include "convert/event_queue.hpp"
#include "convert/script_header.hpp"
#include "convert/text.hpp"
#include "core/json.hpp"
#include "core/utf8.hpp"

#include <algorithm>
#include <cstring>
#include <sys/stat.h>

namespace recssh::convert {
namespace {

constexpr std::size_t k_piece = 1 << 16; // longest event; longer lines are split

// Display width of the widest line, roughly: code points, not counting escape
// sequences and carriage returns. Only for a plain file (one more read of it).
int widest_line(const std::string& path, Diagnostics* diag) {
  Input in = open_input(path, diag);
  char buf[1 << 16];
  int width = 0, best = 0;
  enum { text, esc, csi } state = text;
  for (;;) {
    std::size_t n = in.source->read(buf, sizeof buf);
    if (!n) break;
    for (std::size_t i = 0; i < n; ++i) {
      unsigned char c = static_cast<unsigned char>(buf[i]);
      if (state == esc) {
        state = c == '[' ? csi : text;
        continue;
      }
      if (state == csi) {
        if (c >= 0x40 && c <= 0x7e) state = text;
        continue;
      }
      if (c == '\n' || c == '\r') {
        best = std::max(best, width);
        width = 0;
      } else if (c == 0x1b) {
        state = esc;
      } else if (c >= 0x20 && (c & 0xc0) != 0x80) {
        ++width;
      }
    }
  }
  return std::max(best, width);
}

class RawReader final : public EventReader {
public:
  RawReader(Input in, const ReadOptions& o, bool script_frame)
      : EventReader(o), m_path(o.convert.path), m_frame(script_frame), m_onlcr(o.convert.onlcr && !script_frame),
        m_rate(o.convert.formats.get<RawOptions>().rate) {
    m_header.version = 0;
    std::string_view head = in.head;
    std::size_t eol = head.find('\n');
    std::optional<TermSize> size = o.convert.size;
    m_source.format = script_frame ? "script-untimed" : "raw";
    m_source.files.push_back({script_frame ? "output" : "raw", m_path});
    if (script_frame && eol != std::string_view::npos && is_script_start_line(head.substr(0, eol))) {
      m_skip = eol + 1;
      ScriptHeader sh = parse_script_start(head.substr(0, eol));
      m_header.timestamp = sh.timestamp;
      if (sh.command) m_header.command = sh.command;
      if (sh.term) m_header.env.push_back({"TERM", sh.term});
      if (!size) size = sh.size;
      m_source.details = "\"header\":" + json_string(sanitize_utf8(head.substr(0, eol)));
    }
    struct stat st {};
    if (!size && !in.gzip && m_path != "-" && ::stat(m_path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      int w = widest_line(m_path, o.diag);
      size = TermSize{std::clamp(w, 80, 500), 24};
    }
    if (size) m_header.size = *size;
    std::string rate = m_rate > 0 ? format_double(m_rate) + " lines/s" : "all at 0";
    m_source.details += std::string(m_source.details.empty() ? "" : ",") + "\"timing\":\"synthetic: " + rate + "\"";
    m_data = std::make_unique<DataStream>(std::move(in));
    m_data->skip(m_skip);
  }

private:
  // The next line (with its LF) or piece of a long line into `unit`; false at the end.
  bool next_unit(std::string& unit) {
    unit.clear();
    while (unit.size() < k_piece) {
      auto v = m_data->peek(k_piece - unit.size());
      if (v.empty()) break;
      const void* nl = std::memchr(v.data(), '\n', v.size());
      std::size_t n = nl ? static_cast<const char*>(nl) - v.data() + 1 : v.size();
      unit.append(v.data(), n);
      m_data->consume(n);
      if (nl) break;
    }
    if (!unit.empty()) ++m_line;
    return !unit.empty();
  }

  void add(std::string_view unit, std::string& out) {
    if (!m_onlcr) {
      m_dec.feed(unit, out);
      return;
    }
    // A pipe's bare LF would be CR LF on a terminal (onlcr); playback needs the CR.
    m_scratch.clear();
    append_onlcr(m_scratch, unit, m_last_cr);
    m_dec.feed(m_scratch, out);
  }

  // Adds one unit to the event being gathered. In a typescript a line's LF is held
  // back until the next unit comes: the LF before "Script done" is the footer's.
  void consume(std::string_view unit) {
    if (m_acc.empty()) m_acc_unit = m_units;
    ++m_units;
    if (m_lf_pending) add("\n", m_acc), m_lf_pending = false;
    if (m_frame && !unit.empty() && unit.back() == '\n') {
      unit.remove_suffix(1);
      m_lf_pending = true;
    }
    add(unit, m_acc);
  }

  bool take_event(Event& e) {
    if (m_acc.empty()) return false;
    e.time = time_of(m_acc_unit);
    e.code = "o";
    e.data.swap(m_acc);
    m_acc.clear();
    m_last_time = e.time;
    return true;
  }

  bool do_next(Event& e) override {
    for (;;) {
      if (m_queue.pop(e)) return true;
      if (m_done) return false;
      if (!next_unit(m_unit)) {
        finish();
        continue;
      }
      if (m_frame) {
        if (m_has_held) consume(m_held);
        m_held.swap(m_unit);
        m_has_held = true;
      } else {
        consume(m_unit);
      }
      if ((m_rate > 0 || m_acc.size() >= k_piece) && take_event(e)) return true;
    }
  }

  void finish() {
    m_done = true;
    if (m_has_held) {
      std::string_view last = m_held;
      if (!last.empty() && last.back() == '\n') last.remove_suffix(1);
      if (m_lf_pending && last.find('\n') == std::string_view::npos && is_script_done_line(last)) {
        m_lf_pending = false; // the footer and the LF before it are script's, not the session's
        m_source.details += ",\"footer\":" + json_string(sanitize_utf8(last));
        m_exit = parse_script_exit(last);
      } else {
        consume(m_held);
      }
    }
    if (m_lf_pending) add("\n", m_acc), m_lf_pending = false;
    m_dec.finish(m_acc);
    Event e;
    if (take_event(e)) m_queue.push(std::move(e));
    if (m_exit) m_queue.push(Event::marker(m_last_time, "recssh: end: status=" + std::to_string(*m_exit)));
  }

  Micros time_of(std::uint64_t line) const {
    if (m_rate <= 0) return Micros(0);
    return Micros(static_cast<std::int64_t>(static_cast<double>(line) * 1e6 / m_rate + 0.5));
  }

  std::string do_location() const override { return m_path + ":" + std::to_string(m_line); }

  std::string m_path;
  bool m_frame, m_onlcr;
  double m_rate;
  std::uint64_t m_skip = 0;
  std::unique_ptr<DataStream> m_data;
  Utf8Decoder m_dec;
  std::string m_unit, m_held, m_acc, m_scratch;
  bool m_has_held = false, m_lf_pending = false, m_done = false, m_last_cr = false;
  std::uint64_t m_line = 0, m_units = 0, m_acc_unit = 0;
  Micros m_last_time{0};
  std::optional<int> m_exit;
  EventQueue m_queue;
};

} // namespace

std::unique_ptr<EventReader> open_raw(Input in, const ReadOptions& options, bool script_frame) {
  return std::make_unique<RawReader>(std::move(in), options, script_frame);
}

} // namespace recssh::convert
