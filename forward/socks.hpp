// SPDX-License-Identifier: MIT
#pragma once
// Watching a SOCKS 4, 4a or 5 handshake pass by, to learn where a dynamic forward's
// connection goes. recssh does not answer it: the bytes go to ssh's own SOCKS listener
// unchanged; this only reads them, in both directions, and says where the handshake
// ends, so the capture holds the application's bytes and not the handshake's.
#include "forward/capture.hpp"

#include <string>
#include <string_view>

namespace recssh::forward {

class SocksWatch {
public:
  enum class State { handshake, established, refused, not_socks };

  // Bytes from the client; returns how many of them are handshake (the rest is data).
  std::size_t up(std::string_view bytes);
  // Bytes from ssh's SOCKS server; the same.
  std::size_t down(std::string_view bytes);

  State state() const { return m_state; }
  const Destination& destination() const { return m_dest; } // once the request is read
  bool has_destination() const { return m_have_dest; }

private:
  std::size_t parse_up();
  std::size_t parse_down();
  State m_state = State::handshake;
  std::string m_up, m_down; // handshake bytes not parsed yet
  int m_version = 0;
  int m_up_stage = 0, m_down_stage = 0; // v5: 0 greeting/method, 1 request/reply
  bool m_up_done = false;
  bool m_have_dest = false;
  Destination m_dest;
};

} // namespace recssh::forward
