// SPDX-License-Identifier: MIT
#include "forward/pcap_lines.hpp"

#include "core/byte_stream.hpp"
#include "core/errors.hpp"
#include "core/gzip.hpp"

#include <arpa/inet.h>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <memory>
#include <pcap/pcap.h>
#include <tuple>

namespace recssh::forward {
namespace {

struct Endpoint {
  std::uint32_t ip = 0;
  std::uint16_t port = 0;
  bool operator==(const Endpoint&) const = default;
  bool operator<(const Endpoint& o) const { return std::tie(ip, port) < std::tie(o.ip, o.port); }
};

std::string text(Endpoint e) {
  in_addr a{htonl(e.ip)};
  char buf[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &a, buf, sizeof buf);
  return std::string(buf) + ":" + std::to_string(e.port);
}

struct Direction {
  std::string partial;
  std::uint32_t next_seq = 0;
  bool started = false;
};

struct FlowState {
  Endpoint client, server;
  Direction dir[2];
};

// libpcap reads through stdio; a .gz is inflated on the way.
ssize_t source_read(void* cookie, char* buf, std::size_t n) {
  try {
    return static_cast<ssize_t>(static_cast<ByteSource*>(cookie)->read(buf, n));
  } catch (...) {
    errno = EIO;
    return -1;
  }
}

bool ends_with(const std::string& s, const char* suffix) {
  std::string_view v(suffix);
  return s.size() >= v.size() && s.compare(s.size() - v.size(), v.size(), v) == 0;
}

} // namespace

void for_each_payload_line(const std::string& path, const std::function<bool(const PayloadLine&)>& each) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) throw_errno("can't open " + path);
  std::unique_ptr<ByteSource> source = std::make_unique<FdSource>(std::move(fd), path);
  if (ends_with(path, ".gz")) source = std::make_unique<GzipSource>(std::move(source), path, nullptr);
  cookie_io_functions_t io{source_read, nullptr, nullptr, nullptr};
  FILE* f = ::fopencookie(source.get(), "r", io);
  if (!f) throw_errno("can't read " + path);
  char err[PCAP_ERRBUF_SIZE] = {};
  std::unique_ptr<pcap_t, void (*)(pcap_t*)> pcap(pcap_fopen_offline(f, err), pcap_close);
  if (!pcap) {
    std::fclose(f);
    throw Error(path + ": not a capture libpcap reads (" + err + ")");
  }
  std::size_t link = 0;
  switch (pcap_datalink(pcap.get())) {
  case DLT_RAW: link = 0; break;
  case DLT_EN10MB: link = 14; break;
  default: throw Error(path + ": link type " + std::to_string(pcap_datalink(pcap.get())) + " (only raw IP and Ethernet)");
  }
  std::map<std::tuple<Endpoint, Endpoint>, FlowState> flows;
  pcap_pkthdr* h = nullptr;
  const u_char* d = nullptr;
  bool go_on = true;
  timeval last{};
  auto emit = [&](FlowState& fl, int i, timeval t, std::string line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const Endpoint& a = i == 0 ? fl.client : fl.server;
    const Endpoint& b = i == 0 ? fl.server : fl.client;
    go_on = each(PayloadLine{t, text(a), text(b), std::move(line)});
  };
  int rc;
  while (go_on && (rc = pcap_next_ex(pcap.get(), &h, &d)) == 1) {
    const u_char* p = d + link;
    std::size_t n = h->caplen > link ? h->caplen - link : 0;
    if (link == 14 && (d[12] != 0x08 || d[13] != 0x00)) continue; // not IPv4
    if (n < 20 || (p[0] >> 4) != 4 || p[9] != 6) continue;         // IPv4 carrying TCP only
    const std::size_t ihl = (p[0] & 0x0f) * 4u;
    const std::size_t total = std::min<std::size_t>(n, static_cast<std::size_t>(p[2] << 8 | p[3]));
    if (ihl < 20 || total < ihl + 20) continue;
    const u_char* tcp = p + ihl;
    const std::size_t off = (tcp[12] >> 4) * 4u;
    if (off < 20 || total < ihl + off) continue;
    std::uint32_t sa, da;
    std::memcpy(&sa, p + 12, 4); // packets need not be aligned
    std::memcpy(&da, p + 16, 4);
    Endpoint src{ntohl(sa), static_cast<std::uint16_t>(tcp[0] << 8 | tcp[1])};
    Endpoint dst{ntohl(da), static_cast<std::uint16_t>(tcp[2] << 8 | tcp[3])};
    last = h->ts;
    const std::uint32_t seq = static_cast<std::uint32_t>(tcp[4]) << 24 | tcp[5] << 16 | tcp[6] << 8 | tcp[7];
    const bool syn = tcp[13] & 0x02;
    auto key = std::min(std::tuple{src, dst}, std::tuple{dst, src});
    auto [it, fresh] = flows.try_emplace(key);
    FlowState& fl = it->second;
    if (fresh) { // the first packet's sender is the client, or a SYN-ACK's receiver
      const bool synack = syn && (tcp[13] & 0x10);
      fl.client = synack ? dst : src;
      fl.server = synack ? src : dst;
    }
    const int i = src == fl.client ? 0 : 1;
    Direction& dir = fl.dir[i];
    std::string_view payload(reinterpret_cast<const char*>(tcp + off), total - ihl - off);
    if (syn) {
      dir.next_seq = seq + 1;
      dir.started = true;
      continue;
    }
    if (payload.empty()) continue;
    if (dir.started) {
      // A retransmission: only what is new. A gap (bytes not captured): the line so
      // far ends there.
      std::int32_t ahead = static_cast<std::int32_t>(seq - dir.next_seq);
      if (ahead < 0) {
        std::size_t old = static_cast<std::size_t>(-static_cast<std::int64_t>(ahead));
        if (old >= payload.size()) continue;
        payload.remove_prefix(old);
      } else if (ahead > 0 && !dir.partial.empty()) {
        emit(fl, i, h->ts, std::exchange(dir.partial, {}));
      }
    }
    dir.started = true;
    dir.next_seq = seq + static_cast<std::uint32_t>(total - ihl - off);
    while (go_on && !payload.empty()) {
      auto nl = payload.find('\n');
      std::size_t take = nl == std::string_view::npos ? payload.size() : nl;
      if (dir.partial.size() + take >= k_max_line) take = k_max_line - dir.partial.size();
      dir.partial.append(payload.substr(0, take));
      payload.remove_prefix(take);
      const bool newline = !payload.empty() && payload.front() == '\n';
      if (newline) payload.remove_prefix(1);
      if (newline || dir.partial.size() >= k_max_line) emit(fl, i, h->ts, std::exchange(dir.partial, {}));
    }
  }
  // What is left without a newline at the end of each direction is a line too.
  for (auto& [k, fl] : flows)
    for (int i = 0; i < 2 && go_on; ++i)
      if (!fl.dir[i].partial.empty()) emit(fl, i, last, std::exchange(fl.dir[i].partial, {}));
}

} // namespace recssh::forward
