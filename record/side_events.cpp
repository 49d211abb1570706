// SPDX-License-Identifier: MIT
#include "record/side_events.hpp"

#include "core/errors.hpp"

#include <cstdint>
#include <sys/eventfd.h>
#include <unistd.h>

namespace recssh::record {

SideEvents::SideEvents() : m_fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (!m_fd.valid()) throw_errno("eventfd");
}

void SideEvents::push(std::string marker) {
  {
    std::lock_guard lock(m_mutex);
    m_queue.push_back(std::move(marker));
  }
  std::uint64_t one = 1;
  if (::write(m_fd.get(), &one, sizeof one) < 0) { // full only after 2^64 - 2 pushes
  }
}

std::vector<std::string> SideEvents::take() {
  std::uint64_t n;
  if (::read(m_fd.get(), &n, sizeof n) < 0) { // EAGAIN: nothing new, the queue says
  }
  std::lock_guard lock(m_mutex);
  return std::exchange(m_queue, {});
}

void SideEvents::end() {
  if (auto f = std::exchange(m_on_end, nullptr)) f();
}

} // namespace recssh::record
