// SPDX-License-Identifier: MIT
#include "forward/spec.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace recssh::forward {
namespace {

// ssh's field split: ':' separates, a field in brackets may hold ':' (an IPv6 address).
std::optional<std::vector<std::string>> fields(std::string_view v) {
  std::vector<std::string> out;
  std::size_t p = 0;
  while (true) {
    if (p < v.size() && v[p] == '[') {
      auto close = v.find(']', p);
      if (close == std::string_view::npos) return std::nullopt;
      out.emplace_back(v.substr(p + 1, close - p - 1));
      p = close + 1;
      if (p == v.size()) break;
      if (v[p] != ':') return std::nullopt;
      ++p;
      continue;
    }
    auto colon = v.find(':', p);
    out.emplace_back(v.substr(p, colon == std::string_view::npos ? std::string_view::npos : colon - p));
    if (colon == std::string_view::npos) break;
    p = colon + 1;
  }
  return out;
}

bool is_path(const std::string& f) { return f.find('/') != std::string::npos; }

bool is_port(const std::string& f) {
  if (f.empty() || f.size() > 5 || !std::all_of(f.begin(), f.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  return std::stoi(f) <= 65535;
}

Endpoint tcp(std::string host, std::string port) { return {std::move(host), std::move(port), {}}; }
Endpoint socket(std::string path) { return {{}, {}, std::move(path)}; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

} // namespace

std::string Endpoint::text() const {
  if (is_socket()) return path;
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h.empty() ? port : h + ":" + port;
}

bool ForwardSpec::relayable() const {
  if (remote_socks || listen.is_socket()) return false;
  return kind == Kind::dynamic || !target.is_socket();
}

std::string ForwardSpec::describe() const {
  std::string s(1, static_cast<char>(kind));
  s += " " + listen.text();
  if (kind == Kind::dynamic || remote_socks) return s + " (socks)";
  return s + " -> " + target.text();
}

std::optional<ForwardSpec> parse_forward(Kind kind, std::string_view value) {
  auto f = fields(value);
  if (!f || f->empty() || f->size() > 4) return std::nullopt;
  ForwardSpec s;
  s.kind = kind;
  s.given = std::string(value);
  auto& a = *f;
  // A bind address given empty (":8080:db:5432") is every address, as "*" is (ssh's
  // channel_fwd_bind_addr); one not given at all is ssh's default (loopback, unless
  // GatewayPorts).
  const auto bind = [](const std::string& host) { return host.empty() ? std::string("*") : host; };
  if (kind == Kind::dynamic) {
    if (a.size() == 1 && is_port(a[0])) s.listen = tcp({}, a[0]);
    else if (a.size() == 2 && is_port(a[1])) s.listen = tcp(bind(a[0]), a[1]);
    else return std::nullopt;
    return s;
  }
  switch (a.size()) {
  case 1: // -R port: SOCKS on the remote side
    if (kind != Kind::remote || !is_port(a[0])) return std::nullopt;
    s.listen = tcp({}, a[0]);
    s.remote_socks = true;
    return s;
  case 2:
    if (is_path(a[0]) && is_path(a[1])) {
      s.listen = socket(a[0]);
      s.target = socket(a[1]);
    } else if (is_path(a[1]) && is_port(a[0])) {
      s.listen = tcp({}, a[0]);
      s.target = socket(a[1]);
    } else if (kind == Kind::remote && is_port(a[1])) {
      s.listen = tcp(bind(a[0]), a[1]);
      s.remote_socks = true;
    } else {
      return std::nullopt;
    }
    return s;
  case 3:
    if (is_path(a[0]) && is_port(a[2])) {
      s.listen = socket(a[0]);
      s.target = tcp(a[1], a[2]);
    } else if (is_path(a[2]) && is_port(a[1])) {
      s.listen = tcp(bind(a[0]), a[1]);
      s.target = socket(a[2]);
    } else if (is_port(a[0]) && is_port(a[2])) {
      s.listen = tcp({}, a[0]);
      s.target = tcp(a[1], a[2]);
    } else {
      return std::nullopt;
    }
    return s;
  default:
    if (!is_port(a[1]) || !is_port(a[3]) || a[2].empty()) return std::nullopt;
    s.listen = tcp(bind(a[0]), a[1]);
    s.target = tcp(a[2], a[3]);
    return s;
  }
}

std::optional<ForwardSpec> parse_forward_option(std::string_view option) {
  auto sep = option.find_first_of("= \t");
  if (sep == std::string_view::npos) return std::nullopt;
  std::string key = lower(option.substr(0, sep));
  Kind kind;
  if (key == "localforward") kind = Kind::local;
  else if (key == "remoteforward") kind = Kind::remote;
  else if (key == "dynamicforward") kind = Kind::dynamic;
  else return std::nullopt;
  auto v = option.find_first_not_of("= \t", sep);
  if (v == std::string_view::npos) return std::nullopt;
  std::string value(option.substr(v));
  // "[bind:]port host:hostport": the two words joined with ':' are -L's spelling.
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
  auto space = value.find_first_of(" \t");
  if (space != std::string::npos) {
    auto rest = value.find_first_not_of(" \t", space);
    value = value.substr(0, space) + ":" + value.substr(rest);
  }
  auto spec = parse_forward(kind, value);
  if (spec) spec->given = std::string(option);
  return spec;
}

} // namespace recssh::forward
