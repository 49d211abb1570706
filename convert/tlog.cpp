// SPDX-License-Identifier: MIT
#include "convert/tlog.hpp"

#include "convert/event_queue.hpp"
#include "core/json.hpp"
#include "core/line_reader.hpp"
#include "core/utf8.hpp"

#include <simdjson.h>

namespace recssh::convert {
namespace {

// Bytes of the first n code points of valid UTF-8 `s` (fewer if it is shorter).
std::size_t code_points(std::string_view s, std::uint64_t n) {
  std::size_t i = 0;
  while (n && i < s.size()) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xc0) == 0x80) ++i;
    --n;
  }
  return i;
}

struct Stream {
  std::string_view txt; // what is left of *_txt
  simdjson::dom::array bin;
  std::size_t bin_pos = 0;
  Utf8Decoder dec;      // for the invalid bytes of *_bin
};

class TlogReader final : public EventReader {
public:
  TlogReader(Input in, const ReadOptions& o)
      : EventReader(o), m_in(std::move(in)), m_lines(*m_in.source, m_in.name), m_want(o.convert.session) {
    m_header.version = 0;
    m_source.format = "tlog";
    m_source.files.push_back({"log", o.convert.path});
    read_message(true);
    if (o.convert.size) m_header.size = *o.convert.size;
  }

private:
  // Parses the next message of the selected recording into m_queue; false at the end.
  bool read_message(bool first) {
    std::string_view line;
    while (m_lines.next(line)) {
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) continue;
      simdjson::dom::element msg;
      if (m_parser.parse(line.data(), line.size(), false).get(msg))
        throw FormatError(location(), "not a JSON object (tlog writes one message per line)");
      std::string_view rec, ver_s;
      int64_t ver_i = 0;
      if (msg["rec"].get(rec)) throw FormatError(location(), "no \"rec\" (not a tlog message?)");
      std::string ver;
      if (!msg["ver"].get(ver_s)) ver = ver_s;
      else if (!msg["ver"].get(ver_i)) ver = std::to_string(ver_i);
      else throw FormatError(location(), "no \"ver\" (not a tlog message?)");
      if (ver.empty() || ver[0] > '2' || (ver.size() > 1 && ver[1] != '.'))
        throw FormatError(location(), "tlog format version " + ver + " is newer than 2.x", false);
      int64_t session = 0;
      (void)!msg["session"].get(session);
      if (m_rec.empty()) {
        if (!m_want.empty() && m_want != rec && m_want != std::to_string(session)) continue;
        m_rec = rec;
      } else if (rec != m_rec) {
        ++m_other;
        continue;
      }
      int64_t id = 0, pos = 0;
      if (msg["id"].get(id) || msg["pos"].get(pos) || pos < 0)
        throw FormatError(location(), "no \"id\" or \"pos\"");
      if (pos > k_max_time.count() / 1000)
        throw FormatError(location(), "\"pos\" " + std::to_string(pos) + " ms is out of range (" + max_time_text() + ")");
      if (m_last_id && id != m_last_id + 1) {
        warn("messages " + std::to_string(m_last_id + 1) + " to " + std::to_string(id - 1) + " are missing");
        m_queue.push(Event::marker(Micros(pos * 1000), "recssh: gap: tlog messages " +
                                                                std::to_string(m_last_id + 1) + "-" +
                                                                std::to_string(id - 1) + " missing"));
      }
      m_last_id = id;
      if (first) {
        std::string_view s;
        double t = 0;
        if (!msg["time"].get(t) && valid_unix_time(t - double(pos) / 1000))
          m_header.timestamp = static_cast<std::int64_t>(t - double(pos) / 1000);
        if (!msg["term"].get(s)) m_header.env.push_back({"TERM", std::string(s)});
        std::string d = "\"tlog\":{\"rec\":" + json_string(rec) + ",\"session\":" + std::to_string(session);
        for (const char* k : {"host", "user"})
          if (!msg[k].get(s)) d += std::string(",\"") + k + "\":" + json_string(s);
        m_source.details = d + "}";
      }
      decode(msg, pos, first);
      return true;
    }
    if (!m_rec.empty() && m_other)
      warn(std::to_string(m_other) + " messages of other recordings in this file were left out (choose one with "
                                     "--session REC)");
    if (m_rec.empty() && !m_want.empty()) throw Error(m_in.name + ": no recording " + m_want + " in this file");
    return false;
  }

  void decode(simdjson::dom::element msg, int64_t pos, bool first) {
    std::string_view timing;
    Stream in, out;
    if (msg["timing"].get(timing) || msg["in_txt"].get(in.txt) || msg["out_txt"].get(out.txt) ||
        msg["in_bin"].get(in.bin) || msg["out_bin"].get(out.bin))
      throw FormatError(location(), "missing timing, in_txt, in_bin, out_txt or out_bin");
    Micros t(pos * 1000);
    if (t < m_time) t = m_time;
    std::size_t i = 0;
    auto number = [&](std::uint64_t& v) {
      std::size_t start = i;
      v = 0;
      while (i < timing.size() && timing[i] >= '0' && timing[i] <= '9' && v < (std::uint64_t(1) << 40))
        v = v * 10 + std::uint64_t(timing[i++] - '0');
      if (i == start) throw FormatError(location(), "bad timing at offset " + std::to_string(i));
    };
    while (i < timing.size()) {
      char c = timing[i++];
      std::uint64_t a = 0, b = 0;
      switch (c) {
      case ' ': case '\t': case '\n': case '\r':
        break;
      case '+':
        number(a);
        if (auto sum = add_times(t, Micros(static_cast<std::int64_t>(a) * 1000))) t = *sum; // a < 2^40 ms
        else throw FormatError(location(), "the timing adds up to more than the longest time, " + max_time_text());
        break;
      case '=': {
        number(a);
        if (i >= timing.size() || timing[i++] != 'x') throw FormatError(location(), "bad window record in timing");
        number(b);
        if (a > 65535 || b > 65535) throw FormatError(location(), "bad window size in timing");
        if (a == 0 || b == 0) break; // no terminal size known (tlog writes =0x0): keep ours
        TermSize size{int(a), int(b)};
        if (first && !m_sized) m_header.size = size, m_sized = true;
        else if (size != m_size) m_queue.push(Event::resize(t, size));
        m_size = size;
        break;
      }
      case '<': case '>': {
        number(a);
        Stream& s = c == '<' ? in : out;
        std::size_t n = code_points(s.txt, a);
        emit(t, c == '<', std::string(s.txt.substr(0, n)));
        s.txt.remove_prefix(n);
        break;
      }
      case '[': case ']': {
        number(a);
        if (i >= timing.size() || timing[i++] != '/') throw FormatError(location(), "bad binary record in timing");
        number(b);
        Stream& s = c == '[' ? in : out;
        s.txt.remove_prefix(code_points(s.txt, a)); // the U+FFFD that stand for the bytes
        std::string bytes;
        for (; b && s.bin_pos < s.bin.size(); --b, ++s.bin_pos) {
          int64_t v = 0;
          if (s.bin.at(s.bin_pos).get(v) || v < 0 || v > 255) throw FormatError(location(), "bad byte in *_bin");
          bytes.push_back(static_cast<char>(v));
        }
        std::string text;
        s.dec.feed(bytes, text);
        s.dec.finish(text);
        emit(t, c == '[', std::move(text));
        break;
      }
      default:
        throw FormatError(location(), std::string("unknown timing record '") + c + "'");
      }
    }
    m_time = t;
  }

  void emit(Micros t, bool input, std::string data) {
    if (data.empty() || (input && options().convert.no_input)) return;
    // Records at the same time on the same stream are one event.
    if (!m_queue.empty() && m_queue.back().time == t && m_queue.back().code == (input ? "i" : "o")) {
      m_queue.back().data += data;
      return;
    }
    m_queue.push({t, input ? "i" : "o", std::move(data)});
  }

  bool do_next(Event& e) override {
    while (!m_queue.pop(e))
      if (!read_message(false)) return false;
    return true;
  }

  std::string do_location() const override { return m_lines.location(); }

  Input m_in;
  LineReader m_lines;
  simdjson::dom::parser m_parser;
  std::string m_want, m_rec;
  int64_t m_last_id = 0;
  std::uint64_t m_other = 0;
  EventQueue m_queue;
  Micros m_time{0};
  TermSize m_size;
  bool m_sized = false;
};

} // namespace

bool probe_tlog(std::string_view head) {
  std::size_t i = 0;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\n')) ++i;
  head.remove_prefix(i);
  std::size_t eol = head.find('\n');
  std::string_view line = head.substr(0, eol);
  return line.substr(0, 7) == "{\"ver\":" && line.find("\"timing\":") != std::string_view::npos &&
         line.find("\"rec\":") != std::string_view::npos;
}

std::unique_ptr<EventReader> open_tlog(Input in, const ReadOptions& options) {
  return std::make_unique<TlogReader>(std::move(in), options);
}

} // namespace recssh::convert
