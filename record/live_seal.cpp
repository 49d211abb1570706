// SPDX-License-Identifier: MIT
#include "record/live_seal.hpp"

#include "core/errors.hpp"

#include <cerrno>
#include <ctime>
#include <string_view>
#include <unistd.h>

namespace recssh::record {

LiveSeal::LiveSeal(Fd sidecar, std::string sidecar_name, std::string cast_name, LiveSealOptions options)
    : m_fd(std::move(sidecar)), m_sidecar_name(std::move(sidecar_name)), m_cast_name(std::move(cast_name)),
      m_options(options) {}

void LiveSeal::append(const std::string& line) {
  if (!m_error.empty()) return;
  std::string bytes = line + "\n";
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(m_fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      m_error = "cannot write " + m_sidecar_name + ": " + errno_message();
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
      append(head);
    }
    from = nl + 1;
  }
  const auto now = std::chrono::steady_clock::now();
  const bool due = m_chain.lines() - m_lines_at_checkpoint >= m_options.every_lines ||
                   (m_chain.lines() > m_lines_at_checkpoint && now - m_last_checkpoint >= m_options.every);
  if (!due) return;
  // The checkpoint must never get ahead of the cast on the disk.
  ::fdatasync(cast_fd);
  append(store::seal_checkpoint_line(
      {m_chain.lines(), m_chain.bytes(), m_chain.hex(), static_cast<std::int64_t>(std::time(nullptr))}));
  ::fdatasync(m_fd.get());
  if (m_options.anchor)
    m_options.anchor(m_cast_name + " line=" + std::to_string(m_chain.lines()) + " hash=" + m_chain.hex());
  m_lines_at_checkpoint = m_chain.lines();
  m_last_checkpoint = now;
}

store::SealFinal LiveSeal::close() {
  store::SealFinal f{m_chain.lines(), m_chain.bytes(), m_chain.hex(), static_cast<std::int64_t>(std::time(nullptr)),
                     m_head_hash, {}};
  f.text = store::seal_final_line(f);
  append(f.text);
  if (m_error.empty() && ::fsync(m_fd.get()) != 0) m_error = "cannot sync " + m_sidecar_name + ": " + errno_message();
  if (!m_error.empty()) throw Error(m_error);
  if (m_options.anchor)
    m_options.anchor(m_cast_name + " final=" + f.hash + " lines=" + std::to_string(f.lines));
  return f;
}

} // namespace recssh::record
