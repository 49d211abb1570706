// SPDX-License-Identifier: MIT
#pragma once
// Pure naming for object storage: where a recording goes (its key), how a key and a
// query string are written in a URL so that curl's SigV4 signs exactly what S3
// canonicalizes, and the encodings S3's headers use. No I/O here: unit-tested.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace recssh::ship {

// s3://BUCKET[/PREFIX]; the prefix without leading or trailing '/'.
struct Target {
  std::string bucket;
  std::string prefix;
};
// Throws UsageError naming what is wrong (no s3:// scheme, empty or invalid bucket).
Target parse_target(std::string_view text);
// s3://BUCKET[/PREFIX], as the shipped journal names the target.
std::string target_url(const Target& target);

// PREFIX/HOST/DIR/NAME: DIR mirrors the layout below the root ("2026-11-22" in the day
// layout, "alice/shell" in the user layout). Empty parts are left out, never "//".
std::string object_key(std::string_view prefix, std::string_view host, std::string_view dir,
                       std::string_view name);

// The key a recording goes to when a different object already holds `key`:
// "DIR/NAME.conflict-<12 hex of its sha256>.cast[.gz]" (.pcap[.gz] likewise). Derived from the content, so a
// second run finds it again (and skips) instead of adding another copy.
std::string conflict_key(std::string_view key, std::string_view sha256_hex);

// S3's URI encoding: unreserved characters (A-Z a-z 0-9 - . _ ~) as they are, every
// other byte as %XY (upper-case hex); '/' kept when `keep_slash` (object key paths).
std::string uri_encode(std::string_view text, bool keep_slash);

// A query string already canonical, as curl 7.88's SigV4 signs the URL's query
// verbatim: each name and value URI-encoded, sorted by encoded name then value, and
// "name=" for a parameter without a value (S3 canonicalizes "?uploads" as "uploads=").
std::string canonical_query(std::vector<std::pair<std::string, std::string>> params);

// Header values: the lowercase hex of a digest as base64 of its bytes
// (x-amz-checksum-sha256) and plain base64.
std::string hex_to_base64(std::string_view hex);
std::string base64(std::string_view bytes);

// A value for an x-amz-meta-* header: HTTP headers carry printable ASCII only, so
// anything else (and '%') is percent-encoded; bounded in length.
std::string metadata_value(std::string_view text);

// "64M", "512K", "1G", "1048576": bytes (K, M, G are powers of 1024); nullopt otherwise.
std::optional<std::uint64_t> parse_bytes(std::string_view text);

} // namespace recssh::ship
