// SPDX-License-Identifier: MIT
#include "record/live_seal.hpp"

#include "core/errors.hpp"
#include "core/signals.hpp"

#include <cerrno>
#include <ctime>
#include <string_view>
#include <unistd.h>

namespace recssh::record {

LiveSeal::LiveSeal(Fd sidecar, std::string sidecar_name, std::string cast_name, LiveSealOptions options)
    : m_fd(std::move(sidecar)), m_sidecar_name(std::move(sidecar_name)), m_cast_name(std::move(cast_name)),
      m_options(std::move(options)), m_syncer(start_thread_without_signals([this] { sync_loop(); })) {}

LiveSeal::~LiveSeal() { stop_syncing(); }

std::string LiveSeal::error() const {
  std::lock_guard lock(m_mutex);
  return m_error;
}

void LiveSeal::append(const std::string& line) {
  std::lock_guard write_lock(m_sidecar_mutex);
  if (!error().empty()) return;
  std::string bytes = line + "\n";
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(m_fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string why = "cannot write " + m_sidecar_name + ": " + errno_message();
      std::lock_guard lock(m_mutex);
      m_error = std::move(why);
      return;
    }
    done += static_cast<std::size_t>(n);
  }
}

void LiveSeal::written(const std::string& batch, int cast_fd) {
  std::size_t from = 0;
  while (from < batch.size()) {
    std::size_t nl = batch.find('\n', from);
    if (nl == std::string::npos) break; // batches are whole lines
    std::string_view line(batch.data() + from, nl - from);
    m_chain.add(line);
    if (m_chain.lines() == 1) {
      const std::string head = store::seal_head_line({m_cast_name, store::seal_id(line), {}});
      m_head_hash = store::seal_head_hash(head);
      append(head); // before any checkpoint can be due: the sync thread is idle
    }
    from = nl + 1;
  }
  const auto now = std::chrono::steady_clock::now();
  const bool due = m_chain.lines() - m_lines_at_checkpoint >= m_options.every_lines ||
                   (m_chain.lines() > m_lines_at_checkpoint && now - m_last_checkpoint >= m_options.every);
  if (!due) return;
  {
    std::lock_guard lock(m_mutex);
    m_cast_fd = cast_fd;
    m_due = store::SealCheckpoint{m_chain.lines(), m_chain.bytes(), m_chain.hex(),
                                  static_cast<std::int64_t>(std::time(nullptr))};
  }
  m_wake.notify_one();
  m_lines_at_checkpoint = m_chain.lines();
  m_last_checkpoint = now;
}

void LiveSeal::sync_loop() {
  for (;;) {
    store::SealCheckpoint c;
    int cast_fd;
    {
      std::unique_lock lock(m_mutex);
      m_wake.wait(lock, [&] { return m_stop || m_due; });
      if (!m_due) return; // stopped with nothing left to write
      c = std::move(*m_due);
      m_due.reset();
      cast_fd = m_cast_fd;
    }
    // The checkpoint must never get ahead of the cast on the disk: every byte it
    // covers was written before it was handed over, so this sync covers them.
    ::fdatasync(cast_fd);
    append(store::seal_checkpoint_line(c));
    ::fdatasync(m_fd.get());
    if (m_options.anchor)
      m_options.anchor(m_cast_name + " line=" + std::to_string(c.line) + " hash=" + c.hash);
  }
}

void LiveSeal::stop_syncing() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_one();
  if (m_syncer.joinable()) m_syncer.join();
}

store::SealFinal LiveSeal::close() {
  stop_syncing(); // a checkpoint still due is written first: the sidecar stays in order
  store::SealFinal f{m_chain.lines(), m_chain.bytes(), m_chain.hex(), static_cast<std::int64_t>(std::time(nullptr)),
                     m_head_hash, {}};
  f.text = store::seal_final_line(f);
  append(f.text);
  if (error().empty() && ::fsync(m_fd.get()) != 0) {
    std::lock_guard lock(m_mutex);
    m_error = "cannot sync " + m_sidecar_name + ": " + errno_message();
  }
  if (std::string e = error(); !e.empty()) throw Error(e);
  if (m_options.anchor)
    m_options.anchor(m_cast_name + " final=" + f.hash + " lines=" + std::to_string(f.lines));
  return f;
}

} // namespace recssh::record
