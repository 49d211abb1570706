// SPDX-License-Identifier: MIT
#pragma once
// Decoding asciicast lines ahead of the reader, on worker threads. The rest of the
// input (after the header) is cut into chunks of whole lines; each worker takes the
// next chunk in turn, runs the fast path over its lines into a batch, and the reader
// takes the batches back in input order. Only the fast path runs on the workers:
// a line it does not accept (an error, invalid UTF-8 to repair, an odd layout) is
// handed over as it stands and the reader parses it itself, so messages, warnings,
// repairs and their order are the sequential reader's, by construction.
#include "core/io.hpp"
#include "core/time.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

namespace recssh {

// Lines of a cast that hold no event: blank ones (spaces, tabs, CR) and, in v3,
// '#' comments.
bool holds_no_event(std::string_view line, int version);

struct CastBatch {
  struct Line {
    std::uint32_t begin = 0, size = 0; // the raw line in `in`
    std::uint64_t number = 0;          // 1-based, within the batch
    bool terminated = true;            // false: the input ended without '\n' after it
    bool fast = false;                 // decoded; false: the reader parses it itself
    Micros time{0};                    // fast: the time as written (v3: an interval)
    std::uint32_t tail = 0;            // fast: where the raw tail starts in the line (0: none)
    std::uint32_t code = 0, code_size = 0, data = 0, data_size = 0; // fast: in `out`
  };

  std::uint64_t seq = 0;
  std::unique_ptr<char[]> in; // whole lines, then k_padding readable bytes
  std::size_t in_size = 0, in_cap = 0;
  std::unique_ptr<char[]> out; // decoded codes and data
  std::size_t out_cap = 0;
  std::vector<Line> lines;          // events and slow lines; blank lines and v3 comments are left out
  std::uint64_t line_count = 0;     // every line in the chunk
  bool too_long = false;            // after the lines: one longer than the maximum
  std::exception_ptr error;         // after the lines: reading failed
  bool end = false;                 // no more input: this batch is empty
  bool done = false;                // decoded (guarded by the decoder's mutex)

  std::string_view line(const Line& l) const { return {in.get() + l.begin, l.size}; }
  // Readable bytes from the start of `l` (its size plus at least the padding).
  std::size_t capacity(const Line& l) const;
  std::string_view code(const Line& l) const { return {out.get() + l.code, l.code_size}; }
  std::string_view data(const Line& l) const { return {out.get() + l.data, l.data_size}; }
};

class CastBatchDecoder {
public:
  struct Config {
    int version = 2;        // 3: intervals, '#' comment lines
    bool need_data = true;  // see ReadOptions::need_data
    unsigned threads = 1;   // workers, besides the reader (which decodes too)
    std::size_t chunk = std::size_t(512) << 10;
    std::size_t max_line = std::size_t(64) << 20;
  };

  // `source` is read from the workers, one at a time; it must outlive the decoder.
  // `buffered`: bytes already read from it (after the header), decoded first.
  CastBatchDecoder(ByteSource& source, std::string_view buffered, Config config);
  ~CastBatchDecoder();
  CastBatchDecoder(const CastBatchDecoder&) = delete;
  CastBatchDecoder& operator=(const CastBatchDecoder&) = delete;

  // The next batch in input order (the previous one is given back to the workers);
  // its `end` is set when the input is exhausted.
  const CastBatch& next();

private:
  void work();
  // Reads and decodes the next batch; false: nothing left to do, or (unless
  // wait_for_room) no room for another batch in flight.
  bool produce(bool wait_for_room);
  void read_chunk(CastBatch& b, bool wait);
  bool may_grow(const CastBatch& b, bool wait);
  void decode(CastBatch& b) const;

  ByteSource& m_source;
  const Config m_config;
  const std::size_t m_depth; // batches in flight: bounds the memory

  std::mutex m_read_mutex; // one reader at a time; guards the fields below
  std::string m_carry;     // the start of a line cut by the last chunk
  bool m_eof = false;
  bool m_ended = false; // the batch marked `end` has been made: the workers are done
  std::uint64_t m_next_seq = 0;

  std::mutex m_mutex; // guards the slots' `done`, m_consumed
  std::condition_variable m_ready, m_space;
  std::vector<std::unique_ptr<CastBatch>> m_slots;
  std::uint64_t m_consumed = 0; // batches given back by the reader
  bool m_holding = false;       // the reader holds batch m_consumed
  std::atomic<bool> m_stop{false};
  std::vector<std::thread> m_threads;
};

} // namespace recssh
