// SPDX-License-Identifier: MIT
#include "archive/seal.hpp"

#include "archive/signature.hpp"
#include "core/atomic_file.hpp"
#include "core/errors.hpp"
#include "core/io.hpp"
#include "core/line_reader.hpp"
#include "core/sha256.hpp"
#include "store/layout.hpp"
#include "store/lock.hpp"

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <optional>
#include <thread>
#include <unistd.h>

namespace recssh::archive {

namespace {
void write_all(int fd, const std::string& bytes, const std::string& name) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw_errno("cannot write " + name);
    done += static_cast<std::size_t>(n);
  }
}

// Converted recordings name the files they were made from, with their SHA-256, in the
// header's "recssh_source": the seal repeats them so provenance can be checked
// against the sources without trusting the cast.
std::vector<store::SealSource> sources_of(std::string_view header_line) {
  std::vector<store::SealSource> out;
  simdjson::dom::parser parser;
  simdjson::dom::array files;
  if (parser.parse(header_line.data(), header_line.size(), true)["recssh_source"]["files"].get_array().get(files))
    return out;
  for (auto f : files) {
    std::string_view name, sha;
    if (!f["name"].get_string().get(name) && !f["sha256"].get_string().get(sha))
      out.push_back({std::string(name), std::string(sha), {}});
  }
  return out;
}

std::string base_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A port forward's capture is binary, not lines: no chain of its own. It is proven by
// its day's manifest, which lists it by the SHA-256 of its bytes (archive/manifest).
constexpr const char* k_capture_proof =
    "a port forward's capture has no seal of its own: its day's manifest lists it by SHA-256 "
    "(seal the day with `recast seal --day DIR`, check it with `recast verify DIR`)";

std::string lines_text(std::uint64_t n) { return std::to_string(n) + (n == 1 ? " line" : " lines"); }

// The join markers of a merged cast ("recssh: join: NAME sha256=HEX", archive/join),
// collected while the chain is verified: the seal of a merge lists the sealed
// recordings it consumed, and the markers must name exactly those, with their hashes.
class JoinMarkers {
public:
  void scan(std::string_view line) {
    if (line.find("recssh: join: ") == std::string_view::npos) return; // cheap test first
    simdjson::dom::array ev;
    std::string_view code, label;
    if (m_parser.parse(line.data(), line.size(), true).get_array().get(ev) || ev.size() != 3 ||
        ev.at(1).get_string().get(code) || code != "m" || ev.at(2).get_string().get(label))
      return;
    constexpr std::string_view prefix = "recssh: join: ";
    auto sha = label.rfind(" sha256=");
    if (label.substr(0, prefix.size()) != prefix || sha == std::string_view::npos) return;
    m_found.emplace_back(std::string(label.substr(prefix.size(), sha - prefix.size())),
                         std::string(label.substr(sha + 8)));
  }
  // Why the markers and the seal's inputs differ, or nothing when they are the same.
  std::optional<std::string> mismatch(const std::vector<store::SealSource>& sources) const {
    std::vector<std::pair<std::string, std::string>> want;
    for (const auto& s : sources) want.emplace_back(s.name, s.sha256);
    auto found = m_found;
    std::sort(want.begin(), want.end());
    std::sort(found.begin(), found.end());
    for (const auto& w : want)
      if (!std::binary_search(found.begin(), found.end(), w))
        return "no join marker for sealed input " + w.first + " (sha256 " + w.second + ")";
    for (const auto& f : found)
      if (!std::binary_search(want.begin(), want.end(), f))
        return "join marker for " + f.first + " (sha256 " + f.second + "), which the seal does not list";
    if (found.size() != want.size()) return "an input is joined more than once";
    return std::nullopt;
  }

private:
  simdjson::dom::parser m_parser;
  std::vector<std::pair<std::string, std::string>> m_found;
};
} // namespace

