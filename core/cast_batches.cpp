// SPDX-License-Identifier: MIT
#include "core/cast_batches.hpp"

#include "core/cast_fast.hpp"
#include "core/line_reader.hpp"
#include "core/utf8.hpp"

#include <algorithm>
#include <cstring>
#include <malloc.h>
#include <system_error>

namespace recssh {

namespace {
constexpr std::size_t k_padding = LineReader::k_padding;

void ensure(std::unique_ptr<char[]>& buf, std::size_t& cap, std::size_t want, std::size_t keep) {
  if (cap >= want) return;
  std::unique_ptr<char[]> bigger(new char[want + k_padding]);
  if (keep) std::memcpy(bigger.get(), buf.get(), keep);
  buf = std::move(bigger);
  cap = want;
}
} // namespace

bool holds_no_event(std::string_view line, int version) {
  if (version == 3 && !line.empty() && line.front() == '#') return true;
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

std::size_t CastBatch::capacity(const Line& l) const { return in_size + k_padding - l.begin; }

CastBatchDecoder::CastBatchDecoder(ByteSource& source, std::string_view buffered, Config config)
    : m_source(source), m_config(config), m_depth(config.threads + 3), m_carry(buffered) {
  for (std::size_t i = 0; i < m_depth; ++i) m_slots.push_back(std::make_unique<CastBatch>());
  m_threads.reserve(m_config.threads);
  try {
    for (unsigned i = 0; i < m_config.threads; ++i) m_threads.emplace_back([this] { work(); });
  } catch (const std::system_error&) {
    // Out of threads (RLIMIT_NPROC...): go on with those that started, or with none,
    // in which case next() decodes every batch itself.
  }
}

CastBatchDecoder::~CastBatchDecoder() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_space.notify_all();
  for (auto& t : m_threads) t.join();
}

const CastBatch& CastBatchDecoder::next() {
  std::unique_lock lock(m_mutex);
  if (m_holding) {
    CastBatch& held = *m_slots[m_consumed % m_depth];
    if (held.end) return held; // the end stays the end
    held.done = false;
    if (held.in_cap > 4 * m_config.chunk) { // a long line's buffers: back to the budget
      held.in.reset();
      held.out.reset();
      held.in_cap = held.out_cap = 0;
      // And back to the system: the smaller buffers it grew through were freed in the
      // workers' malloc arenas, which keep them (4 threads held 121 MB, 1 arena 80).
      ::malloc_trim(0);
    }
    ++m_consumed;
    m_holding = false;
    m_space.notify_all();
  }
  const CastBatch& b = *m_slots[m_consumed % m_depth];
  auto ready = [&] { return b.done && b.seq == m_consumed; };
  // While the batch it needs is not ready, the reader decodes the next one itself
  // rather than sleep: with the workers one fewer than the cores, every core stays
  // busy and nobody sleeps and wakes once per batch (those wake-ups were 16% of the
  // CPU of a cat with a worker per core). It waits only when there is no room for
  // another batch or the input is all taken: then a worker has the one it needs.
  while (!ready()) {
    lock.unlock();
    const bool made = produce(false);
    lock.lock();
    if (!made) {
      m_ready.wait(lock, ready);
      break;
    }
  }
  m_holding = true;
  return b;
}

void CastBatchDecoder::work() {
  while (produce(true)) {
  }
}

bool CastBatchDecoder::produce(bool wait_for_room) {
  {
    CastBatch* b = nullptr;
    {
      // The reader only tries: a worker may hold this lock while it waits for the
      // reader to take a batch (read_chunk, a long line), and a reader that waited for
      // the lock then would wait forever. Someone else reading means its batch is made.
      std::unique_lock read_lock(m_read_mutex, std::defer_lock);
      if (wait_for_room) read_lock.lock();
      else if (!read_lock.try_lock()) return false;
      for (;;) {
        if (m_stop || m_ended) return false;
        const std::uint64_t seq = m_next_seq;
        // Bounded memory: the batch this one reuses must have been given back. The
        // wait for it is made without the read lock, so that the reader, which gives
        // batches back, is never held up on that lock by a worker that waits for it.
        std::unique_lock lock(m_mutex);
        auto room = [&] { return seq < m_consumed + m_depth; };
        if (room()) break;
        if (!wait_for_room) return false;
        read_lock.unlock();
        m_space.wait(lock, [&] { return m_stop || room(); }); // then the loop's start again
        lock.unlock();
        read_lock.lock();
      }
      const std::uint64_t seq = m_next_seq;
      ++m_next_seq;
      b = m_slots[seq % m_depth].get();
      b->seq = seq;
      try {
        read_chunk(*b, wait_for_room);
      } catch (...) { // out of memory for a long line: raised where the reader reaches it
        b->lines.clear();
        b->in_size = b->line_count = 0;
        b->end = b->too_long = false;
        b->error = std::current_exception();
        m_eof = true;
      }
      m_ended = b->end;
    }
    if (!b->end) {
      try {
        decode(*b);
      } catch (...) { // out of memory: raised where the reader reaches this batch
        b->lines.clear();
        b->error = std::current_exception();
      }
    }
    {
      std::lock_guard lock(m_mutex);
      b->done = true;
    }
    m_ready.notify_all();
  }
  return true;
}

// A batch may grow past the chunk size for a long line only when it is the one the
// reader takes next and the reader holds no other: one long line in memory at a time
// (with the start of the next in m_carry), whatever the number of threads, not one
// per batch in flight. A worker waits for that (the reader gives batches back without
// the read lock); the reader, which would wait for itself, is refused.
bool CastBatchDecoder::may_grow(const CastBatch& b, bool wait) {
  std::unique_lock lock(m_mutex);
  auto turn = [&] { return m_stop || (b.seq == m_consumed && !m_holding); };
  if (wait) m_space.wait(lock, turn);
  return turn() && !m_stop;
}

// Under m_read_mutex: the carried partial line, then whole lines up to the chunk size
// (more when one line is longer, if may_grow), the partial line at the end carried
// to the next. A batch refused room for a long line is left empty (not the end), its
// bytes carried on.
void CastBatchDecoder::read_chunk(CastBatch& b, bool wait) {
  b.lines.clear();
  b.line_count = 0;
  b.too_long = b.end = false;
  b.error = nullptr;
  std::size_t chunk = std::max(m_config.chunk, std::min(m_carry.size() * 2, m_config.max_line));
  if (chunk > m_config.chunk && !may_grow(b, wait)) chunk = 0;
  if (b.in_cap > 4 * m_config.chunk && chunk < b.in_cap / 4) { // a long line is behind us
    b.in.reset();
    b.in_cap = 0;
  }
  ensure(b.in, b.in_cap, std::max(chunk, m_config.chunk), 0);
  if (chunk == 0) { // the carried long line waits for its turn
    b.in_size = 0;
    std::memset(b.in.get(), 0, k_padding);
    return;
  }
  std::memcpy(b.in.get(), m_carry.data(), m_carry.size());
  std::size_t size = m_carry.size();
  m_carry.clear();
  bool failed = false;
  while (!m_eof) {
    if (size == b.in_cap) {
      if (std::memchr(b.in.get(), '\n', size)) break;
      if (b.in_cap >= m_config.max_line) { // as LineReader: no '\n' in max_line bytes
        b.too_long = true;
        m_eof = true;
        break;
      }
      if (b.in_cap >= m_config.chunk && !may_grow(b, wait)) { // all of it is one partial line
        m_carry.assign(b.in.get(), size);
        b.in_size = 0;
        std::memset(b.in.get(), 0, k_padding);
        return;
      }
      ensure(b.in, b.in_cap, std::min(b.in_cap * 2, m_config.max_line), size);
    }
    try {
      const std::size_t r = m_source.read(b.in.get() + size, b.in_cap - size);
      if (r == 0) m_eof = true;
      size += r;
    } catch (...) {
      b.error = std::current_exception();
      failed = m_eof = true;
    }
  }
  if (b.too_long) {
    size = 0; // no '\n' at all: nothing whole to decode
  } else if (failed || !m_eof) {
    // Whole lines only; on a read error the partial line is dropped, as LineReader
    // throws before returning it.
    const char* nl = static_cast<const char*>(::memrchr(b.in.get(), '\n', size));
    const std::size_t whole = nl ? std::size_t(nl - b.in.get()) + 1 : 0;
    if (!failed) m_carry.assign(b.in.get() + whole, size - whole);
    size = whole;
  }
  b.in_size = size;
  std::memset(b.in.get() + size, 0, k_padding); // what a line's padding reads is defined
  b.end = size == 0 && !b.too_long && !b.error && m_eof;
}

void CastBatchDecoder::decode(CastBatch& b) const {
  const char* const base = b.in.get();
  const std::size_t size = b.in_size;
  ensure(b.out, b.out_cap, size + k_fast_room, 0);
  // One UTF-8 check for the chunk instead of one per line: lines end at '\n', so a
  // valid chunk has valid lines. When it is not, each line is checked on its own.
  const bool utf8_checked = is_valid_utf8({base, size});
  char* at = b.out.get();
  const char* p = base;
  const char* const end = base + size;
  std::uint64_t number = 0;
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', std::size_t(end - p)));
    const char* line_end = nl ? nl : end;
    const std::string_view text(p, std::size_t(line_end - p));
    ++number;
    if (!holds_no_event(text, m_config.version)) {
      CastBatch::Line l;
      l.terminated = nl != nullptr;
      l.begin = static_cast<std::uint32_t>(p - base);
      l.size = static_cast<std::uint32_t>(text.size());
      l.number = number;
      std::string_view time_text, code, data;
      char* const start = at;
      if (fast_parse_event_into(text, b.capacity(l), time_text, at, code, data, m_config.need_data,
                                utf8_checked)) {
        if (auto t = parse_seconds(time_text)) {
          l.fast = true;
          l.time = *t;
          if (text.back() == ']') l.tail = static_cast<std::uint32_t>(time_text.data() + time_text.size() - p);
          l.code = static_cast<std::uint32_t>(code.data() - b.out.get());
          l.code_size = static_cast<std::uint32_t>(code.size());
          l.data = static_cast<std::uint32_t>(data.data() - b.out.get());
          l.data_size = static_cast<std::uint32_t>(data.size());
        }
      }
      if (!l.fast) at = start;
      b.lines.push_back(l);
    }
    p = nl ? nl + 1 : end;
  }
  b.line_count = number;
}

} // namespace recssh
