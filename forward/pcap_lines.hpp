// SPDX-License-Identifier: MIT
#pragma once
// Reading captures back as text: every TCP flow of a PCAP file (ours, or any raw-IP or
// Ethernet capture) reassembled per direction and cut into lines, for
// `recast grep --tcpip`. Streaming, in flat memory: one partial line per flow and
// direction, at most k_max_line bytes (a longer run is given as a line of its own).
#include <functional>
#include <string>
#include <sys/time.h>

namespace recssh::forward {

struct PayloadLine {
  timeval time{};      // of the packet that completed the line
  std::string from;    // "127.0.0.1:55110"
  std::string to;      // "10.0.0.2:5432"
  std::string text;    // without its '\n' (and a '\r' before it)
};

inline constexpr std::size_t k_max_line = 64 * 1024;

// Calls `each` for every line; `each` returns false to stop. .pcap.gz is read through
// gzip. Throws Error naming the file when it is not a capture libpcap reads, or its link
// type is neither raw IP nor Ethernet.
void for_each_payload_line(const std::string& path, const std::function<bool(const PayloadLine&)>& each);

} // namespace recssh::forward
