// SPDX-License-Identifier: MIT
#include "ship/http.hpp"

#include "core/errors.hpp"

#include <algorithm>
#include <cerrno>
#include <curl/curl.h>
#include <mutex>
#include <unistd.h>

namespace recssh::ship {
namespace {

// An error answer is XML of a few hundred bytes; a listing of 1000 parts a few
// hundred KiB. Anything bigger is not kept (and not needed).
constexpr std::size_t k_max_kept_body = 8u << 20;

struct Upload {
  const Body* body;
  std::uint64_t sent = 0;
};

std::size_t read_body(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* u = static_cast<Upload*>(user);
  const Body& b = *u->body;
  std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size * count, b.length - u->sent));
  if (want == 0) return 0;
  ssize_t n;
  do n = ::pread(b.fd, buffer, want, static_cast<off_t>(b.offset + u->sent));
  while (n < 0 && errno == EINTR);
  if (n <= 0) return CURL_READFUNC_ABORT; // the file shrank or failed: never send less than was signed
  u->sent += static_cast<std::uint64_t>(n);
  return static_cast<std::size_t>(n);
}

// curl rewinds a body when it must send it again (a redirect, a reused connection that
// was closed meanwhile).
int seek_body(void* user, curl_off_t offset, int origin) {
  auto* u = static_cast<Upload*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<std::uint64_t>(offset) > u->body->length)
    return CURL_SEEKFUNC_FAIL;
  u->sent = static_cast<std::uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

struct Collect {
  Response* response;
  const std::function<void(const char*, std::size_t)>* sink;
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* c = static_cast<Collect*>(user);
  std::size_t n = size * count;
  // An error answer is always kept, so that it can be named, even when streaming.
  if (*c->sink && c->response->status >= 200 && c->response->status < 300) {
    (*c->sink)(data, n);
  } else if (c->response->body.size() < k_max_kept_body) {
    c->response->body.append(data, std::min(n, k_max_kept_body - c->response->body.size()));
  }
  return n;
}

std::size_t write_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* c = static_cast<Collect*>(user);
  std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) { // a new response (after 100 Continue or a redirect)
    c->response->headers.clear();
    auto sp = line.find(' ');
    c->response->status = sp == std::string::npos ? 0 : std::strtol(line.c_str() + sp + 1, nullptr, 10);
    return size * count;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return size * count;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  std::string value = line.substr(colon + 1);
  auto b = value.find_first_not_of(" \t"), e = value.find_last_not_of(" \t\r\n");
  c->response->headers[name] = b == std::string::npos ? std::string() : value.substr(b, e - b + 1);
  return size * count;
}

struct Slist {
  curl_slist* list = nullptr;
  ~Slist() { curl_slist_free_all(list); }
  void add(const std::string& h) {
    curl_slist* n = curl_slist_append(list, h.c_str());
    if (!n) throw std::bad_alloc();
    list = n;
  }
};

bool is_aws_host(const std::string& endpoint) {
  auto host_end = endpoint.find('/', endpoint.find("://") + 3);
  std::string host = endpoint.substr(0, host_end);
  if (auto colon = host.rfind(':'); colon != std::string::npos && colon > endpoint.find("://") + 2) host.resize(colon);
  return host.ends_with(".amazonaws.com");
}

} // namespace

std::string Response::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

std::optional<std::int64_t> Response::date() const {
  std::string d = header("date");
  if (d.empty()) return std::nullopt;
  time_t t = curl_getdate(d.c_str(), nullptr);
  return t < 0 ? std::nullopt : std::optional<std::int64_t>(t);
}

void init_http() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw Error("cannot initialise libcurl");
  });
}

struct Connection::Impl {
  Settings settings;
  std::string bucket, base; // base: scheme://host[:port][/bucket], without a trailing '/'
  bool virtual_host = false;
  Limits limits;
  CURL* curl = nullptr;
  std::string sigv4;
};

Connection::Connection(const Settings& settings, const std::string& bucket, Limits limits) : m(new Impl) {
  init_http();
  m->settings = settings;
  m->bucket = bucket;
  m->limits = limits;
  bool virtual_host = settings.addressing == Addressing::virtual_host ||
                      (settings.addressing == Addressing::automatic && is_aws_host(settings.endpoint) &&
                       bucket.find('.') == std::string::npos);
  m->virtual_host = virtual_host;
  if (virtual_host) {
    auto scheme_end = settings.endpoint.find("://") + 3;
    m->base = settings.endpoint.substr(0, scheme_end) + bucket + "." + settings.endpoint.substr(scheme_end);
  } else {
    m->base = settings.endpoint + "/" + bucket;
  }
  m->sigv4 = "aws:amz:" + settings.region + ":s3";
  m->curl = curl_easy_init();
  if (!m->curl) throw Error("cannot initialise libcurl");
}

Connection::~Connection() { curl_easy_cleanup(m->curl); }

std::string Connection::url_of(const std::string& path, const std::string& query) const {
  // A bucket-level request is "/bucket" in path style (as the AWS SDKs send it; the
  // signature covers the path, so the form matters), "/" on a virtual host.
  std::string url = m->base;
  if (!path.empty() || m->virtual_host) url += "/" + path;
  return url + (query.empty() ? "" : "?" + query);
}

Response Connection::perform(const Request& r) {
  CURL* c = m->curl;
  curl_easy_reset(c); // options go, the connection stays
  Response response;
  Collect collect{&response, &r.on_body};
  Upload upload{r.body};
  Slist headers;
  for (const auto& h : r.headers) headers.add(h);
  // Trap 1 of curl 7.88's SigV4: it hashes CURLOPT_POSTFIELDS only, so a body sent by
  // a read callback would be signed as empty. The hash is ours, in this header, which
  // curl then signs as it is.
  headers.add("x-amz-content-sha256: " + r.payload_sha256);
  if (!m->settings.session_token.empty()) headers.add("x-amz-security-token: " + m->settings.session_token);

  std::string url = url_of(r.path, r.query);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L); // the path is signed as given: no "/../" squashing
  curl_easy_setopt(c, CURLOPT_AWS_SIGV4, m->sigv4.c_str());
  curl_easy_setopt(c, CURLOPT_USERNAME, m->settings.access_key_id.c_str());
  curl_easy_setopt(c, CURLOPT_PASSWORD, m->settings.secret_access_key.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, m->limits.connect_timeout_s);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, m->limits.stall_timeout_s);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, write_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &collect);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &collect);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "recssh-recast-ship");
  if (r.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (r.method == "PUT" && r.body && r.body->fd >= 0) {
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, seek_body);
    curl_easy_setopt(c, CURLOPT_SEEKDATA, &upload);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(r.body->length));
    if (m->limits.max_send_bytes_per_s > 0)
      curl_easy_setopt(c, CURLOPT_MAX_SEND_SPEED_LARGE, static_cast<curl_off_t>(m->limits.max_send_bytes_per_s));
  } else if (r.method == "POST") {
    const std::string& text = r.body ? r.body->text : std::string();
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(text.size()));
    curl_easy_setopt(c, CURLOPT_COPYPOSTFIELDS, text.c_str());
  } else if (r.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.list);

  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    // Only curl's own words and the URL: neither holds a secret.
    throw TransportError(url + ": " + curl_easy_strerror(rc));
  }
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  response.status = code;
  return response;
}

} // namespace recssh::ship
