// SPDX-License-Identifier: MIT
#include "archive/manifest.hpp"

#include "archive/signature.hpp"
#include "core/atomic_file.hpp"
#include "core/fd.hpp"
#include "core/errors.hpp"
#include "core/io.hpp"
#include "core/json.hpp"
#include "core/line_reader.hpp"
#include "core/paths.hpp"
#include "core/sha256.hpp"
#include "store/layout.hpp"
#include "store/lock.hpp"

#include <simdjson.h>

#include <algorithm>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <optional>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::archive {

namespace {

std::string sha256_of(const std::string& bytes) {
  Sha256 h;
  h.update(bytes.data(), bytes.size());
  return h.hex();
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// The names in `dir`, sorted (a day has hundreds of recordings, not millions).
std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (!d) throw_errno("cannot list " + dir);
  while (dirent* e = ::readdir(d)) names.emplace_back(e->d_name);
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

// The finished recordings (or with `captures`, the finished captures) directly in `dir`.
std::vector<std::string> recordings_in(const std::string& dir, bool captures = false) {
  std::vector<std::string> out;
  for (const auto& n : list_dir(dir)) {
    if (n[0] == '.' || !(captures ? store::is_capture_name(n) : store::is_recording_name(n))) continue;
    struct stat st {};
    if (::lstat((dir + "/" + n).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (store::is_being_recorded(dir + "/" + n)) continue;
    out.push_back(n);
  }
  return out;
}

// The nearest earlier sibling directory (by name: day names sort by date) that has a
// manifest, and that manifest's SHA-256; empty when there is none.
std::pair<std::string, std::string> previous_manifest(const std::string& parent, const std::string& self) {
  std::string best;
  for (const auto& n : list_dir(parent))
    if (n[0] != '.' && n < self && n > best && exists(manifest_path(parent + "/" + n))) best = n;
  if (best.empty()) return {};
  return {best, sha256_file(manifest_path(parent + "/" + best))};
}

// A recording's final seal record, or nullopt when it has none.
std::optional<store::SealFinal> final_of(const std::string& path) {
  auto seal = store::find_seal(path);
  if (!seal) return std::nullopt;
  return store::read_seal(*seal).final;
}

// The file an entry names, as it is now: the name, or the name gzip'd by rotation.
std::optional<std::string> present(const std::string& dir, const std::string& name) {
  if (exists(dir + "/" + name)) return dir + "/" + name;
  if (exists(dir + "/" + name + ".gz")) return dir + "/" + name + ".gz";
  return std::nullopt;
}

std::string plain_name(const std::string& name) {
  return name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0 ? name.substr(0, name.size() - 3) : name;
}

} // namespace

std::string manifest_path(const std::string& dir) { return dir + "/" + k_manifest_name; }

std::pair<std::string, std::uint64_t> capture_hash(const std::string& path) {
  Input in = open_input(path); // gzip is recognised by its magic bytes
  Sha256 h;
  std::uint64_t n = 0;
  std::vector<char> buf(1 << 16);
  for (std::size_t k; (k = in.source->read(buf.data(), buf.size())) > 0; n += k) h.update(buf.data(), k);
  return {h.hex(), n};
}

Manifest read_manifest(const std::string& path) {
  Input in = open_input(path);
  LineReader lines(*in.source, in.name, 1 << 20);
  simdjson::dom::parser parser;
  Manifest m;
  Sha256 before; // every byte before the hash line
  bool have_head = false;
  std::string_view line;
  while (lines.next(line)) {
    const std::string where = lines.location();
    if (!lines.terminated()) throw FormatError(where, "the last line is unfinished");
    simdjson::dom::object obj;
    if (parser.parse(line.data(), line.size(), false).get_object().get(obj))
      throw FormatError(where, "not a manifest record (a JSON object per line)");
    auto str = [&](const char* key) {
      std::string_view v;
      return obj[key].get_string().get(v) ? std::string() : std::string(v);
    };
    auto num = [&](const char* key) {
      std::uint64_t v = 0;
      if (obj[key].get_uint64().get(v)) throw FormatError(where, std::string("\"") + key + "\" is not a whole number");
      return v;
    };
    if (!have_head) {
      if (obj["recssh_manifest"].error()) throw FormatError(where, "not a recssh day manifest");
      m.day = str("day");
      m.previous_day = str("previous_day");
      m.previous = str("previous");
      have_head = true;
    } else if (!obj["signature"].error()) {
      if (m.hash.empty()) throw FormatError(where, "a signature before the manifest hash");
      m.signature = str("signature");
      continue;
    } else if (!m.hash.empty()) {
      throw FormatError(where, "a record after the manifest hash");
    } else if (!obj["manifest"].error()) {
      m.hash = str("manifest");
      m.hash_line = std::string(line);
      m.computed_hash = before.hex();
      continue;
    } else if (!obj["deleted"].error()) {
      m.deleted.push_back({str("deleted"), str("final"), static_cast<std::int64_t>(num("time"))});
    } else if (!obj["file"].error()) {
      m.files.push_back({str("file"), str("final"), num("lines"), num("bytes"), str("kind") == "pcap"});
    } else {
      throw FormatError(where, "unknown manifest record");
    }
    before.update(line.data(), line.size());
    before.update("\n", 1);
  }
  if (!have_head) throw FormatError(in.name + ":1", "empty manifest");
  if (m.hash.empty()) throw FormatError(in.name + ":" + std::to_string(lines.line_number()), "no manifest hash");
  return m;
}

DaySealResult seal_day(const std::string& dir, const SealOptions& options) {
  std::string clean = dir;
  while (clean.size() > 1 && clean.back() == '/') clean.pop_back();
  return seal_day(DayPlace{dir, dir_of(clean), base_of(clean)}, options);
}

DaySealResult seal_day(const DayPlace& place, const SealOptions& options) {
  const std::string& dir = place.dir;
  DaySealResult result;
  result.manifest = manifest_path(dir);
  Manifest old;
  if (exists(result.manifest)) old = read_manifest(result.manifest);
  std::map<std::string, ManifestEntry> entries;
  for (const auto& e : old.files) entries[e.file] = e;
  std::set<std::string> tombstoned;
  for (const auto& t : old.deleted) tombstoned.insert(t.file);

  for (const auto& name : recordings_in(dir)) {
    const std::string path = dir + "/" + name;
    auto final = final_of(path);
    if (!final) {
      SealOptions so = options;
      so.overwrite = true; // a seal without a final record (a crashed recorder) is replaced
      final = seal_file(path, so).final;
      ++result.newly_sealed;
    }
    ManifestEntry e{plain_name(name), final->hash, final->lines, final->bytes};
    auto it = entries.find(e.file);
    if (it != entries.end() && it->second.final != e.final && !options.overwrite)
      throw Error(path + ": sealed again with other contents since the day's manifest was written " +
                  "(recast verify says why; --overwrite takes the new seal)");
    entries[e.file] = e;
  }
  // Captures: the hash of their bytes, which nothing else keeps.
  for (const auto& name : recordings_in(dir, true)) {
    const std::string path = dir + "/" + name;
    auto [hash, bytes] = capture_hash(path);
    ManifestEntry e{plain_name(name), hash, 0, bytes, true};
    auto it = entries.find(e.file);
    if (it != entries.end() && it->second.final != e.final && !options.overwrite)
      throw Error(path + ": changed since the day's manifest was written (recast verify says so; " +
                  "--overwrite lists it as it is now)");
    entries[e.file] = e;
  }
  auto [prev_day, prev_hash] = previous_manifest(place.parent, place.day);
  std::string text = JsonObject()
                         .raw("recssh_manifest", "1")
                         .str("day", place.day)
                         .str("previous_day", prev_day)
                         .str("previous", prev_hash)
                         .text() +
                     "\n";
  for (const auto& [name, e] : entries) {
    JsonObject o;
    o.str("file", e.file).str("final", e.final).raw("lines", std::to_string(e.lines)).raw("bytes", std::to_string(e.bytes));
    if (e.capture) o.str("kind", "pcap");
    text += o.text() + "\n";
  }
  for (const auto& t : old.deleted)
    text += JsonObject().str("deleted", t.file).str("final", t.final).raw("time", std::to_string(t.time)).text() + "\n";
  const std::string hash_line = JsonObject().str("manifest", sha256_of(text)).text();
  text += hash_line + "\n";
  if (!options.key.empty()) {
    text += JsonObject().str("signature", ssh_sign(hash_line, options.key)).text() + "\n";
    result.signed_ = true;
  }
  AtomicFile out(result.manifest, Overwrite::yes, 0644);
  if (::write(out.fd(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    throw_errno("cannot write " + result.manifest);
  out.commit();
  result.files = entries.size();
  return result;
}

void add_tombstone(int dirfd, const std::string& shown_dir, const Tombstone& t, const std::string& key) {
  std::string line = JsonObject().str("deleted", t.file).str("final", t.final).raw("time", std::to_string(t.time)).text();
  std::string text = line + "\n";
  if (!key.empty()) text += JsonObject().str("signature", ssh_sign(line, key)).text() + "\n";
  Fd fd(::openat(dirfd, k_tombstones_name, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644));
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    throw Error("cannot write " + shown_dir + "/" + k_tombstones_name + ": " + errno_message());
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) || ::fsync(fd.get()) != 0)
    throw Error("cannot write " + shown_dir + "/" + k_tombstones_name + ": " + errno_message());
}

namespace {
// The tombstones of a day that count: signed by an allowed signer (or any, with
// allow_unsigned); others are reported.
std::map<std::string, Tombstone> read_tombstones(const std::string& dir, const VerifyOptions& options,
                                                 const std::function<void(const std::string&)>& problem) {
  std::map<std::string, Tombstone> out;
  const std::string path = dir + "/" + k_tombstones_name;
  if (!exists(path)) return out;
  Input in = open_input(path);
  LineReader lines(*in.source, in.name, 1 << 20);
  simdjson::dom::parser parser;
  std::string_view line;
  std::optional<std::pair<Tombstone, std::string>> pending; // a tombstone and its line
  auto settle = [&](const std::string& signature) {
    if (!pending) return;
    auto& [t, text] = *pending;
    bool good = options.allow_unsigned && signature.empty();
    if (!signature.empty() && !options.allowed_signers.empty())
      good = ssh_verify(text, signature, options.allowed_signers, options.revoked).result ==
             SignatureCheck::Result::good;
    if (good)
      out[t.file] = t;
    else
      problem("a tombstone for " + t.file + " that no allowed signer signed");
    pending.reset();
  };
  while (lines.next(line)) {
    if (!lines.terminated()) break;
    simdjson::dom::object obj;
    if (parser.parse(line.data(), line.size(), false).get_object().get(obj)) {
      problem("broken tombstone record at " + lines.location());
      continue;
    }
    std::string_view v;
    if (!obj["signature"].get_string().get(v)) {
      settle(std::string(v));
      continue;
    }
    settle("");
    Tombstone t;
    if (!obj["deleted"].get_string().get(v)) t.file = std::string(v);
    if (!obj["final"].get_string().get(v)) t.final = std::string(v);
    std::int64_t time = 0;
    if (!obj["time"].get_int64().get(time)) t.time = time;
    pending = std::make_pair(t, std::string(line));
  }
  settle("");
  return out;
}
} // namespace

DayCheck verify_day(const std::string& dir, const VerifyOptions& options) {
  DayCheck check;
  auto problem = [&](const std::string& p) {
    check.ok = false;
    check.problems.push_back(p);
  };
  Manifest m;
  try {
    m = read_manifest(manifest_path(dir));
  } catch (const Error& e) {
    problem(std::string("broken manifest: ") + e.what());
    return check;
  }
  if (m.hash != m.computed_hash) problem("the manifest was edited (its hash does not match its contents)");
  if (m.signature.empty()) {
    if (!options.allow_unsigned) problem("the manifest is not signed");
  } else if (options.allowed_signers.empty()) {
    problem("the manifest is signed, but no allowed signers were given to check it");
  } else {
    auto c = ssh_verify(m.hash_line, m.signature, options.allowed_signers, options.revoked);
    if (c.result == SignatureCheck::Result::good)
      check.signer = c.principal;
    else
      problem("the manifest's signature: " + std::string(c.result == SignatureCheck::Result::revoked ? "revoked key"
                                                         : c.result == SignatureCheck::Result::unknown_signer
                                                             ? "a key not in the allowed signers"
                                                             : "bad (" + c.detail + ")"));
  }
  std::string clean = dir;
  while (clean.size() > 1 && clean.back() == '/') clean.pop_back();
  auto [prev_day, prev_hash] = previous_manifest(dir_of(clean), base_of(clean));
  if (!m.previous.empty() && (m.previous_day != prev_day || m.previous != prev_hash))
    problem("the chain of days is broken: the manifest of " + m.previous_day +
            (prev_day == m.previous_day ? " has changed since" : " is gone"));
  std::set<std::string> listed;
  for (const auto& t : m.deleted) listed.insert(t.file);
  const auto buried = read_tombstones(dir, options, problem);
  for (const auto& e : m.files) {
    listed.insert(e.file);
    auto path = present(dir, e.file);
    if (auto t = buried.find(e.file); t != buried.end()) {
      if (path) problem("deleted, yet present: " + e.file + " (it has a tombstone)");
      else if (t->second.final != e.final) problem("the tombstone of " + e.file + " is for other contents");
      continue;
    }
    if (!path) {
      problem("missing: " + e.file + " (in the manifest, not in the directory)");
      continue;
    }
    if (e.capture) {
      std::string hash;
      try {
        hash = capture_hash(*path).first;
      } catch (const Error& err) {
        problem("unreadable: " + base_of(*path) + " (" + err.what() + ")");
        continue;
      }
      if (hash != e.final) problem("changed: " + base_of(*path) + " (its bytes are not the ones in the manifest)");
      continue;
    }
    std::optional<store::SealFinal> final;
    try {
      final = final_of(*path);
    } catch (const Error&) {
    }
    if (!final)
      problem("unsealed: " + base_of(*path) + " (the manifest lists it sealed)");
    else if (final->hash != e.final)
      problem("swapped or re-sealed: " + base_of(*path) + " (its seal is not the one in the manifest)");
  }
  for (bool captures : {false, true})
    for (const auto& name : recordings_in(dir, captures))
      if (!listed.count(plain_name(name))) problem("added: " + name + " (not in the manifest)");
  return check;
}

} // namespace recssh::archive
