// SPDX-License-Identifier: MIT
#include "core/gzip.hpp"

#include <cstring>
#include <zlib.h>

namespace recssh {

struct GzipSource::State {
  z_stream zs{};
  std::vector<unsigned char> in = std::vector<unsigned char>(1 << 16);
  bool in_eof = false;
  bool finished = false;
  bool member_done = false;
};

GzipSource::GzipSource(std::unique_ptr<ByteSource> below, std::string name, Diagnostics* diag)
    : m_state(std::make_unique<State>()), m_below(std::move(below)), m_name(std::move(name)),
      m_diag(diag) {
  if (inflateInit2(&m_state->zs, 15 + 16) != Z_OK) throw Error("zlib: inflateInit failed");
}

GzipSource::~GzipSource() { inflateEnd(&m_state->zs); }

std::size_t GzipSource::read(char* buf, std::size_t n) {
  State& s = *m_state;
  if (s.finished) return 0;
  s.zs.next_out = reinterpret_cast<Bytef*>(buf);
  s.zs.avail_out = unsigned(std::min<std::size_t>(n, 1u << 30));
  while (s.zs.avail_out == unsigned(std::min<std::size_t>(n, 1u << 30))) {
    if (s.zs.avail_in == 0 && !s.in_eof) {
      std::size_t r = m_below->read(reinterpret_cast<char*>(s.in.data()), s.in.size());
      if (r == 0) s.in_eof = true;
      s.zs.next_in = s.in.data();
      s.zs.avail_in = unsigned(r);
    }
    if (s.member_done) {
      // Another gzip member may follow (concatenated .gz files, or appends).
      if (s.zs.avail_in == 0 && s.in_eof) {
        s.finished = true;
        break;
      }
      inflateReset(&s.zs);
      s.member_done = false;
    }
    int ret = inflate(&s.zs, Z_NO_FLUSH);
    if (ret == Z_STREAM_END) {
      s.member_done = true;
      continue;
    }
    if (ret == Z_BUF_ERROR && s.zs.avail_in == 0 && s.in_eof) {
      Diagnostics to_stderr;
      (m_diag ? *m_diag : to_stderr)
          .warn(m_name, "compressed data ends early (a crashed writer?); "
                        "using what was flushed before the cut");
      s.finished = true;
      break;
    }
    if (ret != Z_OK && ret != Z_BUF_ERROR)
      throw Error(m_name + ": corrupt gzip data (" + (s.zs.msg ? s.zs.msg : "zlib error") + ")");
  }
  return std::min<std::size_t>(n, 1u << 30) - s.zs.avail_out;
}

struct GzipSink::State {
  z_stream zs{};
  std::vector<unsigned char> out = std::vector<unsigned char>(1 << 16);
};

GzipSink::GzipSink(ByteSink& below, std::string name)
    : m_state(std::make_unique<State>()), m_below(below), m_name(std::move(name)),
      m_last_flush(std::chrono::steady_clock::now()) {
  if (deflateInit2(&m_state->zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error("zlib: deflateInit failed");
}

GzipSink::~GzipSink() { deflateEnd(&m_state->zs); }

void GzipSink::pump(int mode) {
  z_stream& zs = m_state->zs;
  for (;;) {
    zs.next_out = m_state->out.data();
    zs.avail_out = unsigned(m_state->out.size());
    int ret = deflate(&zs, mode);
    if (ret == Z_STREAM_ERROR) throw Error(m_name + ": zlib deflate failed");
    std::size_t have = m_state->out.size() - zs.avail_out;
    if (have) m_below.write(reinterpret_cast<const char*>(m_state->out.data()), have);
    if (mode == Z_FINISH ? ret == Z_STREAM_END : (zs.avail_out != 0 && zs.avail_in == 0))
      break;
  }
}

void GzipSink::write(const char* p, std::size_t n) {
  z_stream& zs = m_state->zs;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(p));
  zs.avail_in = unsigned(n);
  pump(Z_NO_FLUSH);
  auto now = std::chrono::steady_clock::now();
  if (now - m_last_flush >= std::chrono::seconds(1)) flush();
}

void GzipSink::flush() {
  if (m_closed) return;
  m_state->zs.avail_in = 0;
  pump(Z_SYNC_FLUSH);
  m_below.flush();
  m_last_flush = std::chrono::steady_clock::now();
}

void GzipSink::close() {
  if (m_closed) return;
  m_state->zs.avail_in = 0;
  pump(Z_FINISH);
  m_below.flush();
  m_closed = true;
}

} // namespace recssh
