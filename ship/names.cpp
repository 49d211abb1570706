// SPDX-License-Identifier: MIT
#include "ship/names.hpp"

#include "core/errors.hpp"

#include <algorithm>

namespace recssh::ship {
namespace {

constexpr char k_hex[] = "0123456789ABCDEF";

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

std::string trim_slashes(std::string_view s) {
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return std::string(s);
}

} // namespace

Target parse_target(std::string_view text) {
  constexpr std::string_view scheme = "s3://";
  if (text.substr(0, scheme.size()) != scheme)
    throw UsageError("'" + std::string(text) + "' is not a ship target (expected s3://BUCKET/PREFIX)");
  text.remove_prefix(scheme.size());
  auto slash = text.find('/');
  Target t;
  t.bucket = std::string(text.substr(0, slash));
  if (slash != std::string_view::npos) t.prefix = trim_slashes(text.substr(slash + 1));
  // S3's bucket rules (3-63 of a-z 0-9 . -, starting and ending alphanumeric); other
  // stores allow a little more, but nothing that needs escaping in a host or path.
  bool ok = t.bucket.size() >= 3 && t.bucket.size() <= 63;
  for (char c : t.bucket)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_');
  if (!ok) throw UsageError("'" + t.bucket + "' is not a valid bucket name (3-63 of a-z 0-9 . -)");
  if (t.prefix.find("//") != std::string::npos)
    throw UsageError("the prefix '" + t.prefix + "' has an empty part ('//')");
  return t;
}

std::string target_url(const Target& target) {
  return "s3://" + target.bucket + (target.prefix.empty() ? "" : "/" + target.prefix);
}

std::string object_key(std::string_view prefix, std::string_view host, std::string_view dir,
                       std::string_view name) {
  std::string key;
  for (std::string_view part : {prefix, host, dir, name}) {
    std::string p = trim_slashes(part);
    if (p.empty()) continue;
    if (!key.empty()) key += '/';
    key += p;
  }
  return key;
}

std::string conflict_key(std::string_view key, std::string_view sha256_hex) {
  auto slash = key.rfind('/');
  std::size_t name_at = slash == std::string_view::npos ? 0 : slash + 1;
  // The suffix goes before ".cast" (".pcap") so that the name still says what it is.
  auto ext = key.find(".cast", name_at);
  if (ext == std::string_view::npos) ext = key.find(".pcap", name_at);
  if (ext == std::string_view::npos) ext = key.size();
  return std::string(key.substr(0, ext)) + ".conflict-" + std::string(sha256_hex.substr(0, 12)) +
         std::string(key.substr(ext));
}

std::string uri_encode(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (unreserved(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

std::string canonical_query(std::vector<std::pair<std::string, std::string>> params) {
  for (auto& [name, value] : params) {
    name = uri_encode(name, false);
    value = uri_encode(value, false);
  }
  std::sort(params.begin(), params.end());
  std::string q;
  for (const auto& [name, value] : params) {
    if (!q.empty()) q += '&';
    q += name + "=" + value;
  }
  return q;
}

std::string base64(std::string_view bytes) {
  static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += {table[v >> 18], table[(v >> 12) & 63], table[(v >> 6) & 63], table[v & 63]};
  }
  if (bytes.size() - i == 1) {
    unsigned v = byte(i) << 16;
    out += {table[v >> 18], table[(v >> 12) & 63], '=', '='};
  } else if (bytes.size() - i == 2) {
    unsigned v = byte(i) << 16 | byte(i + 1) << 8;
    out += {table[v >> 18], table[(v >> 12) & 63], table[(v >> 6) & 63], '='};
  }
  return out;
}

std::string hex_to_base64(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) throw Error("not a hex digest: '" + std::string(hex) + "'");
    bytes += static_cast<char>(hi << 4 | lo);
  }
  return base64(bytes);
}

std::string metadata_value(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (out.size() >= 1024) break; // S3 allows 2 KiB of user metadata in all
    if (c >= 0x20 && c < 0x7f && c != '%') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

std::optional<std::uint64_t> parse_bytes(std::string_view text) {
  std::uint64_t n = 0;
  std::size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (n > (UINT64_MAX - 9) / 10) return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(text[i] - '0');
  }
  if (i == 0) return std::nullopt;
  std::string_view unit = text.substr(i);
  int shift = unit.empty() ? 0 : unit == "K" || unit == "k" ? 10 : unit == "M" || unit == "m" ? 20 : unit == "G" || unit == "g" ? 30 : -1;
  if (shift < 0 || n > (UINT64_MAX >> shift)) return std::nullopt;
  return n << shift;
}

} // namespace recssh::ship
