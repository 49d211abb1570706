// SPDX-License-Identifier: MIT
#pragma once
// The content of relayed connections, written to PCAP files by a thread of its own,
// so that a slow disk never holds up forwarded traffic: the relay hands copies over
// through a queue bounded in bytes, and past the bound the bytes are counted as lost
// (the capture then shows a sequence gap, as a capture on a busy wire would).
// One file per destination (host, port) within the session; every connection to it
// is a flow of its own in that file.
#include "forward/pcap_file.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace recssh::forward {

struct Destination {
  std::string host, port;
  auto operator<=>(const Destination&) const = default;
};

class Capture {
public:
  // Creates the file for a destination (placed, named, locked and made by the caller).
  using Opener = std::function<std::unique_ptr<PcapFile>(const Destination&)>;
  // Reports what could not be written, from the writer thread.
  using OnError = std::function<void(const std::string&)>;

  Capture(Opener open, OnError on_error, std::size_t max_queued = 16u << 20);
  ~Capture(); // finish()es if not done
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;

  // Called from one thread (the relay's). `client` is the peer's IPv4 address and port
  // when it has one (else loopback is shown).
  std::uint64_t open_flow(const Destination& d, std::uint32_t client_ip, std::uint16_t client_port);
  void data(std::uint64_t flow, Direction dir, std::string_view bytes);
  void close(std::uint64_t flow, Direction dir);
  void reset(std::uint64_t flow, Direction dir);
  void end_flow(std::uint64_t flow);
  // Bytes of `flow` not captured so far (queue full, or its file failed).
  std::uint64_t lost(std::uint64_t flow) const;

  // Writes what is queued, closes the files. Returns their paths.
  std::vector<std::string> finish();

private:
  enum class Op { open, data, close, reset, end };
  struct Item {
    Op op;
    std::uint64_t flow;
    Direction dir;
    timeval t;
    std::string bytes;
    std::uint64_t lost_before = 0;
    Destination dest;
    std::uint32_t client_ip = 0;
    std::uint16_t client_port = 0;
  };
  bool push(Item&& item); // false when over the bound (data only)
  std::string spare_buffer();
  void give_back(std::string&& b); // m_mutex held
  void run();
  void write(Item& item);
  static constexpr std::chrono::milliseconds k_flush_every{100};
  static constexpr std::chrono::milliseconds k_linger{5};
  static constexpr std::size_t k_batch = 1 << 20;

  Opener m_open;
  OnError m_on_error;
  std::size_t m_max;

  // Relay thread's side.
  struct FlowState {
    std::uint64_t pending_lost = 0, lost = 0;
  };
  std::unordered_map<std::uint64_t, FlowState> m_flows;
  std::uint64_t m_next_flow = 1;

  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<Item> m_queue;
  std::size_t m_queued = 0;
  static constexpr std::size_t k_spare_buffers = 24, k_spare_capacity = 256 * 1024;
  std::vector<std::string> m_spare; // data buffers written and given back, for reuse
  bool m_stop = false;
  std::thread m_thread;

  // Writer thread's side.
  struct Open {
    PcapFile* file = nullptr; // null: its file could not be made
    Flow flow;
  };
  std::map<Destination, std::unique_ptr<PcapFile>> m_files;
  std::map<Destination, bool> m_failed;
  std::unordered_map<std::uint64_t, Open> m_open_flows;
  std::vector<std::string> m_paths;
  bool m_finished = false;
};

} // namespace recssh::forward