const char* verdict_name(Verdict v) {
  switch (v) {
  case Verdict::ok: return "ok";
  case Verdict::unsigned_intact: return "unsigned";
  case Verdict::signature_unchecked: return "signature-unchecked";
  case Verdict::edited: return "edited";
  case Verdict::truncated: return "truncated";
  case Verdict::appended: return "appended";
  case Verdict::incomplete_seal: return "incomplete-seal";
  case Verdict::no_seal: return "no-seal";
  case Verdict::other_recording: return "other-recording";
  case Verdict::merge_mismatch: return "merge-mismatch";
  case Verdict::source_mismatch: return "source-mismatch";
  case Verdict::bad_signature: return "bad-signature";
  case Verdict::unknown_signer: return "unknown-signer";
  case Verdict::revoked: return "revoked";
  case Verdict::being_recorded: return "being-recorded";
  case Verdict::unreadable: return "unreadable";
  }
  return "?";
}

SealResult seal_file(const std::string& path, const SealOptions& options) {
  if (store::is_capture_name(base_name(path))) throw Error(path + ": " + k_capture_proof);
  if (!options.holding_lock && store::is_being_recorded(path)) throw Error(path + ": still being recorded; seal it when it is finished");
  SealResult result;
  result.seal = store::seal_path(path);
  Input in = open_input(path);
  LineReader reader(*in.source, in.name);
  AtomicFile out(result.seal, options.overwrite ? Overwrite::yes : Overwrite::no, 0644);
  store::SealChain chain;
  const std::int64_t now = std::time(nullptr);
  std::string_view line;
  std::string pending, head_hash;
  while (reader.next(line)) {
    if (!reader.terminated())
      throw Error(reader.location() + ": the last line is unfinished (a recorder that crashed?); " +
                  "seal only finished recordings");
    chain.add(line);
    if (chain.lines() == 1) {
      store::SealHead head{base_name(path), store::seal_id(line),
                           options.sources.empty() ? sources_of(line) : options.sources};
      const std::string head_line = store::seal_head_line(head);
      head_hash = store::seal_head_hash(head_line);
      pending += head_line + "\n";
    }
    if (options.every_lines && chain.lines() % options.every_lines == 0) {
      pending += store::seal_checkpoint_line({chain.lines(), chain.bytes(), chain.hex(), now}) + "\n";
      ++result.checkpoints;
      if (pending.size() > (64 << 10)) {
        write_all(out.fd(), pending, result.seal);
        pending.clear();
      }
    }
  }
  if (chain.lines() == 0) throw Error(path + ": empty; nothing to seal");
  result.final = {chain.lines(), chain.bytes(), chain.hex(), now, head_hash, {}};
  result.final.text = store::seal_final_line(result.final);
  pending += result.final.text + "\n";
  if (!options.key.empty()) {
    pending += store::seal_signature_line(ssh_sign(result.final.text, options.key)) + "\n";
    result.signed_ = true;
  }
  write_all(out.fd(), pending, result.seal);
  out.commit();
  return result;
}

namespace {
VerifyResult check_signature(VerifyResult r, const store::Seal& seal, const VerifyOptions& o) {
  if (seal.signature.empty()) {
    r.verdict = o.allow_unsigned ? Verdict::ok : Verdict::unsigned_intact;
    r.message = "chain intact (" + lines_text(r.verified) + "), not signed";
    return r;
  }
  if (o.allowed_signers.empty()) {
    r.verdict = Verdict::signature_unchecked;
    r.message = "chain intact (" + lines_text(r.verified) + "), signed, signature not checked (give --allowed-signers)";
    return r;
  }
  SignatureCheck c = ssh_verify(seal.final->text, seal.signature, o.allowed_signers, o.revoked);
  r.signer = c.principal;
  switch (c.result) {
  case SignatureCheck::Result::good:
    r.verdict = Verdict::ok;
    r.message = lines_text(r.verified) + " intact, signed by " + c.principal;
    break;
  case SignatureCheck::Result::unknown_signer:
    r.verdict = Verdict::unknown_signer;
    r.message = "chain intact, but signed by a key not in " + o.allowed_signers;
    break;
  case SignatureCheck::Result::revoked:
    r.verdict = Verdict::revoked;
    r.message = "chain intact, but the signing key (" + c.principal + ") is revoked";
    break;
  case SignatureCheck::Result::bad:
    r.verdict = Verdict::bad_signature;
    r.message = "bad signature (" + c.detail + ")";
    break;
  }
  return r;
}
} // namespace

