// SPDX-License-Identifier: MIT
#pragma once
// asciicast writers. Each event line is built whole and handed to the sink in one
// write(), so an unbuffered file sink puts it on disk with one write(2).
#include "core/event_writer.hpp"
#include "core/time.hpp"

namespace recssh {

// v2: the header as asciinema 2.x writes it ({"version": 2, "width": ...}), events
// [seconds, "code", "data"] with µs precision and trailing zeros trimmed.
class CastV2Writer final : public EventWriter {
public:
  using EventWriter::EventWriter;
  static std::string header_line(const Header& h);

private:
  void do_begin(const Header& h) override;
  void do_write(const Event& e) override;
  bool do_write_tail(const Event& e, std::string_view tail) override;
  std::string m_line;
};

// v3: compact header with "term", events [interval, "code", "data"]; intervals are
// milliseconds through an error-diffusion quantizer (or exact µs when asked).
class CastV3Writer final : public EventWriter {
public:
  CastV3Writer(ByteSink& sink, WriteOptions options) : EventWriter(sink), m_opts(options) {}
  static std::string header_line(const Header& h);

private:
  void do_begin(const Header& h) override;
  void do_resume(const Header&, Micros last) override { m_prev = last; }
  void do_write(const Event& e) override;
  WriteOptions m_opts;
  MillisQuantizer m_quantizer;
  Micros m_prev{0};
  std::string m_line;
};

} // namespace recssh

namespace recssh {

// Raw output: the bytes of "o" events only, no header and no timing (asciinema rec
// --raw, and what `cat` prints).
class RawWriter final : public EventWriter {
public:
  using EventWriter::EventWriter;

private:
  void do_begin(const Header&) override {}
  void do_write(const Event& e) override {
    if (e.is(code::output)) m_sink.write(e.data);
  }
};

} // namespace recssh
