// SPDX-License-Identifier: MIT
#include "core/cast_reader.hpp"

#include "core/cpus.hpp"

#include <cstdlib>

namespace recssh {

namespace {
// Threads (the reader's and its workers) for decoding this input ahead, or 0 to read
// it line by line.
unsigned batch_threads(const ReadOptions& o, const Input& in) {
  // A gzip'd cast holds several times its size (x4 is a low guess for terminal text).
  if (!in.size || *in.size * (in.gzip ? 4 : 1) < o.batch_min_size) return 0;
  unsigned n = o.threads;
  if (n == 0) {
    if (const char* env = std::getenv("RECSSH_THREADS")) n = unsigned(std::strtoul(env, nullptr, 10));
    if (n == 0) n = std::min(usable_cpus(), 4u);
  }
  return n >= 2 ? n : 0;
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
  if (unsigned threads = batch_threads(options, m_input)) {
    CastBatchDecoder::Config config;
    config.version = version;
    config.need_data = options.need_data;
    config.threads = threads - 1; // the reader itself decodes too
    config.chunk = options.batch_chunk;
    config.max_line = LineReader::k_default_max_line;
    m_line_base = m_lines.line_number();
    m_batches = std::make_unique<CastBatchDecoder>(*m_input.source, m_lines.detach(), config);
  }
}

std::string CastReader::do_location() const {
  if (m_batches) return m_input.name + ":" + std::to_string(m_line_no);
  return m_lines.location();
}

bool CastReader::next_batched(Event& e, const CastBatch::Line*& fast) {
  fast = nullptr;
  for (;;) {
    if (m_batch && m_index < m_batch->lines.size()) break;
    if (m_batch) { // what the batch ended with
      const CastBatch& done = *m_batch;
      m_line_base += done.line_count;
      if (done.end) return false;
      m_batch = nullptr;
      if (done.too_long) throw line_too_long(m_input.name, m_line_no = m_line_base + 1, LineReader::k_default_max_line);
      if (done.error) std::rethrow_exception(done.error);
    }
    m_batch = &m_batches->next();
    m_index = 0;
  }
  const CastBatch& b = *m_batch;
  const CastBatch::Line& l = b.lines[m_index++];
  m_line_no = m_line_base + l.number;
  const std::string_view line = b.line(l);
  if (!l.fast) return parse_line(line, b.capacity(l), l.terminated, e);
  fast = &l;
  if (l.tail) m_tail = line.substr(l.tail);
  return true;
}

bool CastReader::do_next_view(EventView& v) {
  if (!m_batches) return EventReader::do_next_view(v);
  m_tail = {};
  const CastBatch::Line* fast = nullptr;
  if (!next_batched(m_scratch_event, fast)) return false;
  if (fast) {
    v = {event_time(fast->time), m_batch->code(*fast), m_batch->data(*fast)};
  } else {
    v = {m_scratch_event.time, m_scratch_event.code, m_scratch_event.data};
  }
  return true;
}

// The next line is decoded in the batch the last views point into: reading it
// moves nothing (slow lines are parsed into m_scratch_event, which it leaves alone).
bool CastReader::views_stay_valid() const {
  return m_batch && m_index < m_batch->lines.size() && m_batch->lines[m_index].fast;
}

bool CastReader::do_next(Event& e) {
  m_tail = {};
  if (m_batches) {
    const CastBatch::Line* fast = nullptr;
    if (!next_batched(e, fast)) return false;
    if (fast) {
      e.code.assign(m_batch->code(*fast));
      e.data.assign(m_batch->data(*fast));
      e.time = event_time(fast->time);
    }
    return true;
  }
  std::string_view line;
  for (;;) {
    if (!m_lines.next(line)) return false;
    if (!holds_no_event(line, m_version)) break;
  }
  return parse_line(line, m_lines.capacity(line), m_lines.terminated(), e);
}

bool CastReader::parse_line(std::string_view line, std::size_t capacity, bool terminated, Event& e) {
  std::string_view time_text;
  bool repaired = false;
  try {
    time_text = m_json.parse_event(line, capacity, e, &repaired, options().need_data);
  } catch (const CastJson::Malformed& err) {
    if (terminated) throw FormatError(location(), err.what());
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
    if (negative) throw FormatError(location(), "negative time " + std::string(time_text).substr(0, 40));
    throw FormatError(location(), "invalid time " + std::string(time_text).substr(0, 40) +
                                      " (expected seconds >= 0, " + max_time_text() + ")");
  }
  e.time = event_time(*t);
  return true;
}

Micros CastReader::event_time(Micros written) {
  if (m_version != 3) return written;
  // v3 writes intervals; each is in range, their sum must stay so too.
  auto sum = add_times(m_elapsed, written);
  if (!sum) throw FormatError(location(), "the intervals add up to more than the longest time, " + max_time_text());
  m_elapsed = *sum;
  return m_elapsed;
}

} // namespace recssh
