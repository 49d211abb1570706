// SPDX-License-Identifier: MIT
#include "ship/ship.hpp"

#include "core/event_reader.hpp"
#include "core/fd.hpp"
#include "core/format.hpp"
#include "core/sha256.hpp"
#include "store/layout.hpp"
#include "store/lock.hpp"
#include "store/metadata.hpp"
#include "store/walk.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace recssh::ship {
namespace {

constexpr std::size_t k_read_buffer = 1u << 20;

std::int64_t now_s() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string iso8601(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// MD5 only to compare with the ETags a store gives parts (S3, MinIO, Ceph and moto use
// the part's MD5), when deciding whether a part left by a killed run can be kept.
class Md5 {
public:
  Md5() : m_ctx(EVP_MD_CTX_new()) {
    if (!m_ctx || EVP_DigestInit_ex(m_ctx, EVP_md5(), nullptr) != 1) throw Error("MD5 is not available");
  }
  ~Md5() { EVP_MD_CTX_free(m_ctx); }
  Md5(const Md5&) = delete;
  Md5& operator=(const Md5&) = delete;
  void update(const char* p, std::size_t n) { EVP_DigestUpdate(m_ctx, p, n); }
  std::string hex() {
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(m_ctx, d, &len);
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    for (unsigned i = 0; i < len; ++i) s += {digits[d[i] >> 4], digits[d[i] & 15]};
    return s;
  }

private:
  EVP_MD_CTX* m_ctx;
};

struct PartHash {
  std::uint64_t offset = 0, size = 0;
  std::string sha256, md5;
};

struct Hashes {
  std::string sha256;
  std::vector<PartHash> parts; // empty: one PUT
};

// One pass over the file: its SHA-256 and, when it goes multipart, each part's SHA-256
// (the signed payload hash) and MD5 (to recognize parts already uploaded).
Hashes hash_file(int fd, std::uint64_t size, std::uint64_t part_size, const std::string& path) {
  Hashes h;
  Sha256 whole;
  std::unique_ptr<Sha256> part_sha;
  std::unique_ptr<Md5> part_md5;
  std::vector<char> buf(k_read_buffer);
  std::uint64_t at = 0, part_end = 0;
  auto close_part = [&] {
    if (!part_sha) return;
    h.parts.back().sha256 = part_sha->hex();
    h.parts.back().md5 = part_md5->hex();
    part_sha.reset();
    part_md5.reset();
  };
  while (at < size) {
    if (part_size && at == part_end) {
      close_part();
      part_end = std::min(size, at + part_size);
      h.parts.push_back({at, part_end - at, "", ""});
      part_sha = std::make_unique<Sha256>();
      part_md5 = std::make_unique<Md5>();
    }
    std::uint64_t limit = part_size ? part_end : size;
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), limit - at));
    ssize_t n = ::pread(fd, buf.data(), want, static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("cannot read " + path);
    if (n == 0) throw Error(path + ": the file shrank while it was read");
    whole.update(buf.data(), static_cast<std::size_t>(n));
    if (part_sha) {
      part_sha->update(buf.data(), static_cast<std::size_t>(n));
      part_md5->update(buf.data(), static_cast<std::size_t>(n));
    }
    at += static_cast<std::uint64_t>(n);
  }
  close_part();
  h.sha256 = whole.hex();
  return h;
}

// What the object carries about the recording: its hash and who recorded what.
struct Described {
  std::vector<std::string> headers;
  std::int64_t start = 0;
};

Described describe(int fd, const struct stat& st, const std::string& sha256) {
  Described d;
  d.headers.push_back("x-amz-meta-recssh-sha256: " + sha256);
  d.start = static_cast<std::int64_t>(st.st_mtime);
  try {
    Diagnostics quiet;
    quiet.on_warning = [](const std::string&, const std::string&) {};
    ReadOptions ro;
    ro.diag = &quiet;
    ro.threads = 1;
    // Through the descriptor we hold, not the name, which may lead elsewhere by now.
    auto reader = open_reader("/proc/self/fd/" + std::to_string(fd), "", ro);
    const Header& header = reader->header();
    if (header.timestamp) d.start = *header.timestamp;
    if (auto m = store::metadata_of(header)) {
      auto add = [&](const char* name, const std::string& value) {
        if (!value.empty()) d.headers.push_back(std::string("x-amz-meta-recssh-") + name + ": " + metadata_value(value));
      };
      add("user", m->user);
      add("host", m->host);
      add("target", m->target);
      add("session-id", m->session_id);
      if (m->stream) add("stream", std::string(store::stream_name(*m->stream)));
    }
  } catch (const std::exception&) {
    // Not a cast a reader understands (a damaged recording still goes: its bytes are
    // the evidence); it is shipped with its hash and times only.
  }
  d.headers.push_back("x-amz-meta-recssh-start: " + iso8601(d.start));
  return d;
}

