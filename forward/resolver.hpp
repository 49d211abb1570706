// SPDX-License-Identifier: MIT
#pragma once
// Name lookups off the relay's loop, for -R targets (reached from this host by
// name): getaddrinfo blocks for as long as the resolver takes, seconds when DNS is
// slow or down, and every forwarded connection of the session would wait on the loop
// meanwhile. Each lookup runs on a short thread of its own (all signals blocked); its
// result comes back through an eventfd that the loop watches. A lookup still running
// when the relay goes finishes into state that outlives it, and is dropped.
#include "core/fd.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <sys/socket.h>
#include <vector>

namespace recssh::forward {

struct Address {
  sockaddr_storage addr{};
  socklen_t len = 0;
  int family = 0, socktype = 0, protocol = 0;
};

class Resolver {
public:
  // How to look a name up: getaddrinfo for TCP by default (tests give a slow one).
  using LookupFn = std::function<std::vector<Address>(const std::string& host, const std::string& port)>;
  explicit Resolver(LookupFn lookup = {});
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // Readable when results are waiting.
  int fd() const;
  // Starts a lookup; its result comes with `tag`.
  void lookup(std::uint64_t tag, const std::string& host, const std::string& port);
  struct Result {
    std::uint64_t tag = 0;
    std::vector<Address> addresses; // empty: the name did not resolve
  };
  // The results that came in since the last call.
  std::vector<Result> take();

  static std::vector<Address> system_lookup(const std::string& host, const std::string& port);

private:
  struct Shared;
  std::shared_ptr<Shared> m_shared;
  LookupFn m_lookup;
};

} // namespace recssh::forward
