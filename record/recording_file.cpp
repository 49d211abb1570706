// SPDX-License-Identifier: MIT
#include "record/recording_file.hpp"

#include "core/format.hpp"
#include "core/errors.hpp"
#include "core/signals.hpp"

#include <cerrno>
#include <condition_variable>
#include <fcntl.h>
#include <sys/resource.h>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace recssh::record {

// State shared with the writer thread; everything below `mutex` is guarded by it.
struct RecordingFile::Shared {
  Fd fd;
  std::string name;
  std::size_t limit = 0;
  bool gzip = false;

  std::mutex mutex;
  std::condition_variable wake;    // work arrived, or stop
  std::condition_variable drained; // the writer went idle
  std::string pending;             // whole lines (or gzip bytes) not yet written
  std::size_t in_flight = 0;       // bytes of the batch the writer is writing now
  bool stop = false;
  bool writing = false;
  std::uint64_t lost = 0;     // bytes dropped or failed
  bool last_write_ok = true;  // a gap marker now has a chance to land
  bool failed = false;
  bool broken = false;        // gzip after a loss: the deflate stream cannot go on
  bool settled = false;       // the end markers: they may use the room kept for them
  std::string error;

  // Room past the end of the file that the end markers can always use.
  bool can_reserve = true; // false where fallocate(FALLOC_FL_KEEP_SIZE) is not supported
  off_t reserved_to = 0;   // allocated up to here
  off_t size_limit = -1;   // RLIMIT_FSIZE, where one is set: the same room is kept below it

  // Test hook: RECSSH_FAULT_WRITES="FIRST:COUNT" makes writes FIRST..FIRST+COUNT-1
  // (counted from 1) fail with ENOSPC, to exercise the gap path without a full disk.
  unsigned long fault_first = 0, fault_count = 0, write_no = 0;

  std::unique_ptr<LiveSeal> seal; // used by the writer thread until it is joined

  std::thread thread;

  void run();
  bool write_batch(const std::string& batch, bool use_reserve, std::string& error_out);
  bool keep_room(off_t at, std::size_t n, std::string& error_out);
};

namespace {
// What the end markers need (a gap marker, the end marker, v3's exit event: < 1 KiB),
// rounded up to whole blocks; allocated ahead in steps so that this costs one
// fallocate call per step of output, not one per write.
constexpr off_t k_end_room = 16 << 10;
constexpr off_t k_room_step = 256 << 10;
// Under RLIMIT_FSIZE the limit is in bytes, not blocks: the markers' own size will do.
constexpr off_t k_end_bytes = 1 << 10;
} // namespace

// Makes sure `n` bytes at `at` plus the end's room are allocated. False (and the
// batch is to be counted lost) when the disk is too full for both.
bool RecordingFile::Shared::keep_room(off_t at, std::size_t n, std::string& error_out) {
  if (at < 0) return true;
  if (size_limit >= 0 && at + off_t(n) + k_end_bytes > size_limit) {
    error_out = std::strerror(EFBIG);
    return false;
  }
  if (!can_reserve) return true;
  const off_t need = at + off_t(n) + k_end_room;
  if (need <= reserved_to) return true;
  for (off_t len : {off_t(n) + k_end_room + k_room_step, off_t(n) + k_end_room}) {
    if (::fallocate(fd.get(), FALLOC_FL_KEEP_SIZE, at, len) == 0) {
      reserved_to = at + len;
      return true;
    }
    if (errno != ENOSPC && errno != EDQUOT) {
      can_reserve = false; // not supported here: writes fail where the disk does
      return true;
    }
  }
  error_out = std::strerror(ENOSPC);
  return false;
}

