// SPDX-License-Identifier: MIT
#pragma once
// One HTTP connection to an S3 endpoint through libcurl (HTTP, TLS and the SigV4
// signature are curl's; nothing of that is written here). A Connection is used by one
// thread at a time and keeps its connection alive between requests. Request bodies are
// read from a file range as curl sends them, so memory stays flat whatever the size.
#include "ship/settings.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace recssh::ship {

// What goes up: a byte range of an open file, or a small text (XML); never both.
struct Body {
  int fd = -1;
  std::uint64_t offset = 0, length = 0;
  std::string text;
};

struct Request {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string path;    // the object path, already URI-encoded (names.hpp: uri_encode)
  std::string query;   // already canonical (names.hpp: canonical_query); may be empty
  std::vector<std::string> headers; // "name: value", signed with the request
  const Body* body = nullptr;
  std::string payload_sha256;       // hex of the body's SHA-256 (of "" when no body)
  // Where a response body goes when the caller streams it (GET of an object); else it
  // is kept, up to a bound, in Response::body.
  std::function<void(const char* data, std::size_t size)> on_body;
};

struct Response {
  long status = 0;
  std::map<std::string, std::string> headers; // names lower-cased
  std::string body;
  std::string header(const std::string& name) const;
  // The server's clock (its Date header) in Unix seconds, when it sent one.
  std::optional<std::int64_t> date() const;
};

// The request never reached an answer: connection refused or reset, a timeout, DNS.
// Worth retrying, unlike most answers.
class TransportError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct Limits {
  long connect_timeout_s = 10;
  long stall_timeout_s = 60;       // less than 1 byte/s for this long: a timeout
  std::int64_t max_send_bytes_per_s = 0; // 0: no limit
};

class Connection {
public:
  Connection(const Settings& settings, const std::string& bucket, Limits limits);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends one signed request; throws TransportError when no answer came.
  Response perform(const Request& request);
  // The URL a request goes to, for messages (holds nothing secret).
  std::string url_of(const std::string& path, const std::string& query = "") const;

private:
  struct Impl;
  std::unique_ptr<Impl> m;
};

// curl_global_init once per process, before any thread starts.
void init_http();

} // namespace recssh::ship
