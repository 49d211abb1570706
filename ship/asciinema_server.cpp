// SPDX-License-Identifier: MIT
#include "ship/asciinema_server.hpp"

#include "core/errors.hpp"
#include "core/event_reader.hpp"
#include "core/fd.hpp"
#include "core/format.hpp"
#include "ship/http.hpp"

#include <chrono>
#include <curl/curl.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace recssh::ship {
namespace {

std::optional<std::string> non_empty(std::optional<std::string> v) {
  if (v && v->empty()) return std::nullopt;
  return v;
}

std::optional<std::string> read_id_file(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return std::nullopt;
  char buf[128];
  ssize_t n = ::read(fd.get(), buf, sizeof buf);
  if (n <= 0) return std::nullopt;
  std::string s(buf, static_cast<std::size_t>(n));
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return non_empty(s);
}

std::string new_uuid4() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw Error("cannot make an install ID: no random bytes");
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40); // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80); // RFC 4122 variant
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += {digits[b[i] >> 4], digits[b[i] & 15]};
  }
  return s;
}

void make_dirs(const std::string& dir) {
  for (std::size_t at = 1; at != std::string::npos;) {
    at = dir.find('/', at + 1);
    std::string part = dir.substr(0, at);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) throw_errno("cannot create " + part);
  }
}

// What the server answers in JSON: {"message": ...} or {"url": ...}.
std::string answer_text(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body.data(), body.size()).get(doc) || !doc.is_object()) return body;
  std::string_view s;
  if (!doc["message"].get_string().get(s) && !s.empty()) return std::string(s);
  if (!doc["url"].get_string().get(s) && !s.empty()) return std::string(s);
  return body;
}

// The checks the server makes, made first, each saying what to do instead.
void check_uploadable(const std::string& path, const UploadLimits& limits) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw_errno("cannot read " + path);
  if (!S_ISREG(st.st_mode)) throw Error(path + ": not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > limits.max_bytes)
    throw Error(path + ": " + std::to_string(st.st_size) + " bytes is over the server's limit of " +
                std::to_string(limits.max_bytes) + " (--max-size if the server allows more)");
  {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    unsigned char magic[2] = {};
    if (fd.valid() && ::read(fd.get(), magic, 2) == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
      throw Error(path + ": gzip-compressed; the server takes plain asciicast (decompress first: gzip -dk)");
  }
  Diagnostics quiet;
  quiet.on_warning = [](const std::string&, const std::string&) {};
  ReadOptions ro;
  ro.diag = &quiet;
  ro.threads = 1;
  ro.need_data = false;
  const FormatInfo* format = nullptr;
  auto reader = open_reader(path, "", ro, &format);
  if (!format || (format->name != "v1" && format->name != "v2" && format->name != "v3"))
    throw Error(path + ": a " + (format ? format->name : std::string("legacy")) +
                " log, not asciicast; convert it first (recast convert " + path + " OUT.cast)");
  Event e;
  if (!reader->next(e)) throw Error(path + ": the recording has no events; the server refuses it");
}

struct Mime {
  curl_mime* mime = nullptr;
  ~Mime() { curl_mime_free(mime); }
};
struct Headers {
  curl_slist* list = nullptr;
  ~Headers() { curl_slist_free_all(list); }
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() < (1u << 20)) body->append(data, size * count);
  return size * count;
}

} // namespace

std::string server_url(const std::optional<std::string>& flag, const EnvLookup& env) {
  std::string url = non_empty(flag)
                        .value_or(non_empty(env("ASCIINEMA_SERVER_URL"))
                                      .value_or(non_empty(env("ASCIINEMA_API_URL")).value_or("https://asciinema.org")));
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    throw UsageError("the server URL '" + url + "' is not an http:// or https:// URL");
  return url;
}

bool valid_install_id(const std::string& id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

InstallId install_id(const EnvLookup& env, bool create) {
  if (auto v = non_empty(env("ASCIINEMA_INSTALL_ID"))) return {*v, "ASCIINEMA_INSTALL_ID", false};
  std::string home = env("HOME").value_or("");
  std::string state = non_empty(env("XDG_STATE_HOME")).value_or(home + "/.local/state") + "/asciinema";
  std::string config = non_empty(env("ASCIINEMA_CONFIG_HOME"))
                           .value_or(non_empty(env("XDG_CONFIG_HOME")).value_or(home + "/.config") + "/asciinema");
  for (const auto& file : {state + "/install-id", config + "/install-id"})
    if (auto id = read_id_file(file)) return {*id, file, false};
  if (!create) throw Error("no asciinema install ID (run recast auth, or asciinema auth)");
  make_dirs(state);
  std::string file = state + "/install-id", id = new_uuid4();
  Fd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) throw_errno("cannot create " + file);
  std::string line = id + "\n";
  if (::write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size())) throw_errno("cannot write " + file);
  return {id, file, true};
}

UploadResult upload_recording(const std::string& path, const std::string& server, const InstallId& id,
                              const std::string& user, const UploadLimits& limits,
                              const std::function<void(const std::string&)>& on_retry) {
  check_uploadable(path, limits);
  if (!valid_install_id(id.id))
    throw Error("the install ID in " + id.from + " is not a lower-case UUID; the server would refuse it");
  init_http();
  const std::string url = server + "/api/v1/recordings";
  double delay = 1.0;
  for (int attempt = 1;; ++attempt) {
    CURL* c = curl_easy_init();
    if (!c) throw Error("cannot initialise libcurl");
    std::unique_ptr<CURL, void (*)(CURL*)> guard(c, curl_easy_cleanup);
    Mime mime{curl_mime_init(c)};
    curl_mimepart* part = curl_mime_addpart(mime.mime);
    curl_mime_name(part, "file");
    // Streams the file from disk as it is sent.
    if (curl_mime_filedata(part, path.c_str()) != CURLE_OK) throw Error("cannot read " + path);
    curl_mime_type(part, "application/octet-stream");
    Headers headers;
    headers.list = curl_slist_append(headers.list, "Accept: application/json");
    std::string body;
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime.mime);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.list);
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, id.id.c_str());
    curl_easy_setopt(c, CURLOPT_USERAGENT, "recast (asciinema-server API v1)");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    std::string problem;
    if (rc == CURLE_OK) {
      curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
      if (status >= 200 && status < 300) return {status, answer_text(body)};
      if (status < 500) {
        std::string text = answer_text(body);
        if (status == 413 && text == body) text = "the recording exceeds the server's size limit";
        throw Error(url + ": HTTP " + std::to_string(status) + ": " + text);
      }
      problem = "HTTP " + std::to_string(status);
    } else {
      problem = curl_easy_strerror(rc);
    }
    if (attempt >= limits.attempts)
      throw Error(url + ": " + problem + " (gave up after " + std::to_string(attempt) + " attempts)");
    if (on_retry) on_retry(url + ": " + problem + "; retrying in " + std::to_string(static_cast<int>(delay)) + " s");
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    delay *= 2;
  }
}

} // namespace recssh::ship
