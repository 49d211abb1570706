// SPDX-License-Identifier: MIT
#include "store/seal.hpp"

#include "core/errors.hpp"
#include "core/io.hpp"
#include "core/json.hpp"
#include "core/line_reader.hpp"
#include "core/sha256.hpp"
#include "core/time.hpp"

#include <openssl/evp.h>
#include <simdjson.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::store {

namespace {
constexpr std::string_view k_tag = "recssh-seal-v1\n";

const EVP_MD* sha256_md() {
  // Fetched once: an implicit fetch per line would cost more than the hash of a
  // short line.
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (!md) throw Error("SHA-256 unavailable");
  return md;
}

std::string to_hex(const unsigned char* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[p[i] >> 4]);
    out.push_back(digits[p[i] & 15]);
  }
  return out;
}

bool is_hash(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}
} // namespace

struct SealChain::Ctx {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(ctx); }
};

SealChain::SealChain() : m_ctx(std::make_unique<Ctx>()) {
  if (!m_ctx->ctx) throw Error("SHA-256 unavailable");
}
SealChain::~SealChain() = default;
SealChain::SealChain(SealChain&&) noexcept = default;
SealChain& SealChain::operator=(SealChain&&) noexcept = default;

void SealChain::add(std::string_view line) {
  EVP_MD_CTX* c = m_ctx->ctx;
  bool ok = EVP_DigestInit_ex(c, sha256_md(), nullptr) == 1;
  if (m_lines == 0)
    ok = ok && EVP_DigestUpdate(c, k_tag.data(), k_tag.size()) == 1;
  else
    ok = ok && EVP_DigestUpdate(c, m_hash, sizeof m_hash) == 1;
  ok = ok && EVP_DigestUpdate(c, line.data(), line.size()) == 1 && EVP_DigestUpdate(c, "\n", 1) == 1;
  unsigned int len = 0;
  ok = ok && EVP_DigestFinal_ex(c, m_hash, &len) == 1 && len == sizeof m_hash;
  if (!ok) throw Error("SHA-256 failed");
  ++m_lines;
  m_bytes += line.size() + 1;
}

std::string SealChain::hex() const { return to_hex(m_hash, sizeof m_hash); }

std::string seal_path(const std::string& cast_path) { return cast_path + ".seal"; }

std::optional<std::string> find_seal(const std::string& cast_path) {
  struct stat st {};
  std::string own = seal_path(cast_path);
  if (::lstat(own.c_str(), &st) == 0) return own;
  // Compressed after sealing: the chain is over the uncompressed lines, so the seal
  // of the .cast still holds for the .cast.gz.
  constexpr std::string_view gz = ".gz";
  if (cast_path.size() > gz.size() && cast_path.compare(cast_path.size() - gz.size(), gz.size(), gz) == 0) {
    std::string plain = seal_path(cast_path.substr(0, cast_path.size() - gz.size()));
    if (::lstat(plain.c_str(), &st) == 0) return plain;
  }
  return std::nullopt;
}

void remove_seals_of(int dirfd, const std::string& name, unsigned owner) {
  std::vector<std::string> names{seal_path(name)};
  constexpr std::string_view gz = ".gz";
  if (name.size() > gz.size() && name.compare(name.size() - gz.size(), gz.size(), gz) == 0)
    names.push_back(seal_path(name.substr(0, name.size() - gz.size())));
  for (const auto& n : names) {
    struct stat st {};
    if (::fstatat(dirfd, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) && st.st_uid == owner)
      ::unlinkat(dirfd, n.c_str(), 0);
  }
}

std::string seal_head_line(const SealHead& head) {
  JsonObject o;
  o.raw("recssh_seal", "1").str("chain", k_seal_chain).str("cast", head.cast).str("id", head.id);
  if (!head.sources.empty()) {
    std::string list = "[";
    for (const auto& s : head.sources) {
      if (list.size() > 1) list += ",";
      JsonObject src;
      src.str("name", s.name).str("sha256", s.sha256);
      if (!s.final.empty()) src.str("final", s.final);
      list += src.text();
    }
    o.raw("sources", list + "]");
  }
  return o.text();
}

std::string seal_head_hash(std::string_view head_line) {
  Sha256 h;
  h.update(head_line.data(), head_line.size());
  return h.hex();
}

std::string seal_checkpoint_line(const SealCheckpoint& c) {
  return JsonObject()
      .raw("line", std::to_string(c.line))
      .raw("offset", std::to_string(c.offset))
      .str("hash", c.hash)
      .raw("time", std::to_string(c.time))
      .text();
}

std::string seal_final_line(const SealFinal& f) {
  JsonObject o;
  o.str("final", f.hash).raw("lines", std::to_string(f.lines)).raw("bytes", std::to_string(f.bytes));
  o.raw("time", std::to_string(f.time));
  if (!f.head.empty()) o.str("head", f.head);
  return o.text();
}