class Worker {
public:
  Worker(const Settings& settings, const Options& options, const Callbacks& callbacks, std::mutex& report_mutex)
      : m_settings(settings), m_options(options), m_callbacks(callbacks), m_mutex(report_mutex),
        m_s3(settings, options.target, options.limits, options.retry, [this](const std::string& what) { notice(what); }) {}

  Result ship_one(const Candidate& c);
  bool used_network() const { return m_used_network; }

private:
  void notice(const std::string& what) {
    if (!m_callbacks.notice) return;
    std::lock_guard lock(m_mutex);
    m_callbacks.notice(what);
  }
  void upload(const std::string& key, int fd, const struct stat& st, const Hashes& h, const Described& d, Result& r);
  void upload_multipart(const std::string& key, int fd, const Hashes& h, const Described& d, Result& r);
  void confirm(const std::string& key, const struct stat& st, const Hashes& h);

  const Settings& m_settings;
  const Options& m_options;
  const Callbacks& m_callbacks;
  std::mutex& m_mutex;
  S3 m_s3;
  bool m_used_network = false;
};

// What the journal keeps of a result: shipped, conflict or the last error. Pending
// recordings are not journaled (no entry is what pending means), nor skips that came
// from the journal itself.
void journal_result(store::ShippedJournal& journal, const Options& options, const Settings& settings, Result& r) {
  if (r.outcome == Outcome::pending || r.from_journal) return;
  store::ShipEntry e;
  e.time = now_s();
  e.target = target_url(options.target);
  e.endpoint = settings.endpoint;
  e.key = r.key;
  e.path = r.path;
  e.sha256 = r.sha256;
  if (r.outcome == Outcome::failed) {
    e.state = store::ShipState::failed;
    e.message = r.message;
    struct stat st {};
    if (r.identity) e.id = *r.identity;
    else if (::stat(r.path.c_str(), &st) == 0) e.id = store::identity_of(st);
    else return; // gone: nothing to say about it
  } else {
    if (!r.identity) return;
    e.state = r.outcome == Outcome::conflict ? store::ShipState::conflict : store::ShipState::shipped;
    e.id = *r.identity;
    // A --recheck that finds what the journal says adds nothing to it.
    auto known = journal.find(e.id, e.target, e.endpoint);
    if (known && known->id == e.id && known->state == e.state && known->key == e.key && known->sha256 == e.sha256) return;
  }
  try {
    journal.record(e);
  } catch (const std::exception& err) {
    if (r.outcome == Outcome::failed) return;
    r.outcome = Outcome::failed;
    r.message += std::string("; but the shipped journal cannot be written: ") + err.what();
  }
}

