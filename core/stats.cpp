// SPDX-License-Identifier: MIT
#include "core/stats.hpp"
#include "core/printable.hpp"

#include "core/format.hpp"
#include "core/json.hpp"

#include <charconv>

namespace recssh {

CastStats compute_stats(EventReader& reader, std::string name, std::string format) {
  CastStats s;
  s.name = std::move(name);
  s.format = std::move(format);
  s.header = reader.header();
  ForwardTally forwards;
  Event e;
  while (reader.next(e)) {
    ++s.events;
    ++s.counts[e.code];
    s.duration = e.time;
    if (e.is(code::output)) {
      s.output_bytes += e.data.size();
    } else if (e.is(code::input)) {
      s.input_bytes += e.data.size();
    } else if (e.is(code::resize)) {
      if (s.resizes.size() < CastStats::k_max_listed) s.resizes.emplace_back(e.time, *parse_size(e.data));
      ++s.resize_count;
    } else if (e.is(code::marker)) {
      if (s.markers.size() < CastStats::k_max_listed) s.markers.emplace_back(e.time, e.data);
      ++s.marker_count;
      forwards.marker(e.data);
    } else if (e.is(code::exit)) {
      int v = 0;
      std::from_chars(e.data.data(), e.data.data() + e.data.size(), v);
      s.exit_status = v;
    }
  }
  s.skipped = reader.skipped();
  s.forwards = forwards.totals();
  return s;
}

std::string stats_text(const CastStats& s) {
  const Header& h = s.header;
  std::string out = printable(s.name) + "\n";
  // Every value but the numbers came from the recording: shown escaped (core/printable.hpp).
  auto line = [&](const std::string& k, const std::string& v) { out += "  " + printable(k) + ": " + printable(v) + "\n"; };
  line("format", s.format);
  line("size", format_size(h.size));
  if (h.timestamp) line("start", format_utc_iso(*h.timestamp) + " (" + std::to_string(*h.timestamp) + ")");
  line("duration", format_seconds(s.duration) + " s");
  if (h.idle_time_limit) line("idle time limit", format_double(*h.idle_time_limit) + " s");
  if (h.title) line("title", *h.title);
  if (h.command) line("command", *h.command);
  if (h.term_type) line("term", *h.term_type);
  for (const auto& v : h.env) line("env " + v.name, v.value.value_or("(null)"));
  for (const auto& [k, raw] : h.extra) line(k, raw);
  std::string counts;
  for (const auto& [c, n] : s.counts) counts += (counts.empty() ? "" : ", ") + c + "=" + std::to_string(n);
  line("events", std::to_string(s.events) + (counts.empty() ? "" : " (" + counts + ")"));
  line("output bytes", std::to_string(s.output_bytes));
  if (s.input_bytes) line("input bytes", std::to_string(s.input_bytes));
  for (const auto& [t, size] : s.resizes) line("resize", format_seconds(t) + " s -> " + format_size(size));
  if (s.resize_count > s.resizes.size())
    line("resize", "... " + std::to_string(s.resize_count - s.resizes.size()) + " more");
  for (const auto& [t, label] : s.markers) line("marker", format_seconds(t) + " s " + json_string(label));
  if (s.marker_count > s.markers.size())
    line("marker", "... " + std::to_string(s.marker_count - s.markers.size()) + " more");
  for (const auto& f : s.forwards) line("forward", f.route + ": " + forward_totals_text(f));
  if (s.exit_status) line("exit status", std::to_string(*s.exit_status));
  if (s.skipped) line("skipped bad lines", std::to_string(s.skipped));
  return out;
}

std::string stats_json(const CastStats& s) {
  const Header& h = s.header;
  std::string o = "{\"file\":" + json_string(s.name) + ",\"format\":" + json_string(s.format) +
                  ",\"cols\":" + std::to_string(h.size.cols) + ",\"rows\":" + std::to_string(h.size.rows);
  if (h.timestamp) o += ",\"timestamp\":" + std::to_string(*h.timestamp);
  o += ",\"duration\":" + format_seconds(s.duration);
  if (h.idle_time_limit) o += ",\"idle_time_limit\":" + format_double(*h.idle_time_limit);
  if (h.title) o += ",\"title\":" + json_string(*h.title);
  if (h.command) o += ",\"command\":" + json_string(*h.command);
  o += ",\"events\":" + std::to_string(s.events) + ",\"counts\":{";
  bool first = true;
  for (const auto& [c, n] : s.counts) {
    o += (first ? "" : ",") + json_string(c) + ":" + std::to_string(n);
    first = false;
  }
  o += "},\"output_bytes\":" + std::to_string(s.output_bytes) +
       ",\"input_bytes\":" + std::to_string(s.input_bytes) + ",\"resizes\":[";
  first = true;
  for (const auto& [t, size] : s.resizes) {
    o += (first ? "[" : ",[") + format_seconds(t) + "," + json_string(format_size(size)) + "]";
    first = false;
  }
  o += "],\"resize_count\":" + std::to_string(s.resize_count) + ",\"markers\":[";
  first = true;
  for (const auto& [t, label] : s.markers) {
    o += (first ? "[" : ",[") + format_seconds(t) + "," + json_string(label) + "]";
    first = false;
  }
  o += "],\"marker_count\":" + std::to_string(s.marker_count) + ",\"forward_totals\":[";
  first = true;
  for (const auto& f : s.forwards) {
    o += (first ? "" : ",") + forward_totals_json(f);
    first = false;
  }
  o += "]";
  if (s.exit_status) o += ",\"exit_status\":" + std::to_string(*s.exit_status);
  o += ",\"skipped\":" + std::to_string(s.skipped) + "}";
  return o;
}

std::vector<Problem> validate_file(const std::string& path, bool all, std::uint64_t* events) {
  std::vector<Problem> problems;
  Diagnostics diag;
  diag.on_warning = [&](const std::string& loc, const std::string& msg) {
    problems.push_back({loc, msg});
  };
  std::uint64_t n = 0;
  try {
    ReadOptions o{all, &diag};
    o.need_data = false; // checked, not decoded
    auto reader = open_reader(path, "", o);
    Event e;
    while ((all || problems.empty()) && reader->next(e)) ++n;
  } catch (const FormatError& err) {
    problems.push_back({err.location(), err.message()});
  }
  if (events) *events = n;
  if (!all && problems.size() > 1) problems.resize(1);
  return problems;
}

} // namespace recssh
