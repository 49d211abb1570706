// SPDX-License-Identifier: MIT
#include "forward/resolver.hpp"

#include "core/errors.hpp"
#include "core/signals.hpp"

#include <cstring>
#include <mutex>
#include <netdb.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <utility>

namespace recssh::forward {

struct Resolver::Shared {
  std::mutex mutex;
  std::vector<Result> done;
  Fd event;
};

Resolver::Resolver(LookupFn lookup) : m_shared(std::make_shared<Shared>()), m_lookup(std::move(lookup)) {
  if (!m_lookup) m_lookup = &Resolver::system_lookup;
  m_shared->event = Fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!m_shared->event.valid()) throw_errno("cannot start the forward relay's name lookups");
}

// The threads hold the shared state: one still looking up when the relay is gone
// writes its result where nobody reads it, and the last one out closes the eventfd.
Resolver::~Resolver() = default;

int Resolver::fd() const { return m_shared->event.get(); }

void Resolver::lookup(std::uint64_t tag, const std::string& host, const std::string& port) {
  start_thread_without_signals([shared = m_shared, lookup = m_lookup, tag, host, port] {
    Result r{tag, lookup(host, port)};
    std::lock_guard lock(shared->mutex);
    shared->done.push_back(std::move(r));
    std::uint64_t one = 1;
    if (::write(shared->event.get(), &one, sizeof one) < 0) { // cannot fail below the eventfd's limit
    }
  }).detach();
}

std::vector<Resolver::Result> Resolver::take() {
  std::uint64_t count;
  if (::read(m_shared->event.get(), &count, sizeof count) < 0) { // EAGAIN: nothing yet
  }
  std::lock_guard lock(m_shared->mutex);
  return std::exchange(m_shared->done, {});
}

std::vector<Address> Resolver::system_lookup(const std::string& host, const std::string& port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::vector<Address> out;
  if (::getaddrinfo(host.empty() ? "localhost" : host.c_str(), port.c_str(), &hints, &res) != 0) return out;
  for (auto* ai = res; ai; ai = ai->ai_next) {
    if (ai->ai_addrlen > sizeof(sockaddr_storage)) continue;
    Address a;
    std::memcpy(&a.addr, ai->ai_addr, ai->ai_addrlen);
    a.len = ai->ai_addrlen;
    a.family = ai->ai_family;
    a.socktype = ai->ai_socktype;
    a.protocol = ai->ai_protocol;
    out.push_back(a);
  }
  ::freeaddrinfo(res);
  return out;
}

} // namespace recssh::forward