Result Worker::ship_one(const Candidate& c) {
  Result r;
  r.path = c.path;
  Fd fd(::open(c.path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    r.message = "cannot open: " + errno_message();
    return r;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    r.message = "not a regular file";
    return r;
  }
  if (c.ino != 0 && (st.st_dev != c.dev || st.st_ino != c.ino)) {
    r.outcome = Outcome::pending;
    r.message = "replaced since it was listed; left for the next run";
    return r;
  }
  // Held until the upload is confirmed: no recorder, append, merge or rotate can
  // change the file meanwhile, and one that holds it now means it is not finished.
  if (!store::try_lock_shared(fd.get())) {
    r.outcome = Outcome::pending;
    r.message = "being recorded";
    return r;
  }
  if (static_cast<std::int64_t>(st.st_mtime) > now_s() - m_options.min_age_s) {
    r.outcome = Outcome::pending;
    r.message = "written to less than " + std::to_string(m_options.min_age_s) + " s ago";
    return r;
  }
  r.identity = store::identity_of(st);
  const std::string url = target_url(m_options.target);
  if (m_options.journal && !m_options.recheck) {
    auto e = m_options.journal->find(*r.identity, url, m_settings.endpoint);
    if (e && e->id == *r.identity && e->state != store::ShipState::failed) {
      r.from_journal = true;
      r.key = e->key;
      r.sha256 = e->sha256;
      r.outcome = e->state == store::ShipState::shipped ? Outcome::present : Outcome::conflict;
      r.message = e->state == store::ShipState::shipped ? "shipped (journal)" : "already shipped as " + e->key + " (journal)";
      return r;
    }
  }
  m_used_network = true;
  auto size = static_cast<std::uint64_t>(st.st_size);
  std::uint64_t part = size > m_options.part_size ? part_size_for(size, m_options.part_size) : 0;
  Hashes h = hash_file(fd.get(), size, part, c.path);
  r.sha256 = h.sha256;
  Described d = describe(fd.get(), st, h.sha256);
  std::string name = c.path.substr(c.path.rfind('/') + 1);
  std::string dir = !c.dir.empty() ? c.dir : store::day_name(d.start);
  r.key = object_key(m_options.target.prefix, m_options.host, dir, name);

  if (auto there = m_s3.head(r.key)) {
    if (there->meta["recssh-sha256"] == h.sha256) {
      r.outcome = Outcome::present;
      r.message = "already shipped";
      return r;
    }
    // Never overwrite: what is there may be the only copy of something else.
    std::string other = there->meta.count("recssh-sha256") ? "sha256 " + there->meta["recssh-sha256"].substr(0, 12)
                                                            : "not shipped by recssh";
    std::string first_key = r.key;
    r.key = conflict_key(first_key, h.sha256);
    r.outcome = Outcome::conflict;
    if (auto alt = m_s3.head(r.key)) {
      if (alt->meta["recssh-sha256"] == h.sha256) {
        r.message = first_key + " holds a different object (" + other + "); this recording was already shipped as " + r.key;
        return r;
      }
      r.outcome = Outcome::failed;
      r.message = "both " + first_key + " and " + r.key + " hold other objects; nothing was overwritten";
      return r;
    }
    upload(r.key, fd.get(), st, h, d, r);
    confirm(r.key, st, h);
    r.outcome = Outcome::conflict;
    r.message = first_key + " holds a different object (" + other + "); shipped as " + r.key + " instead";
    return r;
  }
  upload(r.key, fd.get(), st, h, d, r);
  confirm(r.key, st, h);
  r.outcome = Outcome::uploaded;
  r.message = r.resumed ? "uploaded (resumed)" : "uploaded";
  return r;
}

void Worker::upload(const std::string& key, int fd, const struct stat& st, const Hashes& h, const Described& d,
                    Result& r) {
  if (!h.parts.empty()) {
    upload_multipart(key, fd, h, d, r);
    return;
  }
  Body body;
  body.fd = fd;
  body.length = static_cast<std::uint64_t>(st.st_size);
  auto headers = d.headers;
  // The store checks the bytes against this and keeps it; the algorithm header is the
  // one the AWS SDKs send with it (some stores, moto among them, need it to keep it).
  headers.push_back("x-amz-checksum-sha256: " + hex_to_base64(h.sha256));
  headers.push_back("x-amz-sdk-checksum-algorithm: SHA256");
  m_s3.put(key, body, h.sha256, headers);
  r.bytes_sent = body.length;
}

void Worker::upload_multipart(const std::string& key, int fd, const Hashes& h, const Described& d, Result& r) {
  r.multipart = true;
  const int count = static_cast<int>(h.parts.size());
  // An upload of this key left by an earlier run is continued if every part it holds
  // has this file's bytes (size and MD5); its other parts are sent again.
  std::string upload_id;
  std::map<int, std::string> done; // part number → ETag
  auto pending = m_s3.list_uploads(key);
  std::sort(pending.begin(), pending.end(), [](const auto& a, const auto& b) { return a.initiated > b.initiated; });
  for (const auto& u : pending) {
    if (u.key != key) continue;
    auto parts = m_s3.list_parts(key, u.upload_id);
    bool same = !parts.empty();
    for (const auto& p : parts)
      same = same && p.number >= 1 && p.number <= count && p.size == h.parts[static_cast<std::size_t>(p.number - 1)].size &&
             lower(p.etag) == h.parts[static_cast<std::size_t>(p.number - 1)].md5;
    if (!same) continue;
    upload_id = u.upload_id;
    for (const auto& p : parts) done[p.number] = p.etag;
    r.resumed = true;
    notice(key + ": resuming upload with " + std::to_string(parts.size()) + " of " + std::to_string(count) + " parts");
    break;
  }
  if (upload_id.empty()) upload_id = m_s3.create_multipart(key, d.headers);
  // The missing parts, up to part_jobs at once, each sender on its own connection (the
  // first on this worker's); memory grows by one connection's buffers per sender.
  std::vector<int> todo;
  for (int n = 1; n <= count; ++n)
    if (!done.count(n)) todo.push_back(n);
  std::atomic<std::size_t> next{0};
  std::mutex m;
  std::exception_ptr failure;
  auto send_parts = [&](S3& s3) {
    try {
      for (std::size_t i; (i = next.fetch_add(1)) < todo.size();) {
        {
          std::lock_guard lock(m);
          if (failure) return;
        }
        int n = todo[i];
        const PartHash& p = h.parts[static_cast<std::size_t>(n - 1)];
        Body body;
        body.fd = fd;
        body.offset = p.offset;
        body.length = p.size;
        std::string etag = s3.upload_part(key, upload_id, n, body, p.sha256, "");
        // The store's ETag is the part's MD5 where it can be compared: a mismatch means
        // the bytes that arrived are not the ones read.
        if (etag.size() == 32 && lower(etag) != p.md5)
          throw Error(key + ": part " + std::to_string(n) + " arrived changed (ETag " + etag + ", MD5 " + p.md5 + ")");
        std::lock_guard lock(m);
        done[n] = etag;
        r.bytes_sent += p.size;
      }
    } catch (...) {
      std::lock_guard lock(m);
      if (!failure) failure = std::current_exception();
    }
  };
  std::vector<std::thread> senders;
  std::size_t senders_wanted = std::min<std::size_t>(std::max(1u, m_options.part_jobs), todo.size());
  for (std::size_t t = 1; t < senders_wanted; ++t)
    senders.emplace_back([&] {
      try {
        S3 s3(m_settings, m_options.target, m_options.limits, m_options.retry, [this](const std::string& w) { notice(w); });
        send_parts(s3);
      } catch (...) {
        std::lock_guard lock(m);
        if (!failure) failure = std::current_exception();
      }
    });
  send_parts(m_s3);
  for (auto& t : senders) t.join();
  if (failure) std::rethrow_exception(failure); // the upload stays, for the next run to resume
  std::vector<Part> parts;
  for (const auto& [n, etag] : done) parts.push_back({n, 0, etag});
  m_s3.complete_multipart(key, upload_id, parts);
}

void Worker::confirm(const std::string& key, const struct stat& st, const Hashes& h) {
  auto there = m_s3.head(key);
  if (!there) throw Error(key + ": not found after the upload");
  if (there->size != static_cast<std::uint64_t>(st.st_size))
    throw Error(key + ": the store holds " + std::to_string(there->size) + " bytes, the recording has " +
                std::to_string(st.st_size));
  if (there->meta["recssh-sha256"] != h.sha256) throw Error(key + ": the store's recssh-sha256 is not the recording's");
  // Only a single PUT's checksum is of the whole object (a multipart one is of its parts).
  if (h.parts.empty() && !there->checksum_sha256.empty() && there->checksum_sha256 != hex_to_base64(h.sha256))
    throw Error(key + ": the store's checksum " + there->checksum_sha256 + " is not the recording's");
  if (m_options.verify_read) {
    Sha256 back;
    std::uint64_t n = 0;
    m_s3.get(key, [&](const char* p, std::size_t len) {
      back.update(p, len);
      n += len;
    });
    if (n != static_cast<std::uint64_t>(st.st_size) || back.hex() != h.sha256)
      throw Error(key + ": read back, " + std::to_string(n) + " bytes do not hash to the recording's sha256");
  }
}

} // namespace

