// SPDX-License-Identifier: MIT
// libFuzzer targets for the legacy-format readers of convert/, one per reader
// (RECSSH_FUZZ_READER picks it at compile time): open, read every event, write v2.
// Any input may be rejected with recssh::Error; nothing may crash, hang or leak, and
// every event must be writable. Readers that take several files (script: timing and
// typescript; sudo: timing and ttyout) get the input split at its first NUL byte,
// written to a scratch directory.
#include "convert/audit.hpp"
#include "convert/bsd_script.hpp"
#include "convert/raw.hpp"
#include "convert/script.hpp"
#include "convert/sudo_io.hpp"
#include "convert/tlog.hpp"
#include "convert/ttyrec.hpp"
#include "core/cast_writer.hpp"
#include "core/io.hpp"

#include "fuzz/null_sink.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

using fuzz::NullSink;

namespace {

const std::string& scratch() {
  static std::string dir = [] {
    char t[] = "/tmp/recssh-fuzz.XXXXXX";
    if (!::mkdtemp(t)) std::abort();
    return std::string(t);
  }();
  return dir;
}

void put(const std::string& path, std::string_view bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
}

std::pair<std::string_view, std::string_view> split(std::string_view s) {
  std::size_t nul = s.find('\0');
  if (nul == std::string_view::npos) return {s, {}};
  return {s.substr(0, nul), s.substr(nul + 1)};
}

std::unique_ptr<recssh::EventReader> open(std::string_view bytes, recssh::ReadOptions o) {
  using namespace recssh;
  using namespace recssh::convert;
  const std::string& d = scratch();
  const std::string reader = RECSSH_FUZZ_READER;
  if (reader == "ttyrec") return open_ttyrec(memory_input("fuzz.ttyrec", std::string(bytes), o.diag), o);
  if (reader == "bsd-script") return open_bsd_script(memory_input("fuzz.raw", std::string(bytes), o.diag), o);
  if (reader == "tlog") return open_tlog(memory_input("fuzz.json", std::string(bytes), o.diag), o);
  if (reader == "raw") return open_raw(memory_input("fuzz.txt", std::string(bytes), o.diag), o, bytes.size() % 2);
  if (reader == "script") {
    auto [timing, data] = split(bytes);
    put(d + "/t", timing);
    put(d + "/o", data);
    o.convert.path = d + "/t";
    o.convert.formats.emplace<ScriptOptions>().log_out = d + "/o";
    return open_script(open_input(d + "/t", o.diag), o);
  }
  if (reader == "audit") {
    put(d + "/audit.log", bytes);
    o.convert.path = d + "/audit.log";
    auto sessions = scan_audit({d + "/audit.log"}, o);
    if (sessions.empty()) return nullptr;
    return open_audit_session({d + "/audit.log"}, sessions.back(), o);
  }
  if (reader == "sudo") {
    auto [timing, out] = split(bytes);
    put(d + "/timing", timing);
    put(d + "/ttyout", out);
    put(d + "/log", "1600000000:u:root::/dev/pts/1:24:80\n/\n/bin/sh\n");
    return open_sudo(d, o);
  }
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  recssh::Diagnostics quiet;
  quiet.on_warning = [](const std::string&, const std::string&) {};
  try {
    auto reader = open(bytes, recssh::ReadOptions{false, &quiet});
    if (!reader) return 0;
    NullSink sink;
    recssh::CastV2Writer writer(sink);
    recssh::copy_events(*reader, writer);
  } catch (const recssh::Error&) {
  }
  return 0;
}
