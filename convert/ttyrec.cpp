// SPDX-License-Identifier: MIT
#include "convert/ttyrec.hpp"

#include "core/json.hpp"
#include "core/utf8.hpp"

#include <algorithm>
#include <cstring>

namespace recssh::convert {
namespace {

constexpr std::size_t k_header = 12;
constexpr std::uint32_t k_max_frame = 64u << 20; // like the cast line limit
// Empty frames in a row before a stream is taken for something else (zeros from a
// device, a pipe that never ends): 12 MiB of headers without a byte of output.
constexpr std::uint64_t k_max_empty_run = 1u << 20;

std::uint32_t le32(const unsigned char* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}

struct FrameHeader {
  std::uint32_t sec, usec, len;
};

// Walks up to `frames` headers of size `hsize` through `head`; true if each is
// plausible (usec < 1e6, sane length, time not going back by more than a day) and
// some frame holds output: zeros (a file of them, /dev/zero) are headers of empty
// frames at time 0, a recording of nothing that no recorder writes.
bool plausible(std::string_view head, std::size_t hsize, int frames, bool channel) {
  auto p = reinterpret_cast<const unsigned char*>(head.data());
  std::size_t off = 0;
  std::uint64_t prev = 0;
  int seen = 0;
  bool output = false;
  while (seen < frames && off + hsize <= head.size()) {
    std::uint32_t sec = le32(p + off), usec = le32(p + off + 4), len = le32(p + off + 8);
    if (usec >= 1'000'000 || len > k_max_frame) return false;
    output = output || len > 0;
    if (channel && p[off + 12] > 1) return false;
    std::uint64_t t = std::uint64_t(sec) * 1'000'000 + usec;
    if (seen && t + 86'400'000'000ull < prev) return false;
    prev = t;
    off += hsize + len;
    ++seen;
  }
  // One whole frame at least, and the next header (if any) lines up.
  return seen >= 1 && output && (off <= head.size() || seen >= 2);
}

class TtyrecReader final : public EventReader {
public:
  TtyrecReader(Input in, const ReadOptions& o) : EventReader(o), m_in(std::move(in)) {
    if (probe_ttyrec2(m_in.head) && !probe_ttyrec(m_in.head))
      throw FormatError(m_in.name + ": frame 1",
                        "this is the NetHack Learning Environment's ttyrec2/ttyrec3 variant (13-byte frame "
                        "headers with a channel byte), which is not supported",
                        false);
    m_header.version = 0;
    m_header.size = {80, 24};
    m_source.format = "ttyrec";
    m_source.files.push_back({"ttyrec", o.convert.path});
    // Peek the first frame for the start time and a termrec size escape.
    if (!read_frame()) return;
    m_pending = true;
    m_header.timestamp = m_first / 1'000'000 > 0 ? std::optional<std::int64_t>(m_first / 1'000'000) : std::nullopt;
    std::string_view d = m_data;
    if (d.rfind("\x1b%G", 0) == 0) d.remove_prefix(3);
    if (d.rfind("\x1b[8;", 0) == 0) {
      int rows = 0, cols = 0;
      std::size_t i = 4;
      while (i < d.size() && d[i] >= '0' && d[i] <= '9') rows = rows * 10 + (d[i++] - '0');
      if (i < d.size() && d[i] == ';') {
        ++i;
        while (i < d.size() && d[i] >= '0' && d[i] <= '9') cols = cols * 10 + (d[i++] - '0');
        if (i < d.size() && d[i] == 't' && rows > 0 && cols > 0 && rows < 65536 && cols < 65536)
          m_header.size = {cols, rows};
      }
    }
  }

private:
  // Reads one frame into m_time/m_data; false at the end (a cut frame is a warning).
  bool read_frame() {
    unsigned char h[k_header];
    std::size_t got = read_fully(reinterpret_cast<char*>(h), k_header);
    if (got == 0) return false;
    ++m_frame;
    if (got < k_header) {
      warn("truncated frame header ignored (" + std::to_string(got) + " of 12 bytes; a crashed recorder?)");
      return false;
    }
    FrameHeader f{le32(h), le32(h + 4), le32(h + 8)};
    if (f.usec >= 1'000'000)
      throw FormatError(do_location(), "microseconds field " + std::to_string(f.usec) + " is not below 1000000 "
                                       "(not a ttyrec file, or a ttyrec2/3 variant)", false);
    if (f.len > k_max_frame)
      throw FormatError(do_location(), "frame of " + std::to_string(f.len) + " bytes (over 64 MiB: not a ttyrec file?)",
                        false);
    std::uint64_t t = std::uint64_t(f.sec) * 1'000'000 + f.usec;
    if (m_frame == 1) m_first = t;
    m_time = Micros(static_cast<std::int64_t>(t >= m_first ? t - m_first : 0));
    if (t < m_first) warn("frame time before the first frame's: clamped");
    m_raw.resize(f.len);
    std::size_t n = read_fully(m_raw.data(), f.len);
    if (n < f.len) {
      warn("truncated last frame: " + std::to_string(n) + " of " + std::to_string(f.len) + " bytes kept");
      m_raw.resize(n);
      m_eof = true;
    }
    m_data.clear();
    m_decoder.feed(m_raw, m_data);
    return true;
  }

  // Frames are small (a 12-byte header, ~100 bytes of output): read through a buffer,
  // not one read(2) per field.
  std::size_t read_fully(char* p, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      if (m_pos == m_len) {
        if (n - got >= sizeof m_buf) { // a big frame goes straight into place
          std::size_t r = m_in.source->read(p + got, n - got);
          if (r == 0) break;
          got += r;
          continue;
        }
        m_len = m_in.source->read(m_buf, sizeof m_buf);
        m_pos = 0;
        if (m_len == 0) break;
      }
      std::size_t k = std::min(n - got, m_len - m_pos);
      std::memcpy(p + got, m_buf + m_pos, k);
      m_pos += k;
      got += k;
    }
    return got;
  }

  bool do_next(Event& e) override {
    for (;;) {
      if (!m_pending) {
        if (m_eof || !read_frame()) {
          if (m_done) return false;
          if (m_frame && !m_output)
            throw FormatError(m_in.name, std::to_string(m_frame) +
                                             (m_frame == 1 ? " frame" : " frames") +
                                             ", all empty: not a ttyrec recording (zeros?)", false);
          m_done = true;
          std::string tail;
          m_decoder.finish(tail); // a dangling partial character
          if (tail.empty()) return false;
          e = Event::output(m_time, tail);
          return true;
        }
      }
      m_pending = false;
      if (m_raw.empty() && ++m_empty_run > k_max_empty_run)
        throw FormatError(do_location(), std::to_string(k_max_empty_run) +
                                             " empty frames in a row: not a ttyrec file (zeros?)", false);
      if (!m_raw.empty()) m_empty_run = 0, m_output = true;
      if (m_data.empty()) continue; // an empty frame, or only part of a character
      e.time = m_time;
      e.code = "o";
      e.data.swap(m_data);
      return true;
    }
  }

  std::string do_location() const override { return m_in.name + ": frame " + std::to_string(m_frame); }

  Input m_in;
  char m_buf[1 << 16];
  std::size_t m_pos = 0, m_len = 0;
  std::uint64_t m_first = 0;
  std::uint64_t m_frame = 0;
  Micros m_time{0};
  std::string m_raw, m_data;
  Utf8Decoder m_decoder;
  bool m_pending = false, m_eof = false, m_done = false;
  bool m_output = false;          // a frame held a byte
  std::uint64_t m_empty_run = 0;  // empty frames since the last that was not
};

} // namespace

bool probe_ttyrec(std::string_view head) { return head.size() >= k_header && plausible(head, 12, 8, false); }

bool probe_ttyrec2(std::string_view head) { return head.size() >= 13 && plausible(head, 13, 8, true); }

std::unique_ptr<EventReader> open_ttyrec(Input in, const ReadOptions& options) {
  return std::make_unique<TtyrecReader>(std::move(in), options);
}

} // namespace recssh::convert