const char* outcome_name(Outcome o) {
  switch (o) {
  case Outcome::uploaded: return "uploaded";
  case Outcome::present: return "present";
  case Outcome::conflict: return "conflict";
  case Outcome::pending: return "pending";
  case Outcome::failed: return "failed";
  }
  return "?";
}

std::uint64_t part_size_for(std::uint64_t file_size, std::uint64_t wanted) {
  std::uint64_t p = std::max(wanted, k_min_part_size);
  std::uint64_t need = (file_size + k_max_parts - 1) / k_max_parts;
  if (p < need) p = (need + (1u << 20) - 1) / (1u << 20) * (1u << 20); // whole MiB
  return std::min(p, k_max_part_size);
}

std::vector<Candidate> collect(const std::vector<std::string>& paths, const Options& options,
                               const std::function<void(const Result&)>& report) {
  std::vector<Candidate> out;
  const std::int64_t young = now_s() - options.min_age_s;
  auto pending = [&](const std::string& path, const std::string& why) {
    Result r;
    r.path = path;
    r.outcome = Outcome::pending;
    r.message = why;
    report(r);
  };
  for (const auto& p : paths) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) throw_errno("cannot read " + p);
    if (S_ISDIR(st.st_mode)) {
      auto take = [&](const store::Recording& rec) {
        if (rec.state == store::State::recording) {
          pending(rec.path, "being recorded");
        } else if (rec.mtime > young) {
          pending(rec.path, "written to less than " + std::to_string(options.min_age_s) + " s ago");
        } else {
          out.push_back({rec.path, rec.rel_dir, rec.dev, rec.ino});
        }
      };
      // Port forwards' captures are part of the session's record: they go too (with
      // their hash and times: there is no header to describe them from).
      store::WalkOptions wo;
      wo.on_capture = take;
      store::walk(p, take, wo);
      continue;
    }
    // A file named directly: DIR is its directory's name when that is a day.
    std::string dir;
    auto slash = p.rfind('/');
    if (slash != std::string::npos) {
      std::string parent = p.substr(0, slash);
      std::string last = parent.substr(parent.rfind('/') == std::string::npos ? 0 : parent.rfind('/') + 1);
      if (store::parse_day_name(last)) dir = last;
    }
    out.push_back({p, dir});
  }
  return out;
}

