// SPDX-License-Identifier: MIT
#include "core/cast_writer.hpp"

#include "core/json.hpp"

namespace recssh {

namespace {
// `spaced`: asciinema 2.x separators (", " and ": "); else compact as 3.x writes.
void append_env(std::string& out, const Header& h, bool spaced, bool drop_nulls) {
  out += '{';
  bool first = true;
  for (const auto& var : h.env) {
    if (drop_nulls && !var.value) continue;
    if (!first) out += spaced ? ", " : ",";
    first = false;
    append_json_string(out, var.name);
    out += spaced ? ": " : ":";
    if (var.value)
      append_json_string(out, *var.value);
    else
      out += "null";
  }
  out += '}';
}
// `, "code", "data"]\n`: the part of an event line both versions share.
void append_event_tail(std::string& line, const Event& e) {
  line += ", ";
  append_json_string(line, e.code);
  line += ", ";
  append_json_string(line, e.data);
  line += "]\n";
}
} // namespace

std::string CastV2Writer::header_line(const Header& h) {
  std::string out = "{\"version\": 2, \"width\": " + std::to_string(h.size.cols) +
                    ", \"height\": " + std::to_string(h.size.rows);
  if (h.timestamp) out += ", \"timestamp\": " + std::to_string(*h.timestamp);
  if (h.duration) out += ", \"duration\": " + format_double(*h.duration);
  if (h.idle_time_limit) out += ", \"idle_time_limit\": " + format_double(*h.idle_time_limit);
  if (h.command) {
    out += ", \"command\": ";
    append_json_string(out, *h.command);
  }
  if (!h.env.empty()) {
    out += ", \"env\": ";
    append_env(out, h, true, false);
  }
  if (h.title) {
    out += ", \"title\": ";
    append_json_string(out, *h.title);
  }
  if (h.theme) out += ", \"theme\": " + *h.theme;
  for (const auto& [key, raw] : h.extra) {
    out += ", ";
    append_json_string(out, key);
    out += ": " + raw;
  }
  out += "}\n";
  return out;
}

void CastV2Writer::do_begin(const Header& h) { m_sink.write(header_line(h)); }

void CastV2Writer::do_write(const Event& e) {
  m_line.clear();
  m_line += '[';
  append_seconds(m_line, e.time);
  append_event_tail(m_line, e);
  m_sink.write(m_line);
}

bool CastV2Writer::do_write_tail(const Event& e, std::string_view tail) {
  m_line.clear();
  m_line += '[';
  append_seconds(m_line, e.time);
  m_line += tail;
  m_line += '\n';
  m_sink.write(m_line);
  return true;
}

std::string CastV3Writer::header_line(const Header& h) {
  std::string out = "{\"version\":3,\"term\":{\"cols\":" + std::to_string(h.size.cols) +
                    ",\"rows\":" + std::to_string(h.size.rows);
  if (h.term_type) {
    out += ",\"type\":";
    append_json_string(out, *h.term_type);
  }
  if (h.term_version) {
    out += ",\"version\":";
    append_json_string(out, *h.term_version);
  }
  if (h.theme) out += ",\"theme\":" + *h.theme;
  out += '}';
  if (h.timestamp) out += ",\"timestamp\":" + std::to_string(*h.timestamp);
  if (h.idle_time_limit) out += ",\"idle_time_limit\":" + format_double(*h.idle_time_limit);
  if (h.command) {
    out += ",\"command\":";
    append_json_string(out, *h.command);
  }
  if (h.title) {
    out += ",\"title\":";
    append_json_string(out, *h.title);
  }
  bool any_env = false;
  for (const auto& v : h.env) any_env |= v.value.has_value();
  if (any_env) {
    // v3 readers require string values: unset (null) variables are dropped.
    out += ",\"env\":";
    append_env(out, h, false, true);
  }
  for (const auto& [key, raw] : h.extra) {
    out += ',';
    append_json_string(out, key);
    out += ':' + raw;
  }
  out += "}\n";
  return out;
}

void CastV3Writer::do_begin(const Header& h) { m_sink.write(header_line(h)); }

void CastV3Writer::do_write(const Event& e) {
  m_line.clear();
  m_line += '[';
  if (m_opts.v3_microseconds) {
    append_seconds(m_line, e.time - m_prev);
    m_prev = e.time;
  } else {
    append_millis(m_line, m_quantizer.interval_ms(e.time));
  }
  append_event_tail(m_line, e);
  m_sink.write(m_line);
}

} // namespace recssh