VerifyResult verify_file(const std::string& path, const VerifyOptions& options) {
  VerifyResult r;
  auto seal_at = store::find_seal(path);
  if (!seal_at) {
    r.verdict = store::is_being_recorded(path) ? Verdict::being_recorded : Verdict::no_seal;
    r.message = r.verdict == Verdict::being_recorded ? "still being recorded, not sealed yet"
                : store::is_capture_name(base_name(path)) ? k_capture_proof
                                                           : "no seal (" + store::seal_path(path) + " is missing)";
    return r;
  }
  r.seal = *seal_at;
  store::Seal seal;
  try {
    seal = store::read_seal(*seal_at);
  } catch (const Error& e) {
    r.verdict = Verdict::unreadable;
    r.message = std::string("broken seal: ") + e.what();
    return r;
  }
  // The seal names the file it was made for: a recording swapped with another one
  // together with its seal shows here (and in the day's manifest).
  // Compared without .gz: compression after sealing keeps the recording's identity.
  auto plain = [](std::string n) {
    if (n.size() > 3 && n.compare(n.size() - 3, 3, ".gz") == 0) n.resize(n.size() - 3);
    return n;
  };
  // The final record (what is signed) holds the head's hash: a name, id or list of
  // sources changed after sealing shows.
  if (seal.final && !seal.final->head.empty() && store::seal_head_hash(seal.head_line) != seal.final->head) {
    r.verdict = Verdict::edited;
    r.message = "the seal's head (name, id or sources) was changed after sealing";
    return r;
  }
  const std::string base = plain(base_name(path));
  if (!seal.head.cast.empty() && plain(seal.head.cast) != base) {
    r.verdict = Verdict::other_recording;
    r.message = "the seal is for " + seal.head.cast + ", not for " + base;
    return r;
  }
  try {
    Input in = open_input(path);
    LineReader reader(*in.source, in.name);
    store::SealChain chain;
    std::size_t next_cp = 0;
    std::uint64_t proved = 0; // lines through the last point that matched
    bool unfinished = false;
    const bool merged = std::any_of(seal.head.sources.begin(), seal.head.sources.end(),
                                    [](const store::SealSource& s) { return !s.final.empty(); });
    JoinMarkers joins;
    std::string_view line;
    while (reader.next(line)) {
      if (!reader.terminated()) {
        unfinished = true; // a crash while writing it: it was never sealed
        break;
      }
      chain.add(line);
      const std::uint64_t n = chain.lines();
      if (merged) joins.scan(line);
      if (n == 1 && !seal.head.id.empty()) {
        std::string id = store::seal_id(line);
        if (id != seal.head.id) {
          r.verdict = Verdict::other_recording;
          r.message = "the seal is for another recording (" + seal.head.id + ", this is " +
                      (id.empty() ? std::string("unidentified") : id) + ")";
          return r;
        }
      }
      // The final hash is what the signature covers: always checked at its line, even
      // where a checkpoint falls on the same line.
      bool checked = false, match = true;
      if (next_cp < seal.checkpoints.size() && seal.checkpoints[next_cp].line == n) {
        match = seal.checkpoints[next_cp++].hash == chain.hex();
        checked = true;
      }
      if (seal.final && seal.final->lines == n) {
        match = match && seal.final->hash == chain.hex();
        checked = true;
      }
      if (checked) {
        if (!match) {
          r.verdict = Verdict::edited;
          r.verified = proved;
          r.message = proved + 1 == n ? "edited at line " + std::to_string(n)
                                      : "edited in lines " + std::to_string(proved + 1) + "-" + std::to_string(n) +
                                            " (the first " + lines_text(proved) + " are intact)";
          return r;
        }
        proved = n;
      }
    }
    r.lines = chain.lines();
    r.verified = proved;
    if (!seal.final) {
      r.verdict = Verdict::incomplete_seal;
      r.message = "sealing stopped (a crash?): verified through line " + std::to_string(proved) +
                  ", its last checkpoint; " + lines_text(r.lines - proved) + " after it not sealed" +
                  (unfinished ? ", and an unfinished last line" : "");
      return r;
    }
    if (chain.lines() < seal.final->lines) {
      r.verdict = Verdict::truncated;
      const std::uint64_t missing = seal.final->lines - chain.lines();
      r.message = "truncated after line " + std::to_string(chain.lines()) + " (" + lines_text(missing) + " missing" +
                  (unfinished && missing == 1 ? ": only the last line, cut short" : "") + ")";
      if (proved + 1 == chain.lines())
        r.message += "; line " + std::to_string(chain.lines()) + " cannot be checked without the end";
      else if (proved < chain.lines())
        r.message += "; lines " + std::to_string(proved + 1) + "-" + std::to_string(chain.lines()) +
                     " cannot be checked without the end";
      return r;
    }
    if (chain.lines() > seal.final->lines || unfinished) {
      r.verdict = Verdict::appended;
      r.message = lines_text(chain.lines() - seal.final->lines) + (unfinished ? " and an unfinished line" : "") +
                  " appended after sealing (line " + std::to_string(seal.final->lines) + " was the sealed end)";
      return r;
    }
    if (merged) {
      if (auto why = joins.mismatch(seal.head.sources)) {
        r.verdict = Verdict::merge_mismatch;
        r.message = "merged cast: " + *why;
        return r;
      }
      r.merged = seal.head.sources.size();
    }
  } catch (const Error& e) {
    r.verdict = Verdict::unreadable;
    r.message = e.what();
    return r;
  }
  if (!options.sources_dir.empty()) {
    // Provenance: the legacy files a converted recording was made from, as sealed.
    std::size_t checked = 0;
    for (const auto& s : seal.head.sources) {
      if (!s.final.empty()) continue; // a merge's input: checked through the join markers
      const std::string at = options.sources_dir + "/" + base_name(s.name);
      std::string actual;
      try {
        actual = sha256_file(at);
      } catch (const Error&) {
        r.verdict = Verdict::source_mismatch;
        r.message = "source " + s.name + " is not in " + options.sources_dir;
        return r;
      }
      if (actual != s.sha256) {
        r.verdict = Verdict::source_mismatch;
        r.message = "source " + at + " is not the file that was converted and sealed (SHA-256 " + actual + ", sealed " +
                    s.sha256 + ")";
        return r;
      }
      ++checked;
    }
    r.sources = checked;
  }
  r = check_signature(r, seal, options);
  if (r.sources) r.message += "; " + std::to_string(r.sources) + " source file" + (r.sources == 1 ? "" : "s") + " as sealed";
  if (r.merged) r.message += "; merged from " + std::to_string(r.merged) + " sealed recordings, all accounted for";
  return r;
}

