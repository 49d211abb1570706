// SPDX-License-Identifier: MIT
#include "forward/socks.hpp"

#include <arpa/inet.h>

namespace recssh::forward {
namespace {

unsigned byte(const std::string& s, std::size_t i) { return static_cast<unsigned char>(s[i]); }

std::string port_of(const std::string& s, std::size_t i) { return std::to_string(byte(s, i) << 8 | byte(s, i + 1)); }

std::string ipv4(const std::string& s, std::size_t i) {
  return std::to_string(byte(s, i)) + "." + std::to_string(byte(s, i + 1)) + "." + std::to_string(byte(s, i + 2)) +
         "." + std::to_string(byte(s, i + 3));
}

std::string ipv6(const std::string& s, std::size_t i) {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET6, s.data() + i, text, sizeof text);
  return text;
}

} // namespace

// Each parse returns the number of bytes of m_up (or m_down) that completed a step,
// or 0 when more are needed.
std::size_t SocksWatch::parse_up() {
  if (m_up.empty()) return 0;
  if (!m_version) {
    m_version = byte(m_up, 0);
    if (m_version != 4 && m_version != 5) {
      m_state = State::not_socks;
      return 0;
    }
  }
  if (m_version == 4) {
    // VN CD DSTPORT(2) DSTIP(4) USERID NUL [HOST NUL when DSTIP is 0.0.0.x, x != 0]
    if (m_up.size() < 9) return 0;
    auto nul = m_up.find('\0', 8);
    if (nul == std::string::npos) return 0;
    std::size_t end = nul + 1;
    const bool v4a = byte(m_up, 4) == 0 && byte(m_up, 5) == 0 && byte(m_up, 6) == 0 && byte(m_up, 7) != 0;
    if (v4a) {
      auto host_end = m_up.find('\0', end);
      if (host_end == std::string::npos) return 0;
      m_dest.host = m_up.substr(end, host_end - end);
      end = host_end + 1;
    } else {
      m_dest.host = ipv4(m_up, 4);
    }
    m_dest.port = port_of(m_up, 2);
    m_have_dest = true;
    m_up_done = true;
    return end;
  }
  if (m_up_stage == 0) { // VER NMETHODS METHODS...
    if (m_up.size() < 2 || m_up.size() < 2 + byte(m_up, 1)) return 0;
    m_up_stage = 1;
    return 2 + byte(m_up, 1);
  }
  // VER CMD RSV ATYP DST.ADDR DST.PORT
  if (m_up.size() < 5) return 0;
  std::size_t addr = 4, len;
  switch (byte(m_up, 3)) {
  case 1: len = 4; break;
  case 3: len = 1 + byte(m_up, 4); break;
  case 4: len = 16; break;
  default: m_state = State::not_socks; return 0;
  }
  if (m_up.size() < addr + len + 2) return 0;
  if (byte(m_up, 3) == 1) m_dest.host = ipv4(m_up, addr);
  else if (byte(m_up, 3) == 3) m_dest.host = m_up.substr(addr + 1, len - 1);
  else m_dest.host = ipv6(m_up, addr);
  m_dest.port = port_of(m_up, addr + len);
  m_have_dest = true;
  m_up_done = true;
  return addr + len + 2;
}

std::size_t SocksWatch::parse_down() {
  if (m_version == 4) { // VN CD DSTPORT DSTIP: 90 granted
    if (m_down.size() < 8) return 0;
    m_state = byte(m_down, 1) == 0x5a ? State::established : State::refused;
    return 8;
  }
  if (m_down_stage == 0) { // VER METHOD: only "no authentication" is ssh's
    if (m_down.size() < 2) return 0;
    if (byte(m_down, 1) != 0) {
      m_state = byte(m_down, 1) == 0xff ? State::refused : State::not_socks;
      return 2;
    }
    m_down_stage = 1;
    return 2;
  }
  if (m_down.size() < 5) return 0; // VER REP RSV ATYP BND.ADDR BND.PORT
  std::size_t len;
  switch (byte(m_down, 3)) {
  case 1: len = 4; break;
  case 3: len = 1 + byte(m_down, 4); break;
  case 4: len = 16; break;
  default: m_state = State::not_socks; return 0;
  }
  if (m_down.size() < 4 + len + 2) return 0;
  m_state = byte(m_down, 1) == 0 ? State::established : State::refused;
  return 4 + len + 2;
}

std::size_t SocksWatch::up(std::string_view bytes) {
  if (m_state != State::handshake || m_up_done) return 0;
  const std::size_t before = m_up.size();
  m_up.append(bytes);
  std::size_t used = 0;
  while (!m_up_done && m_state == State::handshake) {
    std::size_t n = parse_up();
    if (!n) break;
    m_up.erase(0, n);
    used += n;
  }
  // What this call contributed to the handshake: all of it unless the handshake ended
  // inside it (the rest is early data, sent before the reply: allowed in SOCKS).
  if (!m_up_done) return bytes.size();
  std::size_t consumed_total = before + bytes.size() - m_up.size();
  m_up.clear();
  (void)used;
  return consumed_total - before;
}

std::size_t SocksWatch::down(std::string_view bytes) {
  if (m_state != State::handshake) return 0;
  const std::size_t before = m_down.size();
  m_down.append(bytes);
  while (m_state == State::handshake) {
    std::size_t n = parse_down();
    if (!n) break;
    m_down.erase(0, n);
  }
  if (m_state == State::handshake) return bytes.size();
  std::size_t consumed_total = before + bytes.size() - m_down.size();
  m_down.clear();
  return consumed_total - before;
}

} // namespace recssh::forward
