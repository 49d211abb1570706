// SPDX-License-Identifier: MIT
#include "core/cast_reader.hpp"

namespace recssh {

namespace {
bool blank(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}
} // namespace

CastReader::CastReader(Input input, int version, ReadOptions options)
    : EventReader(options), m_input(std::move(input)), m_lines(*m_input.source, m_input.name),
      m_version(version) {
  std::string_view line;
  if (!m_lines.next(line)) throw FormatError(m_input.name + ":1", "empty file (no asciicast header)", false);
  bool repaired = false;
  try {
    m_json.parse_header(line, m_lines.capacity(line), m_header, &repaired);
  } catch (const CastJson::Malformed& e) {
    throw FormatError(m_lines.location(), e.what(), false);
  }
  if (repaired) warn("invalid UTF-8 in the header replaced by U+FFFD");
  if (m_header.version != version)
    throw FormatError(m_lines.location(), "expected an asciicast v" + std::to_string(version) +
                                              " header, found v" + std::to_string(m_header.version), false);
}

bool CastReader::do_next(Event& e) {
  m_tail = {};
  std::string_view line;
  for (;;) {
    if (!m_lines.next(line)) return false;
    if (blank(line)) continue;
    if (m_version == 3 && line.front() == '#') continue; // v3 comment
    break;
  }
  std::string_view time_text;
  bool repaired = false;
  try {
    time_text = m_json.parse_event(line, m_lines.capacity(line), e, &repaired, options().need_data);
  } catch (const CastJson::Malformed& err) {
    if (m_lines.terminated()) throw FormatError(location(), err.what());
    // A last line without '\n' that does not parse: the recorder died mid-write.
    warn(std::string("truncated last line ignored (") + err.what() + "; a crashed recorder?)");
    return false;
  }
  if (repaired) warn("invalid UTF-8 replaced by U+FFFD");
  else if (time_text.data() >= line.data() && time_text.data() + time_text.size() <= line.data() + line.size() &&
           !line.empty() && line.back() == ']') {
    // The line parsed as it stands: what follows the time can be written again verbatim.
    m_tail = line.substr(static_cast<std::size_t>(time_text.data() + time_text.size() - line.data()));
  }
  bool negative = false;
  auto t = parse_seconds(time_text, &negative);
  if (!t) {
    if (negative) throw FormatError(location(), "negative time " + std::string(time_text));
    throw FormatError(location(), "invalid time " + std::string(time_text) +
                                      " (expected seconds, a finite number >= 0)");
  }
  if (m_version == 3) {
    m_elapsed += *t;
    e.time = m_elapsed;
  } else {
    e.time = *t;
  }
  return true;
}

CastV1Reader::CastV1Reader(Input input, ReadOptions options)
    : EventReader(options), m_name(input.name) {
  // v1 is a single JSON document, the one format that must be read whole.
  std::string text;
  char buf[1 << 16];
  for (;;) {
    std::size_t r = input.source->read(buf, sizeof buf);
    if (r == 0) break;
    text.append(buf, r);
  }
  CastJson json;
  bool repaired = false;
  json.parse_v1(text, m_name, m_header, m_events, &repaired);
  if (repaired) warn("invalid UTF-8 replaced by U+FFFD");
}

bool CastV1Reader::do_next(Event& e) {
  if (m_pos >= m_events.size()) return false;
  e = std::move(m_events[m_pos++]);
  return true;
}

std::string CastV1Reader::do_location() const {
  return m_name + ": frame " + std::to_string(m_pos);
}

} // namespace recssh