void verify_files(const std::vector<std::string>& paths, const VerifyOptions& options, unsigned jobs,
                  const std::function<void(const std::string& path, const VerifyResult& r)>& on_result) {
  jobs = std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(paths.size())));
  if (jobs == 1) {
    for (const auto& p : paths) on_result(p, verify_file(p, options));
    return;
  }
  std::vector<std::optional<VerifyResult>> done(paths.size());
  std::mutex mutex;
  std::condition_variable ready;
  std::atomic<std::size_t> next{0};
  std::size_t printed = 0;
  auto work = [&] {
    for (std::size_t i; (i = next++) < paths.size();) {
      VerifyResult r;
      try {
        r = verify_file(paths[i], options);
      } catch (const std::exception& e) { // e.g. ssh-keygen missing: reported per file
        r.verdict = Verdict::unreadable;
        r.message = e.what();
      }
      std::lock_guard lock(mutex);
      done[i] = std::move(r);
      ready.notify_all(); // results are small: workers may run ahead of the printing
    }
  };
  std::vector<std::thread> threads;
  for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(work);
  try {
    for (; printed < paths.size(); ++printed) {
      VerifyResult r;
      {
        std::unique_lock lock(mutex);
        ready.wait(lock, [&] { return done[printed].has_value(); });
        r = std::move(*done[printed]);
        done[printed].reset();
      }
      on_result(paths[printed], r);
    }
  } catch (...) {
    next = paths.size(); // the workers finish the file they have and stop
    for (auto& t : threads) t.join();
    throw;
  }
  for (auto& t : threads) t.join();
}

} // namespace recssh::archive
