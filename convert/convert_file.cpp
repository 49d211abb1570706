// SPDX-License-Identifier: MIT
#include "convert/convert_file.hpp"

#include "core/json.hpp"
#include "core/sha256.hpp"

#include <cerrno>
#include <cstring>
#include <future>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::convert {
namespace {

// Stands for a hash still being computed; a real SHA-256 of all zero bits does not
// occur, so the first line's placeholders are exactly ours.
const std::string k_placeholder(64, '0');

// Only a regular file can be read again for its hash: a pipe's or a device's bytes
// were the conversion's, and /dev/zero would be hashed forever.
bool hashable(const SourceFile& f) {
  struct stat st {};
  return !f.path.empty() && f.path != "-" && ::stat(f.path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::vector<std::string> hash_files(const std::vector<SourceFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(hashable(f) ? sha256_file(f.path) : "");
  return out;
}

// Fills the placeholders in the first line of the file behind `fd`, in order.
void patch_hashes(int fd, const std::string& name, const std::vector<std::string>& hashes) {
  std::string head(1 << 20, '\0');
  ssize_t n = ::pread(fd, head.data(), head.size(), 0);
  if (n < 0) throw Error("cannot read back " + name + ": " + std::strerror(errno));
  head.resize(static_cast<std::size_t>(n));
  std::size_t eol = head.find('\n');
  if (eol != std::string::npos) head.resize(eol);
  std::size_t at = 0;
  for (const auto& h : hashes) {
    if (h.empty()) continue;
    at = head.find("\"sha256\":\"" + k_placeholder + "\"", at);
    if (at == std::string::npos) throw Error(name + ": header placeholder for a SHA-256 not found (internal error)");
    at += 10;
    if (::pwrite(fd, h.data(), h.size(), static_cast<off_t>(at)) != static_cast<ssize_t>(h.size()))
      throw Error("cannot write " + name + ": " + std::strerror(errno));
  }
}

} // namespace

std::string source_json(const SourceInfo& source, const std::vector<std::string>& hashes) {
  std::string j = "{\"format\":" + json_string(source.format) + ",\"files\":[";
  for (std::size_t i = 0; i < source.files.size(); ++i) {
    const auto& f = source.files[i];
    if (i) j += ",";
    j += "{\"role\":" + json_string(f.role) + ",\"name\":" + json_string(f.path);
    if (i < hashes.size() && !hashes[i].empty()) j += ",\"sha256\":\"" + hashes[i] + "\"";
    j += "}";
  }
  j += "]";
  if (!source.details.empty()) j += "," + source.details;
  return j + "}";
}

ConvertResult convert_file(const ConvertJob& job) {
  ConvertResult result;
  auto reader = open_reader(job.input, job.from, job.read, &result.format);
  write_cast(*reader, job, result);
  return result;
}

std::vector<ConvertResult> convert_sessions(const FormatInfo& format, std::vector<std::string> inputs,
                                            const ConvertJob& job, bool to_dir) {
  const FormatInfo::Sessions& src = *format.sessions;
  inputs = src.order(std::move(inputs), job.read.diag);
  auto sessions = src.scan(inputs, job.read);
  if (sessions.empty()) throw Error(src.none_found(inputs, job.read));
  if (!to_dir && sessions.size() > 1) {
    std::string list;
    for (const auto& s : sessions) list += " " + s.name;
    throw UsageError(std::to_string(sessions.size()) + " " + format.name + " sessions (" + list.substr(1) +
                     "): choose one with --session, or give an existing directory as OUTPUT for one cast each");
  }
  std::vector<ConvertResult> results;
  for (const auto& s : sessions) {
    ConvertJob one = job;
    if (to_dir) one.output = job.output + (ends_with(job.output, "/") ? "" : "/") + s.name + formats().writer(job.to).extension;
    ConvertResult r;
    r.format = &format;
    auto reader = src.open(inputs, s, job.read);
    write_cast(*reader, one, r);
    r.output = one.output;
    results.push_back(std::move(r));
  }
  return results;
}

const FormatInfo* session_source(const std::string& path, const std::string& from) {
  if (!from.empty()) {
    const FormatInfo* f = formats().find(from);
    return f && f->sessions ? f : nullptr;
  }
  struct stat st {};
  if (path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
  Input in = open_input(path);
  for (const auto& f : formats().all())
    if (f.sessions && f.probe && f.probe(in)) return &f;
  return nullptr;
}

std::string session_sources_noun() {
  std::string out;
  for (const auto& f : formats().all())
    if (f.sessions) out += (out.empty() ? "" : " or ") + f.sessions->noun;
  return out;
}

namespace {
// An output is as private as its sources: a 0600 log converts to a 0600 cast (the
// permissions every source shares, as merge's 0600; 0644 from stdin, less the umask).
mode_t output_mode(const SourceInfo& source, const std::string& input) {
  mode_t mode = 0666;
  bool any = false;
  auto narrow = [&](const std::string& path) {
    struct stat st {};
    if (path.empty() || path == "-" || ::stat(path.c_str(), &st) != 0) return;
    mode &= st.st_mode & 0666;
    if (S_ISDIR(st.st_mode)) mode &= ~mode_t(0111);
    any = true;
  };
  for (const auto& f : source.files) narrow(f.path);
  narrow(input);
  return any ? mode : 0644;
}
} // namespace

void write_cast(EventReader& reader, const ConvertJob& job, ConvertResult& result) {
  const FormatInfo& to = formats().get(job.to, true);
  result.output = job.output;
  result.source = reader.source();
  const mode_t mode = output_mode(result.source, job.input);
  Output out(job.output, job.overwrite, job.gzip || ends_with(job.output, ".gz"), mode);
  Header header = reader.header();
  std::future<std::vector<std::string>> pending;
  // Only asciicast outputs have a header to name their source in (not text).
  if (!result.source.format.empty() && to.cast_version != 0) {
    std::vector<std::string> hashes;
    if (job.hash) {
      if (out.patchable_fd() >= 0) {
        // Hash on a second core while converting, then fill in the header.
        pending = std::async(std::launch::async, hash_files, result.source.files);
        for (const auto& f : result.source.files) hashes.push_back(hashable(f) ? k_placeholder : "");
      } else {
        hashes = hash_files(result.source.files);
        result.sha256 = hashes;
      }
    }
    header.set_extra("recssh_source", source_json(result.source, hashes));
  }
  // The companion outputs the writer declares, each beside the output unless named.
  std::vector<std::unique_ptr<Output>> companions;
  WriterOutputs outputs(out.sink());
  outputs.main_path = job.output;
  for (const auto& name : to.companions) {
    std::string path = job.output + "." + name;
    for (const auto& [n, p] : job.companions)
      if (n == name) path = p;
    companions.push_back(std::make_unique<Output>(path, job.overwrite, ends_with(path, ".gz"), mode));
    outputs.companions.emplace_back(name, &companions.back()->sink());
    outputs.companion_paths.emplace_back(name, path);
  }
  auto writer = to.make_writer(outputs, job.write);
  writer->begin(header);
  Event e;
  while (reader.next(e)) {
    writer->write(e);
    ++result.events;
  }
  writer->finish();
  out.finish_writing();
  for (auto& c : companions) c->finish_writing();
  if (pending.valid()) {
    result.sha256 = pending.get();
    patch_hashes(out.patchable_fd(), out.name(), result.sha256);
  }
  out.commit();
  for (auto& c : companions) c->commit();
}

} // namespace recssh::convert