void ship(const std::vector<Candidate>& candidates, const Settings& settings, const Options& options,
          const Callbacks& callbacks) {
  init_http();
  std::mutex mutex;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> used_network{false};
  auto run = [&] {
    std::unique_ptr<Worker> worker;
    std::string setup_error;
    try {
      worker = std::make_unique<Worker>(settings, options, callbacks, mutex);
    } catch (const std::exception& e) {
      setup_error = e.what();
    }
    for (std::size_t i; (i = next.fetch_add(1)) < candidates.size();) {
      Result r;
      r.path = candidates[i].path;
      try {
        if (!worker) throw Error(setup_error);
        r = worker->ship_one(candidates[i]);
      } catch (const std::exception& e) {
        r.outcome = Outcome::failed;
        r.message = e.what();
      }
      if (options.journal) journal_result(*options.journal, options, settings, r);
      std::lock_guard lock(mutex);
      callbacks.report(r);
    }
    if (!worker || worker->used_network()) used_network = true;
  };
  unsigned jobs = std::max(1u, std::min<unsigned>(options.jobs, static_cast<unsigned>(std::max<std::size_t>(1, candidates.size()))));
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(run);
  run();
  for (auto& t : threads) t.join();

  // Unfinished multipart uploads under the target that nobody continued for a long
  // time (a host that died mid-upload): the store keeps and bills their parts forever.
  // A key allowed to put but not to list (or to abort) still ships: this clean-up is
  // reported, not fatal. A run that the journal answered entirely asks the store
  // nothing, this included: the next run that ships something cleans up.
  if (options.abort_after_s > 0 && used_network) {
    try {
      S3 s3(settings, options.target, options.limits, options.retry);
      std::string prefix = options.target.prefix.empty() ? "" : options.target.prefix + "/";
      for (const auto& u : s3.list_uploads(prefix)) {
        if (u.initiated == 0 || u.initiated > now_s() - options.abort_after_s) continue;
        s3.abort_multipart(u.key, u.upload_id);
        if (callbacks.notice) callbacks.notice("aborted an upload of " + u.key + " left unfinished since " + iso8601(u.initiated));
      }
    } catch (const Error& e) {
      if (callbacks.notice) callbacks.notice(std::string("unfinished uploads not checked: ") + e.what());
    }
  }
}

} // namespace recssh::ship
