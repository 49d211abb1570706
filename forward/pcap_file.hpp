// SPDX-License-Identifier: MIT
#pragma once
// One PCAP file of synthetic TCP flows: each relayed connection is written as the
// packets a capture on the wire would have shown (SYN, SYN-ACK, ACK, data segments
// with their sequence numbers, FIN or RST), so that tcpdump, Wireshark and
// `tshark -z follow,tcp` reassemble the exact bytes of each direction. The file
// format is libpcap's (pcap_open_dead + pcap_dump); the bytes go through a ByteSink,
// so a session recorded with gzip gets a .pcap.gz.
#include "core/byte_stream.hpp"
#include "core/fd.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <sys/time.h>

namespace recssh::forward {

enum class Direction { up = 0, down = 1 }; // up: client -> destination

struct Flow {
  std::uint32_t client_ip = 0, server_ip = 0; // IPv4, host order
  std::uint16_t client_port = 0, server_port = 0;
  std::uint32_t next_seq[2] = {0, 0}; // per direction
  bool finished[2] = {false, false};
};

class PcapFile {
public:
  // Takes the open (locked) file; `gzip` compresses what is written.
  PcapFile(Fd fd, std::string path, bool gzip);
  ~PcapFile();
  PcapFile(const PcapFile&) = delete;
  PcapFile& operator=(const PcapFile&) = delete;

  const std::string& path() const { return m_path; }

  void open(Flow& f, timeval t);                               // the three-way handshake
  void data(Flow& f, Direction d, timeval t, std::string_view bytes); // segments, split as needed
  // The same without a copy: `room` holds k_headroom bytes for the headers, then the
  // `n` bytes of payload; the headers are written over the room (and over payload
  // already written, when the data takes more than one segment).
  static constexpr std::size_t k_headroom = 40; // IPv4 and TCP headers
  void data_in_place(Flow& f, Direction d, timeval t, char* room, std::size_t n);
  void skip(Flow& f, Direction d, std::uint64_t lost);        // bytes not captured: a sequence gap
  void close(Flow& f, Direction d, timeval t);                 // FIN from this side
  void reset(Flow& f, Direction d, timeval t);                 // RST from this side
  void flush();
  void finish(); // flushes and closes; errors are thrown (the destructor only closes)

private:
  void packet(const Flow& f, Direction d, timeval t, std::uint8_t flags, std::uint32_t seq, std::uint32_t ack,
              std::string_view payload);
  // The packet whose headers go at `at`, its payload after them.
  void packet_at(char* at, const Flow& f, Direction d, timeval t, std::uint8_t flags, std::uint32_t seq,
                 std::uint32_t ack, std::size_t payload);
  std::string m_path;
  Fd m_fd; // held open (and so locked) until the session ends
  std::unique_ptr<ByteSink> m_file;
  std::unique_ptr<ByteSink> m_gzip;
  struct Dumper;
  std::unique_ptr<Dumper> m_dumper;
  std::string m_packet;
  bool m_finished = false;
};

} // namespace recssh::forward
