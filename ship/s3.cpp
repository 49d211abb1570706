// SPDX-License-Identifier: MIT
#include "ship/s3.hpp"

#include "core/sha256.hpp"
#include "ship/xml.hpp"

#include <chrono>
#include <cmath>
#include <ctime>
#include <random>
#include <thread>

namespace recssh::ship {

const char* const k_empty_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

namespace {

std::string unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  if (s.size() >= 12 && s.rfind("&quot;", 0) == 0) return s.substr(6, s.size() - 12);
  return s;
}

bool transient(long status) { return status >= 500 || status == 429 || status == 408; }

} // namespace

std::optional<std::int64_t> parse_iso8601(const std::string& text) {
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &year, &month, &day, &hour, &minute, &second) != 6)
    return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<std::int64_t>(::timegm(&tm));
}

S3::S3(const Settings& settings, const Target& target, Limits limits, RetryPolicy retry,
       std::function<void(const std::string&)> on_retry)
    : m_settings(settings), m_target(target), m_conn(settings, target.bucket, limits), m_retry(retry),
      m_on_retry(std::move(on_retry)) {}

std::string S3::url_of(const std::string& key) const { return m_conn.url_of(uri_encode(key, true)); }

Response S3::send(Request request, const std::string& what, const std::string& key) {
  thread_local std::mt19937 rng{std::random_device{}()};
  double delay = m_retry.first_delay_s;
  for (int attempt = 1;; ++attempt) {
    std::string problem;
    try {
      Response r = m_conn.perform(request);
      if (!transient(r.status)) return r;
      std::string code = xml_text(r.body, "Code");
      problem = "HTTP " + std::to_string(r.status) + (code.empty() ? "" : " " + code);
      if (attempt >= m_retry.attempts) fail(r, what, key);
    } catch (const TransportError& e) {
      problem = e.what();
      if (attempt >= m_retry.attempts)
        throw Error(what + " " + key + ": " + problem + " (gave up after " + std::to_string(attempt) +
                    " attempts; is the endpoint " + m_settings.endpoint + " reachable?)");
    }
    double wait = std::min(delay, 30.0) * std::uniform_real_distribution<double>(0.5, 1.0)(rng);
    if (m_on_retry)
      m_on_retry(what + " " + key + ": " + problem + "; retrying in " + std::to_string(static_cast<int>(wait * 1000)) + " ms");
    std::this_thread::sleep_for(std::chrono::duration<double>(wait));
    delay *= 2;
  }
}

void S3::fail(const Response& r, const std::string& what, const std::string& key) const {
  std::string code = xml_text(r.body, "Code"), message = xml_text(r.body, "Message");
  std::string where = what + " " + (key.empty() ? "s3://" + m_target.bucket : "s3://" + m_target.bucket + "/" + key);
  std::string text;
  // A HEAD's error has no body to name it: a 403 with the server's clock more than
  // S3's 15 minutes away from ours is the skew, not the credentials.
  auto skew = r.date() ? *r.date() - static_cast<std::int64_t>(std::time(nullptr)) : 0;
  if (code.empty() && r.status == 403 && (skew > 900 || skew < -900)) code = "RequestTimeTooSkewed";
  if (code == "NoSuchBucket")
    text = "the bucket '" + m_target.bucket + "' does not exist at " + m_settings.endpoint;
  else if (code == "RequestTimeTooSkewed" || code == "RequestExpired")
    text = "this host's clock is too far from the server's (" + code +
           (skew ? ", " + std::to_string(skew) + " s" : std::string()) + "; fix the clock, e.g. with NTP)";
  else if (code == "InvalidAccessKeyId")
    text = "the access key id is not known to the server (" + code + "; credentials from " +
           m_settings.credentials_from + ")";
  else if (code == "SignatureDoesNotMatch")
    text = "the secret key does not match the access key id (" + code + "; credentials from " +
           m_settings.credentials_from + ")";
  else if (code == "AccessDenied" || (r.status == 403 && code.empty()))
    text = "access denied (HTTP 403" + std::string(code.empty() ? "" : " " + code) +
           "; check the key's permissions and the bucket policy; credentials from " + m_settings.credentials_from + ")";
  else if (code == "EntityTooSmall")
    text = "the server refuses parts this small (" + code + "; use a larger --part-size)";
  else
    text = "HTTP " + std::to_string(r.status) + (code.empty() ? "" : " " + code) + (message.empty() ? "" : ": " + message);
  throw S3Error(r.status, code, where + ": " + text);
}

