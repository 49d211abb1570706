// SPDX-License-Identifier: MIT
#pragma once
// Per-forward totals of a recording, from the markers recssh's relay writes in it
// (forward/relay.cpp):
//   recssh: forward open K LISTEN -> HOST:PORT conn=N
//   recssh: forward close conn=N up=X down=Y bytes[ lost=Z][ reset]
//   recssh: forward refused D LISTEN -> HOST:PORT conn=N
//   recssh: forward failed K LISTEN conn=N: could not reach ...
// for `recast info`: connections, bytes each way, bytes lost to the capture, resets,
// refused and failed connections, and connections a crashed session never closed.
// Memory is the routes and the connections open at once, whatever the file's size.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace recssh {

struct ForwardTotals {
  std::string route; // "L 127.0.0.1:5432 -> db:5432"; failed ones: "L 127.0.0.1:5432"
  std::uint64_t connections = 0, up = 0, down = 0, lost = 0, resets = 0, refused = 0, failed = 0, unclosed = 0;
};

class ForwardTally {
public:
  // Any marker; those not of the relay change nothing.
  void marker(std::string_view label);
  // In the order the routes first appear.
  std::vector<ForwardTotals> totals() const;

private:
  ForwardTotals& route(std::string_view key);
  std::vector<ForwardTotals> m_routes;
  std::unordered_map<std::uint64_t, std::size_t> m_open; // conn → route
};

// "2 connections, 200000 bytes up, 300000 down, 1 reset" (what is not zero).
std::string forward_totals_text(const ForwardTotals& t);
// {"route":...,"connections":2,"up":...,"down":...,"lost":...,"resets":...,
// "refused":...,"failed":...,"unclosed":...} (`recast info --json`, `ls --json -L`).
std::string forward_totals_json(const ForwardTotals& t);

} // namespace recssh
