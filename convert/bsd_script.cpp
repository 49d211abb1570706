// SPDX-License-Identifier: MIT
#include "convert/bsd_script.hpp"

#include "convert/data_stream.hpp"
#include "core/utf8.hpp"

#include <cstring>

namespace recssh::convert {
namespace {

constexpr std::size_t k_header = 24;
constexpr std::uint64_t k_max_record = std::uint64_t(64) << 20;

std::uint64_t get(const unsigned char* p, int n, bool swap) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= std::uint64_t(p[swap ? n - 1 - i : i]) << (8 * i);
  return v;
}

struct Stamp {
  std::uint64_t len, sec;
  std::uint32_t usec, dir;
};

bool decode(const unsigned char* p, Stamp& s, bool& swap) {
  std::uint32_t dir = static_cast<std::uint32_t>(get(p + 20, 4, false));
  swap = dir > 0xff;
  s = {get(p, 8, swap), get(p + 8, 8, swap), static_cast<std::uint32_t>(get(p + 16, 4, swap)),
       static_cast<std::uint32_t>(get(p + 20, 4, swap))};
  return s.dir == 's' || s.dir == 'i' || s.dir == 'o' || s.dir == 'e';
}

class BsdScriptReader final : public EventReader {
public:
  BsdScriptReader(Input in, const ReadOptions& o) : EventReader(o), m_data(std::move(in)) {
    m_header.version = 0;
    if (o.convert.size) m_header.size = *o.convert.size;
    m_source.format = "bsd-script";
    m_source.files.push_back({"log", o.convert.path});
    std::string_view h = m_data.input().head;
    Stamp s;
    bool swap;
    if (h.size() >= k_header && decode(reinterpret_cast<const unsigned char*>(h.data()), s, swap) && s.sec &&
        s.sec <= std::uint64_t(k_max_unix_time))
      m_header.timestamp = static_cast<std::int64_t>(s.sec);
  }

private:
  bool do_next(Event& e) override {
    for (;;) {
      unsigned char h[k_header];
      std::string raw;
      std::size_t got = m_data.take(k_header, raw);
      if (got == 0 || m_ended) return finish(e);
      ++m_record;
      if (got < k_header) {
        warn("truncated record header ignored (" + std::to_string(got) + " of 24 bytes)");
        return finish(e);
      }
      std::memcpy(h, raw.data(), k_header);
      Stamp s;
      bool swap;
      if (!decode(h, s, swap))
        throw FormatError(location(), "unknown direction " + std::to_string(s.dir) + " (expected s, i, o or e)", false);
      if (s.usec >= 1'000'000 || s.len > k_max_record || s.sec > std::uint64_t(k_max_unix_time))
        throw FormatError(location(), "implausible record (" + std::to_string(s.len) + " bytes, " +
                                          std::to_string(s.usec) + " us): not a BSD script -r file?", false);
      std::uint64_t t = s.sec * 1'000'000 + s.usec;
      if (m_record == 1) m_first = t;
      Micros time(static_cast<std::int64_t>(t >= m_first ? t - m_first : 0));
      raw.clear();
      std::size_t n = m_data.take(static_cast<std::size_t>(s.len), raw);
      if (n < s.len) warn("truncated last record: " + std::to_string(n) + " of " + std::to_string(s.len) + " bytes kept");
      m_time = time;
      if (s.dir == 'e') {
        m_ended = true;
        continue;
      }
      if (s.dir == 's' || raw.empty()) continue;
      bool input = s.dir == 'i';
      if (input && options().convert.no_input) continue;
      e.time = time;
      e.code = input ? "i" : "o";
      e.data.clear();
      (input ? m_in_dec : m_out_dec).feed(raw, e.data);
      if (!e.data.empty()) return true;
    }
  }

  bool finish(Event& e) {
    while (m_tail < 2) {
      bool input = m_tail++ == 1;
      e.data.clear();
      (input ? m_in_dec : m_out_dec).finish(e.data);
      if (!e.data.empty()) {
        e.time = m_time;
        e.code = input ? "i" : "o";
        return true;
      }
    }
    return false;
  }

  std::string do_location() const override { return m_data.name() + ": record " + std::to_string(m_record); }

  DataStream m_data;
  std::uint64_t m_record = 0, m_first = 0;
  Micros m_time{0};
  Utf8Decoder m_out_dec, m_in_dec;
  bool m_ended = false;
  int m_tail = 0;
};

} // namespace

bool probe_bsd_script(std::string_view head) {
  if (head.size() < k_header) return false;
  Stamp s;
  bool swap;
  return decode(reinterpret_cast<const unsigned char*>(head.data()), s, swap) && s.dir == 's' && s.len == 0 &&
         s.usec < 1'000'000;
}

std::unique_ptr<EventReader> open_bsd_script(Input in, const ReadOptions& options) {
  return std::make_unique<BsdScriptReader>(std::move(in), options);
}

} // namespace recssh::convert