std::optional<ObjectInfo> S3::head(const std::string& key) {
  Request rq;
  rq.method = "HEAD";
  rq.path = uri_encode(key, true);
  rq.payload_sha256 = k_empty_sha256;
  rq.headers.push_back("x-amz-checksum-mode: ENABLED");
  Response r = send(rq, "HEAD", key);
  if (r.status == 404) return std::nullopt;
  if (r.status != 200) fail(r, "HEAD", key);
  ObjectInfo info;
  info.size = std::strtoull(r.header("content-length").c_str(), nullptr, 10);
  info.etag = unquote(r.header("etag"));
  info.checksum_sha256 = r.header("x-amz-checksum-sha256");
  for (const auto& [name, value] : r.headers)
    if (name.rfind("x-amz-meta-", 0) == 0) info.meta[name.substr(11)] = value;
  return info;
}

void S3::put(const std::string& key, const Body& body, const std::string& sha256_hex,
             const std::vector<std::string>& headers) {
  Request rq;
  rq.method = "PUT";
  rq.path = uri_encode(key, true);
  rq.body = &body;
  rq.payload_sha256 = sha256_hex;
  rq.headers = headers;
  Response r = send(rq, "PUT", key);
  if (r.status != 200) fail(r, "PUT", key);
}

void S3::get(const std::string& key, const std::function<void(const char*, std::size_t)>& sink) {
  Request rq;
  rq.method = "GET";
  rq.path = uri_encode(key, true);
  rq.payload_sha256 = k_empty_sha256;
  rq.on_body = sink;
  // Not retried: a retry after part of the body went to the sink would hash it twice.
  Response r = m_conn.perform(rq);
  if (r.status != 200) fail(r, "GET", key);
}

std::string S3::create_multipart(const std::string& key, const std::vector<std::string>& headers) {
  Request rq;
  rq.method = "POST";
  rq.path = uri_encode(key, true);
  rq.query = canonical_query({{"uploads", ""}});
  rq.payload_sha256 = k_empty_sha256;
  rq.headers = headers;
  Response r = send(rq, "CreateMultipartUpload", key);
  if (r.status != 200) fail(r, "CreateMultipartUpload", key);
  std::string id = xml_text(r.body, "UploadId");
  if (id.empty()) throw Error("CreateMultipartUpload " + key + ": the answer has no UploadId");
  return id;
}

std::string S3::upload_part(const std::string& key, const std::string& upload_id, int number, const Body& body,
                            const std::string& sha256_hex, const std::string& checksum_header) {
  Request rq;
  rq.method = "PUT";
  rq.path = uri_encode(key, true);
  rq.query = canonical_query({{"partNumber", std::to_string(number)}, {"uploadId", upload_id}});
  rq.body = &body;
  rq.payload_sha256 = sha256_hex;
  if (!checksum_header.empty()) rq.headers.push_back(checksum_header);
  Response r = send(rq, "UploadPart " + std::to_string(number) + " of", key);
  if (r.status != 200) fail(r, "UploadPart " + std::to_string(number) + " of", key);
  return unquote(r.header("etag"));
}