std::string seal_signature_line(std::string_view armored) { return JsonObject().str("signature", armored).text(); }

namespace {
std::uint64_t get_u64(simdjson::dom::object obj, const char* key, const std::string& where) {
  std::uint64_t v = 0;
  if (obj[key].get_uint64().get(v)) throw FormatError(where, std::string("\"") + key + "\" is not a whole number");
  return v;
}
std::string get_hash(simdjson::dom::object obj, const char* key, const std::string& where) {
  std::string_view v;
  if (obj[key].get_string().get(v) || !is_hash(v))
    throw FormatError(where, std::string("\"") + key + "\" is not a SHA-256 in hex");
  return std::string(v);
}
std::int64_t get_time(simdjson::dom::object obj) {
  std::int64_t v = 0;
  if (obj["time"].get_int64().get(v)) return 0;
  return v;
}
} // namespace

Seal read_seal(const std::string& path) {
  Input in = open_input(path);
  LineReader lines(*in.source, in.name, 1 << 20);
  simdjson::dom::parser parser;
  Seal seal;
  bool have_head = false;
  std::string_view line;
  while (lines.next(line)) {
    if (!lines.terminated()) break; // torn by a crash: everything before it stands
    const std::string where = lines.location();
    simdjson::dom::object obj;
    if (parser.parse(line.data(), line.size(), false).get_object().get(obj))
      throw FormatError(where, "not a seal record (a JSON object per line)");
    if (!have_head) {
      std::string_view chain, cast, id;
      if (obj["recssh_seal"].error() || obj["chain"].get_string().get(chain))
        throw FormatError(where, "not a recssh seal (no \"recssh_seal\" head)");
      if (chain != k_seal_chain)
        throw FormatError(where, "unknown chain \"" + std::string(chain) + "\" (a newer recast wrote it?)");
      if (!obj["cast"].get_string().get(cast)) seal.head.cast = cast;
      if (!obj["id"].get_string().get(id)) seal.head.id = id;
      simdjson::dom::array sources;
      if (!obj["sources"].get_array().get(sources))
        for (auto s : sources) {
          std::string_view n, h, fin;
          if (s["name"].get_string().get(n) || s["sha256"].get_string().get(h))
            throw FormatError(where, "a source without name or sha256");
          if (!s["final"].error() && (s["final"].get_string().get(fin) || !is_hash(fin)))
            throw FormatError(where, "a source's \"final\" is not a SHA-256 in hex");
          seal.head.sources.push_back({std::string(n), std::string(h), std::string(fin)});
        }
      seal.head_line = std::string(line);
      have_head = true;
    } else if (!obj["signature"].error()) {
      std::string_view sig;
      if (obj["signature"].get_string().get(sig)) throw FormatError(where, "\"signature\" is not a string");
      if (!seal.final) throw FormatError(where, "a signature before the final record");
      seal.signature = std::string(sig);
    } else if (!obj["final"].error()) {
      if (seal.final) throw FormatError(where, "a second final record");
      SealFinal f;
      f.hash = get_hash(obj, "final", where);
      f.lines = get_u64(obj, "lines", where);
      f.bytes = get_u64(obj, "bytes", where);
      f.time = get_time(obj);
      if (!obj["head"].error()) f.head = get_hash(obj, "head", where);
      f.text = std::string(line);
      seal.final = std::move(f);
    } else if (!obj["line"].error()) {
      if (seal.final) throw FormatError(where, "a checkpoint after the final record");
      SealCheckpoint c;
      c.line = get_u64(obj, "line", where);
      c.offset = get_u64(obj, "offset", where);
      c.hash = get_hash(obj, "hash", where);
      c.time = get_time(obj);
      if (!seal.checkpoints.empty() && c.line <= seal.checkpoints.back().line)
        throw FormatError(where, "checkpoints out of order");
      seal.checkpoints.push_back(std::move(c));
    } else {
      throw FormatError(where, "unknown seal record");
    }
  }
  if (!have_head) throw FormatError(in.name + ":1", "empty seal");
  return seal;
}

std::string seal_id(std::string_view header_line) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parser.parse(header_line.data(), header_line.size(), true).get_object().get(obj)) return {};
  std::string_view id;
  if (!obj["recssh"]["session_id"].get_string().get(id) && !id.empty()) return std::string(id);
  std::int64_t ts = 0;
  if (!obj["timestamp"].get_int64().get(ts)) return "timestamp:" + std::to_string(ts);
  double tsd = 0;
  if (!obj["timestamp"].get_double().get(tsd) && valid_unix_time(tsd)) return "timestamp:" + std::to_string(static_cast<std::int64_t>(tsd));
  return {};
}

} // namespace recssh::store
