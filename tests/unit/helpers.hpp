// SPDX-License-Identifier: MIT
#pragma once
#include "core/event_reader.hpp"
#include "core/event_writer.hpp"
#include "core/format.hpp"
#include "core/io.hpp"

#include <cstdio>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace test {

// A ByteSource over a string, delivering at most `chunk` bytes per read.
class StringSource : public recssh::ByteSource {
public:
  explicit StringSource(std::string s, std::size_t chunk = 1 << 20) : m_s(std::move(s)), m_chunk(chunk) {}
  std::size_t read(char* buf, std::size_t n) override {
    std::size_t k = std::min({n, m_chunk, m_s.size() - m_pos});
    std::copy_n(m_s.data() + m_pos, k, buf);
    m_pos += k;
    return k;
  }

private:
  std::string m_s;
  std::size_t m_chunk, m_pos = 0;
};

class StringSink : public recssh::ByteSink {
public:
  void write(const char* p, std::size_t n) override { data.append(p, n); }
  std::string data;
};

// A temporary file path removed at scope exit.
struct TempPath {
  std::string path;
  explicit TempPath(const std::string& suffix = "") {
    char tmpl[] = "/tmp/recssh-test-XXXXXX";
    int fd = mkstemp(tmpl);
    close(fd);
    unlink(tmpl);
    path = std::string(tmpl) + suffix;
  }
  ~TempPath() { unlink(path.c_str()); }
};

inline void write_file(const std::string& path, const std::string& data) {
  FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(data.data(), 1, data.size(), f);
  std::fclose(f);
}

inline std::string read_file(const std::string& path) {
  std::string out;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return out;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

inline std::string fixture(const std::string& name) { return std::string(RECSSH_FIXTURES) + "/" + name; }

struct Collected {
  recssh::Header header;
  std::vector<recssh::Event> events;
  std::vector<std::string> warnings;
};

// Reads a whole file through the registry, collecting warnings.
inline Collected read_all(const std::string& path, bool skip_bad = false) {
  Collected c;
  recssh::Diagnostics diag;
  diag.on_warning = [&](const std::string& loc, const std::string& msg) { c.warnings.push_back(loc + ": " + msg); };
  auto reader = recssh::open_reader(path, "", recssh::ReadOptions{skip_bad, &diag});
  c.header = reader->header();
  recssh::Event e;
  while (reader->next(e)) c.events.push_back(e);
  return c;
}

// Writes header+events in `format` and returns the bytes.
inline std::string write_all(const std::string& format, const recssh::Header& h,
                             const std::vector<recssh::Event>& events, recssh::WriteOptions o = {}) {
  StringSink sink;
  auto w = recssh::formats().get(format, true).make_writer(sink, o);
  w->begin(h);
  for (const auto& e : events) w->write(e);
  w->finish();
  return sink.data;
}

} // namespace test
