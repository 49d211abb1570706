// SPDX-License-Identifier: MIT
#pragma once
// The S3 operations recast ship needs, on one Connection: HEAD, PUT, GET and the
// multipart calls. Transient failures (no answer, 5xx, 429) are retried with
// exponential backoff; every other answer becomes an S3Error whose message names the
// cause a user can act on (credentials, a missing bucket, the clock) and never holds
// a secret.
#include "core/errors.hpp"
#include "ship/http.hpp"
#include "ship/names.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace recssh::ship {

class S3Error : public Error {
public:
  S3Error(long status, std::string code, const std::string& message)
      : Error(message), m_status(status), m_code(std::move(code)) {}
  long status() const { return m_status; }
  const std::string& code() const { return m_code; }

private:
  long m_status;
  std::string m_code;
};

struct ObjectInfo {
  std::uint64_t size = 0;
  std::string etag;
  std::string checksum_sha256;               // base64, when the store keeps one
  std::map<std::string, std::string> meta;   // x-amz-meta-NAME → value, NAME lower-cased
};

struct Part {
  int number = 0;
  std::uint64_t size = 0;
  std::string etag; // as the store wrote it, quotes removed
};

struct PendingUpload {
  std::string key, upload_id;
  std::int64_t initiated = 0; // Unix seconds
};

struct RetryPolicy {
  int attempts = 5;           // in all, first try included
  double first_delay_s = 0.5; // doubled after each failure, with jitter, at most 30 s
};

class S3 {
public:
  S3(const Settings& settings, const Target& target, Limits limits, RetryPolicy retry,
     std::function<void(const std::string& what)> on_retry = nullptr);

  std::optional<ObjectInfo> head(const std::string& key);
  // PUT of a whole file range; `headers` are x-amz-meta-* and checksum headers.
  void put(const std::string& key, const Body& body, const std::string& sha256_hex,
           const std::vector<std::string>& headers);
  // Streams the object's bytes to `sink`.
  void get(const std::string& key, const std::function<void(const char*, std::size_t)>& sink);

  std::string create_multipart(const std::string& key, const std::vector<std::string>& headers);
  // Returns the part's ETag.
  std::string upload_part(const std::string& key, const std::string& upload_id, int number, const Body& body,
                          const std::string& sha256_hex, const std::string& checksum_header);
  std::vector<Part> list_parts(const std::string& key, const std::string& upload_id);
  // Unfinished multipart uploads whose keys start with `prefix`.
  std::vector<PendingUpload> list_uploads(const std::string& prefix);
  void complete_multipart(const std::string& key, const std::string& upload_id, const std::vector<Part>& parts);
  void abort_multipart(const std::string& key, const std::string& upload_id);

  std::string url_of(const std::string& key) const;

private:
  Response send(Request request, const std::string& what, const std::string& key);
  [[noreturn]] void fail(const Response& r, const std::string& what, const std::string& key) const;

  Settings m_settings;
  Target m_target;
  Connection m_conn;
  RetryPolicy m_retry;
  std::function<void(const std::string&)> m_on_retry;
};

// The SHA-256 of "" in hex: the payload hash of a request without a body.
extern const char* const k_empty_sha256;

// "2026-12-03T07:54:03.000Z" → Unix seconds; nullopt when it is not that form.
std::optional<std::int64_t> parse_iso8601(const std::string& text);

} // namespace recssh::ship
