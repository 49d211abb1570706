// SPDX-License-Identifier: MIT
#include "convert/script_writer.hpp"

#include "core/spool.hpp"

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>

namespace recssh::convert {

namespace {

// "2026-11-22 01:25:13+00:00": local time with the offset, as script 2.30+ writes it.
std::string script_date(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[64];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S%z", &tm);
  std::string s(buf, n);
  if (s.size() >= 5) s.insert(s.size() - 2, ":"); // +0000 -> +00:00
  return s;
}

std::string seconds(Micros d) {
  const auto us = d.count() < 0 ? 0 : d.count();
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(us / 1000000),
                static_cast<long long>(us % 1000000));
  return buf;
}

// A timing entry waiting for the format to be known.
struct Entry {
  char type = 'O'; // O, I, S (a resize: a = rows, b = cols)
  char pad[7] = {};
  std::int64_t time = 0; // µs since the start
  std::uint64_t a = 0, b = 0;
};

std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

class ScriptWriter final : public EventWriter {
public:
  ScriptWriter(ByteSink& data, ByteSink& timing, std::string data_name, std::string timing_name)
      : EventWriter(data), m_timing(timing), m_data_name(std::move(data_name)), m_timing_name(std::move(timing_name)) {}

private:
  void do_begin(const Header& h) override {
    m_header = h;
    m_start = h.timestamp.value_or(static_cast<std::int64_t>(std::time(nullptr)));
    std::string line = "Script started on " + script_date(m_start) + " [";
    if (h.command) line += "COMMAND=\"" + *h.command + "\" ";
    if (auto term = env("TERM")) line += "TERM=\"" + *term + "\" ";
    line += "COLUMNS=\"" + std::to_string(h.size.cols) + "\" LINES=\"" + std::to_string(h.size.rows) + "\"]\n";
    m_sink.write(line);
  }

  void do_write(const Event& e) override {
    m_last = e.time;
    if (e.is(code::output) || e.is(code::input)) {
      if (e.data.empty()) return;
      if (e.is(code::input) && !m_advanced) go_advanced();
      m_sink.write(e.data);
      entry({e.is(code::output) ? 'O' : 'I', {}, e.time.count(), e.data.size(), 0});
    } else if (e.is(code::resize)) {
      if (auto s = parse_size(e.data))
        entry({'S', {}, e.time.count(), static_cast<std::uint64_t>(s->rows), static_cast<std::uint64_t>(s->cols)});
    } else if (e.is(code::exit)) {
      m_exit = std::atoi(e.data.c_str());
    } else if (e.is(code::marker) && e.data.rfind("recssh: end: status=", 0) == 0) {
      m_exit = std::atoi(e.data.c_str() + 20);
    }
  }

  void do_finish() override {
    if (!m_advanced) {
      // Classic: output chunks only, each timed from the previous one.
      m_spool.rewind();
      Entry en;
      while (m_spool.read(reinterpret_cast<char*>(&en), sizeof en))
        if (en.type == 'O') classic(en);
    } else {
      info("DURATION", seconds(m_last));
      if (m_exit) info("EXIT_CODE", std::to_string(*m_exit));
    }
    const std::int64_t end = m_start + m_last.count() / 1000000;
    m_sink.write("\nScript done on " + script_date(end) +
                 (m_exit ? " [COMMAND_EXIT_CODE=\"" + std::to_string(*m_exit) + "\"]" : std::string()) + "\n");
  }

  std::optional<std::string> env(std::string_view name) const {
    for (const auto& v : m_header.env)
      if (v.name == name && v.value) return v.value;
    return std::nullopt;
  }

  void entry(const Entry& en) {
    if (m_advanced) advanced(en);
    else m_spool.write(reinterpret_cast<const char*>(&en), sizeof en);
  }

  // The first input: the timing becomes advanced, with what was spooled before it.
  void go_advanced() {
    m_advanced = true;
    info("START_TIME", script_date(m_start));
    if (auto term = env("TERM")) info("TERM", *term);
    info("COLUMNS", std::to_string(m_header.size.cols));
    info("LINES", std::to_string(m_header.size.rows));
    if (auto shell = env("SHELL")) info("SHELL", *shell);
    if (m_header.command) info("COMMAND", *m_header.command);
    // The logs by name, as script writes them (readers find the data log this way).
    if (!m_timing_name.empty()) info("TIMING_LOG", m_timing_name);
    if (!m_data_name.empty()) {
      info("OUTPUT_LOG", m_data_name);
      info("INPUT_LOG", m_data_name);
    }
    m_spool.rewind();
    Entry en;
    while (m_spool.read(reinterpret_cast<char*>(&en), sizeof en)) advanced(en);
  }

  void info(const std::string& name, std::string value) {
    for (auto& c : value)
      if (c == '\n') c = ' '; // as 2.38: a record is one line
    m_timing.write("H 0.000000 " + name + (value.empty() ? "" : " " + value) + "\n");
  }
  void classic(const Entry& en) {
    m_timing.write(seconds(Micros(en.time - m_previous)) + " " + std::to_string(en.a) + "\n");
    m_previous = en.time;
  }
  void advanced(const Entry& en) {
    std::string d = seconds(Micros(en.time - m_previous));
    m_previous = en.time;
    if (en.type == 'S')
      m_timing.write("S " + d + " SIGWINCH ROWS=" + std::to_string(en.a) + " COLS=" + std::to_string(en.b) + "\n");
    else
      m_timing.write(std::string(1, en.type) + " " + d + " " + std::to_string(en.a) + "\n");
  }

  ByteSink& m_timing;
  std::string m_data_name, m_timing_name;
  Header m_header;
  std::int64_t m_start = 0;
  Micros m_last{0};
  std::int64_t m_previous = 0; // µs: the time of the last timing entry written
  bool m_advanced = false;
  std::optional<int> m_exit;
  Spool m_spool{std::size_t(1) << 20};
};

} // namespace

std::unique_ptr<EventWriter> make_script_writer(const WriterOutputs& out) {
  std::string timing;
  for (const auto& [name, path] : out.companion_paths)
    if (name == "timing") timing = base_name(path);
  return std::make_unique<ScriptWriter>(out.main, out.companion("timing"),
                                        out.main_path.empty() ? std::string() : base_name(out.main_path), timing);
}

} // namespace recssh::convert
