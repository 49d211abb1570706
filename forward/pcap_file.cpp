// SPDX-License-Identifier: MIT
#include "forward/pcap_file.hpp"

#include "core/errors.hpp"
#include "core/gzip.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <arpa/inet.h>
#include <pcap/pcap.h>

namespace recssh::forward {
namespace {

constexpr std::size_t k_ip_header = 20, k_tcp_header = 20;
constexpr std::size_t k_max_payload = 65535 - k_ip_header - k_tcp_header; // one IPv4 datagram
constexpr std::uint8_t k_fin = 0x01, k_syn = 0x02, k_rst = 0x04, k_psh = 0x08, k_ack = 0x10;

void put16(char* s, std::size_t at, std::uint16_t v) {
  s[at] = static_cast<char>(v >> 8);
  s[at + 1] = static_cast<char>(v & 0xff);
}
void put32(char* s, std::size_t at, std::uint32_t v) {
  put16(s, at, static_cast<std::uint16_t>(v >> 16));
  put16(s, at + 2, static_cast<std::uint16_t>(v & 0xffff));
}

// The Internet checksum (RFC 1071). The one's-complement sum does not care about the
// order of the words it adds, so 32-bit words are added in the host's order into 64
// bits (fast), folded, and swapped to network order at the end (RFC 1071 §2(B)).
std::uint64_t sum_host(const unsigned char* p, std::size_t n, std::uint64_t sum = 0) {
  // 32 bytes a step into four sums, each 64-bit word as its two 32-bit halves (the
  // same words as below, so the same sum): the payload's pass is most of the
  // capture's own work besides the copies.
  std::uint64_t s[4] = {0, 0, 0, 0};
  for (; n >= 32; p += 32, n -= 32)
    for (int i = 0; i < 4; ++i) {
      std::uint64_t w;
      std::memcpy(&w, p + 8 * i, 8);
      s[i] += (w & 0xffffffffu) + (w >> 32);
    }
  sum += s[0] + s[1] + s[2] + s[3];
  for (; n >= 4; p += 4, n -= 4) {
    std::uint32_t w;
    std::memcpy(&w, p, 4);
    sum += w;
  }
  if (n >= 2) {
    std::uint16_t w;
    std::memcpy(&w, p, 2);
    sum += w;
    p += 2;
    n -= 2;
  }
  if (n) { // the odd last byte is the high byte of a big-endian word
    std::uint16_t w = 0;
    std::memcpy(&w, p, 1);
    sum += w;
  }
  return sum;
}
// `sum` from sum_host (host order) to the checksum field's value, in network order.
std::uint16_t fold(std::uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  std::uint16_t host = static_cast<std::uint16_t>(~sum & 0xffff);
  std::uint16_t net;
  std::memcpy(&net, &host, 2); // the bytes as they lie in memory
  return ntohs(net);           // put16 writes big-endian: give it the value those bytes mean
}

// libpcap writes through stdio; the FILE given to it writes into our ByteSink.
ssize_t sink_write(void* cookie, const char* p, std::size_t n) {
  try {
    static_cast<ByteSink*>(cookie)->write(p, n);
    return static_cast<ssize_t>(n);
  } catch (...) {
    errno = EIO;
    return -1;
  }
}

} // namespace

struct PcapFile::Dumper {
  pcap_t* pcap = nullptr;
  pcap_dumper_t* dumper = nullptr;
  ~Dumper() {
    if (dumper) pcap_dump_close(dumper); // closes the FILE, not our sink
    if (pcap) pcap_close(pcap);
  }
};

PcapFile::PcapFile(Fd fd, std::string path, bool gzip)
    : m_path(std::move(path)), m_fd(std::move(fd)), m_dumper(new Dumper) {
  // Small buffers: a browser through -D can have a hundred destinations open.
  // A packet of 16 KiB or more goes from the capture's buffer to the file in one
  // writev with the headers before it, not through this buffer (FdSink::write).
  m_file = std::make_unique<FdSink>(m_fd.get(), m_path, 16 * 1024);
  ByteSink* sink = m_file.get();
  if (gzip) {
    m_gzip = std::make_unique<GzipSink>(*m_file, m_path);
    sink = m_gzip.get();
  }
  // Raw IPv4 packets: no link layer to invent.
  m_dumper->pcap = pcap_open_dead(DLT_RAW, 65535);
  if (!m_dumper->pcap) throw Error(m_path + ": cannot start a pcap writer");
  cookie_io_functions_t io{nullptr, sink_write, nullptr, nullptr};
  FILE* f = ::fopencookie(sink, "w", io);
  if (!f) throw_errno("cannot write " + m_path);
  ::setvbuf(f, nullptr, _IONBF, 0); // the sink buffers
  m_dumper->dumper = pcap_dump_fopen(m_dumper->pcap, f);
  if (!m_dumper->dumper) {
    std::fclose(f);
    throw Error(m_path + ": " + pcap_geterr(m_dumper->pcap));
  }
}

PcapFile::~PcapFile() {
  if (m_finished) return;
  m_dumper.reset();
  try {
    if (m_gzip) m_gzip->close();
    m_file->close();
  } catch (...) { // finish() reports errors; a destructor cannot
  }
}

void PcapFile::packet(const Flow& f, Direction d, timeval t, std::uint8_t flags, std::uint32_t seq,
                      std::uint32_t ack, std::string_view payload) {
  m_packet.assign(k_headroom, '\0');
  m_packet.append(payload);
  packet_at(m_packet.data(), f, d, t, flags, seq, ack, payload.size());
}

void PcapFile::packet_at(char* at, const Flow& f, Direction d, timeval t, std::uint8_t flags, std::uint32_t seq,
                         std::uint32_t ack, std::size_t payload) {
  static_assert(k_headroom == k_ip_header + k_tcp_header);
  const bool up = d == Direction::up;
  const std::size_t total = k_headroom + payload;
  std::memset(at, 0, k_headroom);
  at[0] = 0x45; // IPv4, 20-byte header
  put16(at, 2, static_cast<std::uint16_t>(total));
  at[6] = 0x40; // don't fragment
  at[8] = 64;   // TTL
  at[9] = 6;    // TCP
  put32(at, 12, up ? f.client_ip : f.server_ip);
  put32(at, 16, up ? f.server_ip : f.client_ip);
  auto* ip = reinterpret_cast<unsigned char*>(at);
  put16(at, 10, fold(sum_host(ip, k_ip_header)));
  const std::size_t tcp = k_ip_header;
  put16(at, tcp, up ? f.client_port : f.server_port);
  put16(at, tcp + 2, up ? f.server_port : f.client_port);
  put32(at, tcp + 4, seq);
  put32(at, tcp + 8, ack);
  at[tcp + 12] = 0x50; // 20-byte header
  at[tcp + 13] = static_cast<char>(flags);
  put16(at, tcp + 14, 65535); // window
  // The TCP checksum over the pseudo-header, header and payload, so that tools
  // which check it see a clean capture.
  // Pseudo-header: addresses, protocol and TCP length, as big-endian words.
  unsigned char pseudo[4] = {0, 6, static_cast<unsigned char>((k_tcp_header + payload) >> 8),
                             static_cast<unsigned char>((k_tcp_header + payload) & 0xff)};
  std::uint64_t sum = sum_host(ip + 12, 8);
  sum = sum_host(pseudo, 4, sum);
  sum = sum_host(ip + tcp, k_tcp_header + payload, sum);
  put16(at, tcp + 16, fold(sum));
  pcap_pkthdr h{};
  h.ts = t;
  h.caplen = h.len = static_cast<bpf_u_int32>(total);
  pcap_dump(reinterpret_cast<u_char*>(m_dumper->dumper), &h, ip);
}

void PcapFile::open(Flow& f, timeval t) {
  // Initial sequence numbers from the ports: any value works, distinct ones read better.
  f.next_seq[0] = 0x10000000u + f.client_port;
  f.next_seq[1] = 0x20000000u + f.client_port;
  packet(f, Direction::up, t, k_syn, f.next_seq[0]++, 0, {});
  packet(f, Direction::down, t, k_syn | k_ack, f.next_seq[1]++, f.next_seq[0], {});
  packet(f, Direction::up, t, k_ack, f.next_seq[0], f.next_seq[1], {});
}

void PcapFile::data(Flow& f, Direction d, timeval t, std::string_view bytes) {
  const int i = static_cast<int>(d);
  while (!bytes.empty()) {
    auto n = std::min(bytes.size(), k_max_payload);
    packet(f, d, t, k_psh | k_ack, f.next_seq[i], f.next_seq[1 - i], bytes.substr(0, n));
    f.next_seq[i] += static_cast<std::uint32_t>(n);
    bytes.remove_prefix(n);
  }
}

void PcapFile::data_in_place(Flow& f, Direction d, timeval t, char* room, std::size_t n) {
  const int i = static_cast<int>(d);
  // Each segment's headers go in the k_headroom bytes before its payload: the room
  // for the first, the end of the segment just written for the others.
  for (std::size_t off = 0; off < n;) {
    auto len = std::min(n - off, k_max_payload);
    packet_at(room + off, f, d, t, k_psh | k_ack, f.next_seq[i], f.next_seq[1 - i], len);
    f.next_seq[i] += static_cast<std::uint32_t>(len);
    off += len;
  }
}

void PcapFile::skip(Flow& f, Direction d, std::uint64_t lost) {
  // Sequence numbers wrap modulo 2^32, as TCP's do.
  f.next_seq[static_cast<int>(d)] += static_cast<std::uint32_t>(lost);
}

void PcapFile::close(Flow& f, Direction d, timeval t) {
  const int i = static_cast<int>(d);
  if (f.finished[i]) return;
  f.finished[i] = true;
  packet(f, d, t, k_fin | k_ack, f.next_seq[i]++, f.next_seq[1 - i], {});
  Direction other = d == Direction::up ? Direction::down : Direction::up;
  packet(f, other, t, k_ack, f.next_seq[1 - i], f.next_seq[i], {});
}

void PcapFile::reset(Flow& f, Direction d, timeval t) {
  const int i = static_cast<int>(d);
  f.finished[0] = f.finished[1] = true;
  packet(f, d, t, k_rst | k_ack, f.next_seq[i], f.next_seq[1 - i], {});
}

void PcapFile::flush() {
  if (pcap_dump_flush(m_dumper->dumper) != 0) throw Error("cannot write " + m_path);
  if (m_gzip) m_gzip->flush();
  m_file->flush();
}

void PcapFile::finish() {
  if (m_finished) return;
  m_finished = true;
  flush();
  m_dumper.reset();
  if (m_gzip) m_gzip->close();
  m_file->close();
}

} // namespace recssh::forward
