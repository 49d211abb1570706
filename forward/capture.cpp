// SPDX-License-Identifier: MIT
#include "forward/capture.hpp"

#include "core/errors.hpp"
#include "core/signals.hpp"
#include "forward/relay.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <sys/time.h>

namespace recssh::forward {
namespace {

timeval now() {
  timeval t{};
  ::gettimeofday(&t, nullptr);
  return t;
}

// The server's address in the capture: the destination itself when it is an IPv4
// address; for a name, 192.0.2.1 (TEST-NET-1: documentation only), the file's name
// says which host it was.
std::uint32_t server_address(const std::string& host) {
  in_addr a{};
  if (::inet_pton(AF_INET, host.c_str(), &a) == 1) return ntohl(a.s_addr);
  return 0xC0000201u;
}

std::uint16_t port_number(const std::string& port) {
  try {
    return static_cast<std::uint16_t>(std::stoul(port));
  } catch (...) {
    return 0;
  }
}

} // namespace

Capture::Capture(Opener open, OnError on_error, std::size_t max_queued)
    : m_open(std::move(open)), m_on_error(std::move(on_error)), m_max(max_queued) {
  m_thread = start_thread_without_signals([this] { run(); });
}

Capture::~Capture() {
  try {
    finish();
  } catch (...) {
  }
}

std::string Capture::spare_buffer() {
  std::lock_guard lock(m_mutex);
  if (m_spare.empty()) return {};
  std::string b = std::move(m_spare.back());
  m_spare.pop_back();
  return b;
}

void Capture::give_back(std::string&& b) {
  // A few, of a read's size: a burst does not leave its peak behind.
  if (m_spare.size() < k_spare_buffers && b.capacity() >= 4096 && b.capacity() <= k_spare_capacity) {
    b.clear();
    m_spare.push_back(std::move(b));
  }
}

bool Capture::push(Item&& item) {
  std::lock_guard lock(m_mutex);
  if (item.op == Op::data && m_queued + item.bytes.size() > m_max) {
    give_back(std::move(item.bytes));
    return false;
  }
  const std::size_t item_size = item.bytes.size();
  m_queued += item_size;
  const bool was_empty = m_queue.empty();
  m_queue.push_back(std::move(item));
  // The writer waits for an empty queue to get an item, then lingers for a batch:
  // woken twice per batch, not per item (a futex call and a context switch each, at
  // hundreds of MB/s).
  if (was_empty || (m_queued >= k_batch && m_queued - item_size < k_batch)) m_wake.notify_one();
  return true;
}

std::uint64_t Capture::open_flow(const Destination& d, std::uint32_t client_ip, std::uint16_t client_port) {
  std::uint64_t id = m_next_flow++;
  m_flows[id];
  Item it{Op::open, id, Direction::up, now(), {}, 0, d, client_ip, client_port};
  push(std::move(it));
  return id;
}

void Capture::data(std::uint64_t flow, Direction dir, std::string_view bytes) {
  auto& st = m_flows[flow];
  // Room for the packet headers in front (written in place by the writer thread), in
  // a buffer that an earlier item has given back: one copy, no allocation.
  std::string buf = spare_buffer();
  buf.resize(PcapFile::k_headroom);
  buf.append(bytes);
  Item it{Op::data, flow, dir, now(), std::move(buf), st.pending_lost, {}, 0, 0};
  if (push(std::move(it))) {
    st.pending_lost = 0;
  } else {
    st.pending_lost += bytes.size();
    st.lost += bytes.size();
  }
}

void Capture::close(std::uint64_t flow, Direction dir) { push(Item{Op::close, flow, dir, now(), {}, 0, {}, 0, 0}); }
void Capture::reset(std::uint64_t flow, Direction dir) { push(Item{Op::reset, flow, dir, now(), {}, 0, {}, 0, 0}); }

void Capture::end_flow(std::uint64_t flow) {
  push(Item{Op::end, flow, Direction::up, now(), {}, 0, {}, 0, 0});
  m_flows.erase(flow);
}

std::uint64_t Capture::lost(std::uint64_t flow) const {
  auto it = m_flows.find(flow);
  return it == m_flows.end() ? 0 : it->second.lost;
}

void Capture::run() {
  using Clock = std::chrono::steady_clock;
  auto flushed = Clock::now();
  bool unflushed = false;
  auto flush = [&] {
    for (auto& [d, f] : m_files) try {
        f->flush();
      } catch (const std::exception& e) {
        m_on_error(e.what());
      }
    flushed = Clock::now();
    unflushed = false;
  };
  auto ready = [this] { return m_stop || !m_queue.empty(); };
  std::deque<Item> batch;
  std::unique_lock lock(m_mutex);
  while (true) {
    // What is written becomes readable in the files (a crash loses only the queue)
    // within k_flush_every, not after each item: at full speed that was a write per
    // read of the relay.
    if (!unflushed) {
      m_wake.wait(lock, ready);
    } else if (!m_wake.wait_until(lock, flushed + k_flush_every, ready)) {
      lock.unlock();
      flush();
      lock.lock();
      continue;
    }
    if (m_queue.empty()) break; // stopped, and all written
    // A few milliseconds for more to come (the relay reads up to 64 KiB at a time).
    m_wake.wait_for(lock, k_linger, [this] { return m_stop || m_queued >= k_batch; });
    batch.swap(m_queue); // the whole burst under one lock
    lock.unlock();
    std::size_t done = 0;
    for (auto& item : batch) {
      try {
        write(item);
      } catch (const std::exception& e) {
        m_on_error(e.what());
      }
      done += item.bytes.size();
    }
    unflushed = true;
    if (Clock::now() >= flushed + k_flush_every) flush(); // a stream that never pauses
    lock.lock();
    m_queued -= done;
    for (auto& item : batch) give_back(std::move(item.bytes));
    batch.clear();
  }
}

void Capture::write(Item& item) {
  if (item.op == Op::open) {
    Open o;
    o.flow.client_ip = item.client_ip ? item.client_ip : 0x7F000001u;
    o.flow.client_port = item.client_port;
    o.flow.server_ip = server_address(item.dest.host);
    o.flow.server_port = port_number(item.dest.port);
    auto f = m_files.find(item.dest);
    if (f == m_files.end() && !m_failed.count(item.dest)) {
      try {
        auto file = m_open(item.dest);
        m_paths.push_back(file->path());
        f = m_files.emplace(item.dest, std::move(file)).first;
      } catch (const std::exception& e) {
        m_failed[item.dest] = true;
        m_on_error(e.what());
      }
    }
    if (f != m_files.end()) {
      o.file = f->second.get();
      o.file->open(o.flow, item.t);
    }
    m_open_flows[item.flow] = o;
    return;
  }
  auto it = m_open_flows.find(item.flow);
  if (it == m_open_flows.end()) return;
  auto& o = it->second;
  if (item.op == Op::end) {
    m_open_flows.erase(it);
    return;
  }
  if (!o.file) return;
  switch (item.op) {
  case Op::data:
    if (item.lost_before) o.file->skip(o.flow, item.dir, item.lost_before);
    o.file->data_in_place(o.flow, item.dir, item.t, item.bytes.data(), item.bytes.size() - PcapFile::k_headroom);
    break;
  case Op::close: o.file->close(o.flow, item.dir, item.t); break;
  case Op::reset: o.file->reset(o.flow, item.dir, item.t); break;
  default: break;
  }
}

std::vector<std::string> Capture::finish() {
  if (m_finished) return m_paths;
  m_finished = true;
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
    m_wake.notify_one();
  }
  m_thread.join();
  for (auto& [d, f] : m_files) try {
      f->finish();
    } catch (const std::exception& e) {
      m_on_error(e.what());
    }
  m_files.clear();
  return m_paths;
}

} // namespace recssh::forward
