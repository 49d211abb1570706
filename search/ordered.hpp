// SPDX-License-Identifier: MIT
#pragma once
// Work on many items in parallel with results delivered in the items' order: each
// of `threads` workers takes the next item; `deliver` runs on the calling thread for
// item 0, 1, 2... as soon as each is done. Workers stay at most a window of items
// ahead of delivery, so memory stays bounded whatever the number of items.
#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace recssh::search {

template <class Result>
void for_each_ordered(std::size_t count, unsigned threads, const std::function<Result(std::size_t)>& work,
                      const std::function<void(std::size_t, Result&)>& deliver) {
  threads = std::max(1u, threads);
  const std::size_t window = std::size_t(threads) * 4;
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::size_t, Result> done;
  std::size_t next = 0, delivered = 0;
  bool stop = false;
  auto worker = [&] {
    for (;;) {
      std::size_t i;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return stop || next >= count || next < delivered + window; });
        if (stop || next >= count) return;
        i = next++;
      }
      Result r = work(i); // (work must not throw: it reports through its Result)
      std::lock_guard lock(mu);
      done.emplace(i, std::move(r));
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < std::min<std::size_t>(threads, count); ++t) pool.emplace_back(worker);
  try {
    while (delivered < count) {
      std::optional<Result> r;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return done.count(delivered) > 0; });
        auto it = done.find(delivered);
        r.emplace(std::move(it->second));
        done.erase(it);
      }
      deliver(delivered, *r);
      std::lock_guard lock(mu);
      ++delivered;
      cv.notify_all();
    }
  } catch (...) {
    {
      std::lock_guard lock(mu);
      stop = true;
      cv.notify_all();
    }
    for (auto& t : pool) t.join();
    throw;
  }
  for (auto& t : pool) t.join();
}

} // namespace recssh::search