std::vector<Part> S3::list_parts(const std::string& key, const std::string& upload_id) {
  std::vector<Part> parts;
  std::string marker;
  for (;;) {
    Request rq;
    rq.method = "GET";
    rq.path = uri_encode(key, true);
    std::vector<std::pair<std::string, std::string>> q{{"uploadId", upload_id}};
    if (!marker.empty()) q.emplace_back("part-number-marker", marker);
    rq.query = canonical_query(q);
    rq.payload_sha256 = k_empty_sha256;
    Response r = send(rq, "ListParts", key);
    if (r.status != 200) fail(r, "ListParts", key);
    for (auto p : xml_elements(r.body, "Part")) {
      Part part;
      part.number = std::atoi(xml_text(p, "PartNumber").c_str());
      part.size = std::strtoull(xml_text(p, "Size").c_str(), nullptr, 10);
      part.etag = unquote(xml_text(p, "ETag"));
      parts.push_back(part);
    }
    if (xml_text(r.body, "IsTruncated") != "true") break;
    marker = xml_text(r.body, "NextPartNumberMarker");
    if (marker.empty()) break;
  }
  return parts;
}

std::vector<PendingUpload> S3::list_uploads(const std::string& prefix) {
  std::vector<PendingUpload> uploads;
  std::string key_marker, id_marker;
  for (;;) {
    Request rq;
    rq.method = "GET";
    rq.path = "";
    std::vector<std::pair<std::string, std::string>> q{{"uploads", ""}, {"prefix", prefix}};
    if (!key_marker.empty()) q.emplace_back("key-marker", key_marker);
    if (!id_marker.empty()) q.emplace_back("upload-id-marker", id_marker);
    rq.query = canonical_query(q);
    rq.payload_sha256 = k_empty_sha256;
    Response r = send(rq, "ListMultipartUploads", prefix);
    if (r.status != 200) fail(r, "ListMultipartUploads", prefix);
    for (auto u : xml_elements(r.body, "Upload")) {
      PendingUpload p;
      p.key = xml_text(u, "Key");
      p.upload_id = xml_text(u, "UploadId");
      p.initiated = parse_iso8601(xml_text(u, "Initiated")).value_or(0);
      uploads.push_back(p);
    }
    if (xml_text(r.body, "IsTruncated") != "true") break;
    key_marker = xml_text(r.body, "NextKeyMarker");
    id_marker = xml_text(r.body, "NextUploadIdMarker");
    if (key_marker.empty()) break;
  }
  return uploads;
}

void S3::complete_multipart(const std::string& key, const std::string& upload_id, const std::vector<Part>& parts) {
  Body body;
  body.text = "<CompleteMultipartUpload>";
  for (const auto& p : parts)
    body.text += "<Part><PartNumber>" + std::to_string(p.number) + "</PartNumber><ETag>\"" + xml_escape(p.etag) +
                 "\"</ETag></Part>";
  body.text += "</CompleteMultipartUpload>";
  Sha256 sha;
  sha.update(body.text.data(), body.text.size());
  Request rq;
  rq.method = "POST";
  rq.path = uri_encode(key, true);
  rq.query = canonical_query({{"uploadId", upload_id}});
  rq.body = &body;
  rq.payload_sha256 = sha.hex();
  rq.headers.push_back("content-type: application/xml");
  Response r = send(rq, "CompleteMultipartUpload", key);
  // S3 may answer 200 and put an error in the body after a long assembly.
  if (r.status != 200 || !xml_elements(r.body, "Error").empty()) fail(r, "CompleteMultipartUpload", key);
}

void S3::abort_multipart(const std::string& key, const std::string& upload_id) {
  Request rq;
  rq.method = "DELETE";
  rq.path = uri_encode(key, true);
  rq.query = canonical_query({{"uploadId", upload_id}});
  rq.payload_sha256 = k_empty_sha256;
  Response r = send(rq, "AbortMultipartUpload", key);
  if (r.status != 204 && r.status != 200 && r.status != 404) fail(r, "AbortMultipartUpload", key);
}

} // namespace recssh::ship