bool RecordingFile::Shared::write_batch(const std::string& batch, bool use_reserve, std::string& error_out) {
  ++write_no;
  if (fault_count && write_no >= fault_first && write_no < fault_first + fault_count) {
    error_out = std::strerror(ENOSPC);
    return false;
  }
  off_t good = ::lseek(fd.get(), 0, SEEK_CUR);
  if (!use_reserve && !keep_room(good, batch.size(), error_out)) return false;
  std::size_t done = 0;
  while (done < batch.size()) {
    ssize_t n = ::write(fd.get(), batch.data() + done, batch.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_out = n < 0 ? std::strerror(errno) : "short write";
      // Cut back to the last whole line so the cast stays valid and the next
      // line starts at a line boundary.
      if (good >= 0 && ::ftruncate(fd.get(), good) == 0) ::lseek(fd.get(), good, SEEK_SET);
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

void RecordingFile::Shared::run() {
  std::string batch;
  for (;;) {
    bool use_reserve = false;
    {
      std::unique_lock lock(mutex);
      writing = false;
      drained.notify_all();
      wake.wait(lock, [&] { return stop || !pending.empty(); });
      if (pending.empty()) return; // stop, and nothing left
      batch.swap(pending);
      in_flight = batch.size();
      writing = true;
      use_reserve = settled;
    }
    std::string err;
    bool ok = !broken && write_batch(batch, use_reserve, err);
    if (ok && seal) seal->written(batch, fd.get()); // only what the file holds is sealed
    {
      std::lock_guard lock(mutex);
      in_flight = 0;
      last_write_ok = ok;
      if (!ok) {
        lost += batch.size();
        failed = true;
        if (!err.empty()) error = err;
        if (gzip) broken = true;
      }
    }
    batch.clear();
    if (batch.capacity() > (1u << 20)) batch.shrink_to_fit(); // keep memory flat
  }
}

class RecordingFile::QueueSink final : public ByteSink {
public:
  explicit QueueSink(Shared& s) : m_s(s) {}
  void write(const char* p, std::size_t n) override {
    {
      std::lock_guard lock(m_s.mutex);
      // The limit covers what waits and what is being written: memory stays bounded.
      if (m_s.broken || m_s.pending.size() + m_s.in_flight + n > m_s.limit) {
        // The disk is not keeping up: drop rather than stall the session.
        m_s.lost += n;
        m_s.failed = true;
        if (m_s.error.empty()) m_s.error = "the disk did not keep up";
        if (m_s.gzip) m_s.broken = true;
        return;
      }
      m_s.pending.append(p, n);
    }
    m_s.wake.notify_one();
  }

private:
  Shared& m_s;
};

RecordingFile::RecordingFile(Fd fd, std::string name, RecordingFileOptions options)
    : m_name(std::move(name)), m_opts(options), m_shared(std::make_shared<Shared>()) {
  auto& s = *m_shared;
  s.fd = std::move(fd);
  s.name = m_name;
  s.limit = options.buffer_limit;
  s.gzip = options.gzip;
  if (rlimit lim{}; ::getrlimit(RLIMIT_FSIZE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
    s.size_limit = static_cast<off_t>(lim.rlim_cur);
  if (const char* f = std::getenv("RECSSH_FAULT_WRITES")) {
    char* end = nullptr;
    s.fault_first = std::strtoul(f, &end, 10);
    if (end && *end == ':') s.fault_count = std::strtoul(end + 1, nullptr, 10);
  }
  m_queue = std::make_unique<QueueSink>(s);
  ByteSink* sink = m_queue.get();
  if (options.gzip) {
    m_gzip = std::make_unique<GzipSink>(*m_queue, m_name);
    sink = m_gzip.get();
  }
  const FormatInfo& format = formats().writer(options.format);
  m_writer = format.make_writer(*sink, WriteOptions{});
  m_version = format.cast_version;
  s.thread = start_thread_without_signals([&s] { s.run(); }); // signals are the loop's
}

RecordingFile::~RecordingFile() {
  {
    std::lock_guard lock(m_shared->mutex);
    m_shared->stop = true;
  }
  m_shared->wake.notify_all();
  if (m_shared->thread.joinable()) m_shared->thread.join();
}

void RecordingFile::seal_as_written(std::unique_ptr<LiveSeal> seal) {
  if (m_gzip) throw Error(m_name + ": a gzip'd recording is sealed when it ends, not as it is written");
  std::lock_guard lock(m_shared->mutex);
  m_shared->seal = std::move(seal);
}

void RecordingFile::begin(const Header& h) {
  m_writer->begin(h);
  if (m_gzip) m_gzip->flush(); // the header is readable at once
}

void RecordingFile::report_gap(Micros t) {
  std::uint64_t lost;
  std::string why;
  {
    std::lock_guard lock(m_shared->mutex);
    if (m_shared->lost <= m_reported_lost || !m_shared->last_write_ok || m_shared->broken) return;
    lost = m_shared->lost;
    why = m_shared->error;
  }
  m_writer->write(Event::marker(t, "recssh: gap: " + std::to_string(lost - m_reported_lost) +
                                       " bytes of recording lost (" + why + ")"));
  m_reported_lost = lost;
}

void RecordingFile::write(const Event& e) {
  report_gap(e.time);
  m_writer->write(e);
  m_dirty = true;
}

void RecordingFile::tick(Micros now) {
  report_gap(now);
  if (m_gzip && m_dirty) m_gzip->flush(); // idle: make the last events decodable
  m_dirty = false;
}

std::uint64_t RecordingFile::settle() {
  if (m_gzip) m_gzip->flush(); // what gzip holds back counts as handed over
  std::unique_lock lock(m_shared->mutex);
  m_shared->drained.wait(lock, [&] { return m_shared->pending.empty() && !m_shared->writing; });
  m_shared->settled = true;
  return m_shared->lost;
}

void RecordingFile::finish() {
  if (m_finished) return;
  m_finished = true;
  m_writer->finish();
  if (m_gzip) m_gzip->close();
  {
    std::lock_guard lock(m_shared->mutex);
    m_shared->stop = true;
  }
  m_shared->wake.notify_all();
  m_shared->thread.join();
  // Give back the room kept past the end (truncating to the size frees it).
  if (m_shared->reserved_to > 0) {
    off_t size = ::lseek(m_shared->fd.get(), 0, SEEK_CUR);
    if (size >= 0 && ::ftruncate(m_shared->fd.get(), size) != 0) {
      // The room stays allocated: harmless, the file's contents are complete.
    }
  }
  ::fsync(m_shared->fd.get()); // the session is over: make it durable
  if (auto& seal = m_shared->seal) {
    try {
      if (!seal->error().empty()) throw Error(seal->error());
      m_seal_final = seal->close();
    } catch (const Error& e) {
      m_seal_error = e.what(); // the recording itself is complete: reported, not fatal
    }
  }
}

bool RecordingFile::failed() const {
  std::lock_guard lock(m_shared->mutex);
  return m_shared->failed;
}

std::string RecordingFile::last_error() const {
  std::lock_guard lock(m_shared->mutex);
  return m_shared->error;
}

std::uint64_t RecordingFile::lost_bytes() const {
  std::lock_guard lock(m_shared->mutex);
  return m_shared->lost;
}

} // namespace recssh::record
