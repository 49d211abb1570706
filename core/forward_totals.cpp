// SPDX-License-Identifier: MIT
#include "core/forward_totals.hpp"

#include "core/json.hpp"

#include <charconv>
#include <optional>

namespace recssh {

namespace {

constexpr std::string_view k_prefix = "recssh: forward ";

// The number after `key` ("conn=", "up=") in `s`, if there is one.
std::optional<std::uint64_t> number_after(std::string_view s, std::string_view key) {
  std::size_t at = s.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  at += key.size();
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data() + at, s.data() + s.size(), v);
  if (ec != std::errc() || end == s.data() + at) return std::nullopt;
  return v;
}

} // namespace

ForwardTotals& ForwardTally::route(std::string_view key) {
  for (auto& r : m_routes)
    if (r.route == key) return r;
  m_routes.push_back(ForwardTotals{std::string(key)});
  return m_routes.back();
}

void ForwardTally::marker(std::string_view label) {
  if (label.substr(0, k_prefix.size()) != k_prefix) return;
  std::string_view rest = label.substr(k_prefix.size());
  const std::size_t conn_at = rest.rfind(" conn=");
  auto conn = number_after(rest, " conn=");
  if (rest.substr(0, 5) == "open " && conn_at != std::string_view::npos && conn) {
    const std::size_t index = std::size_t(&route(rest.substr(5, conn_at - 5)) - m_routes.data());
    ++m_routes[index].connections;
    // A conn number seen open again: the session before ended without closing it
    // (a merged day has one relay per session, each counting from 1).
    auto [it, fresh] = m_open.try_emplace(*conn, index);
    if (!fresh) {
      ++m_routes[it->second].unclosed;
      it->second = index;
    }
  } else if (rest.substr(0, 6) == "close " && conn) {
    auto it = m_open.find(*conn);
    if (it == m_open.end()) return; // its open marker is not in this file
    ForwardTotals& r = m_routes[it->second];
    r.up += number_after(rest, " up=").value_or(0);
    r.down += number_after(rest, " down=").value_or(0);
    r.lost += number_after(rest, " lost=").value_or(0);
    if (rest.size() >= 6 && rest.substr(rest.size() - 6) == " reset") ++r.resets;
    m_open.erase(it);
  } else if (rest.substr(0, 8) == "refused " && conn_at != std::string_view::npos) {
    ++route(rest.substr(8, conn_at - 8)).refused;
  } else if (rest.substr(0, 7) == "failed " && conn_at != std::string_view::npos) {
    ++route(rest.substr(7, conn_at - 7)).failed;
  }
}

std::vector<ForwardTotals> ForwardTally::totals() const {
  std::vector<ForwardTotals> out = m_routes;
  for (const auto& [conn, index] : m_open) ++out[index].unclosed;
  return out;
}

std::string forward_totals_text(const ForwardTotals& t) {
  std::string s = std::to_string(t.connections) + (t.connections == 1 ? " connection" : " connections");
  if (t.connections) s += ", " + std::to_string(t.up) + " bytes up, " + std::to_string(t.down) + " down";
  if (t.lost) s += ", " + std::to_string(t.lost) + " bytes not captured";
  if (t.resets) s += ", " + std::to_string(t.resets) + (t.resets == 1 ? " reset" : " resets");
  if (t.refused) s += ", " + std::to_string(t.refused) + " refused";
  if (t.failed) s += ", " + std::to_string(t.failed) + " failed";
  if (t.unclosed) s += ", " + std::to_string(t.unclosed) + " never closed";
  return s;
}

std::string forward_totals_json(const ForwardTotals& t) {
  return "{\"route\":" + json_string(t.route) + ",\"connections\":" + std::to_string(t.connections) +
         ",\"up\":" + std::to_string(t.up) + ",\"down\":" + std::to_string(t.down) +
         ",\"lost\":" + std::to_string(t.lost) + ",\"resets\":" + std::to_string(t.resets) +
         ",\"refused\":" + std::to_string(t.refused) + ",\"failed\":" + std::to_string(t.failed) +
         ",\"unclosed\":" + std::to_string(t.unclosed) + "}";
}

} // namespace recssh
