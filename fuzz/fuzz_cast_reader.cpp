// SPDX-License-Identifier: MIT
// libFuzzer target for the cast readers: detect, read every event, write v2 and v3.
// Any input may be rejected with recssh::Error; nothing may crash, hang or leak.
#include "core/cast_fast.hpp"
#include "core/cast_json.hpp"
#include "core/format.hpp"
#include "core/simd.hpp"

#include "fuzz/null_sink.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using fuzz::NullSink;

// The fast event path must agree with simdjson on every line it accepts.
void differential(std::string_view input) {
  static recssh::CastJson json;
  std::size_t pos = 0;
  while (pos <= input.size()) {
    std::size_t nl = input.find('\n', pos);
    if (nl == std::string_view::npos) nl = input.size();
    std::string padded(input.substr(pos, nl - pos));
    std::size_t len = padded.size();
    padded.append(128, '\0'); // the 64-byte decoder's padding
    std::string_view line(padded.data(), len);
    std::string_view fast_time;
    std::string code, data;
    const bool accepted = recssh::fast_parse_event(line, padded.size(), fast_time, code, data);
    if (accepted) {
      recssh::Event slow;
      std::string_view slow_time;
      try {
        slow_time = json.parse_event_slow(line, padded.size(), slow, nullptr);
      } catch (const recssh::CastJson::Malformed&) {
        __builtin_trap(); // fast path accepted what simdjson rejects
      }
      if (slow_time != fast_time || slow.code != code || slow.data != data) __builtin_trap();
    }
    // The check-only path (validate) must never accept what simdjson rejects.
    std::string_view check_time;
    std::string check_code, check_data;
    if (recssh::fast_parse_event(line, padded.size(), check_time, check_code, check_data, false)) {
      recssh::Event slow;
      std::string_view slow_time;
      try {
        slow_time = json.parse_event_slow(line, padded.size(), slow, nullptr);
      } catch (const recssh::CastJson::Malformed&) {
        __builtin_trap();
      }
      if (slow_time != check_time || slow.code != check_code) __builtin_trap();
    }
    // Every kernel this CPU runs decides and decodes exactly as the one in use
    // (RECSSH_SIMD sets which that is: make test-kernels runs each), with any padding.
    static const std::vector<recssh::simd::Kernel> kernels = recssh::simd::supported_kernels();
    const recssh::simd::Kernel in_use = recssh::simd::active();
    for (recssh::simd::Kernel k : kernels) {
      recssh::simd::select(k);
      std::string_view t;
      std::string c, d;
      const bool ok = recssh::fast_parse_event(line, padded.size(), t, c, d);
      if (ok != accepted || (ok && (t != fast_time || c != code || d != data))) __builtin_trap();
      std::string_view t2;
      std::string c2, d2;
      if (recssh::fast_parse_event(line, padded.size(), t2, c2, d2, false) != ok) __builtin_trap();
      // Less padding: the narrower steps of the same kernel.
      for (std::size_t pad : {0, 16, 64}) {
        std::string_view t3;
        std::string c3, d3;
        const bool ok3 = recssh::fast_parse_event(line, len + pad, t3, c3, d3);
        if (ok3 != ok || (ok3 && d3 != d)) __builtin_trap();
      }
    }
    recssh::simd::select(in_use);
    pos = nl + 1;
  }
}

// What a reader gives (events, raw tails, warnings, the error), as one string.
// `groups`: read with next_views (at most 3 a group); events without locations, and
// the warnings last (a group's warnings come before its events).
std::string transcript(std::string_view input, const recssh::ReadOptions& options, bool groups = false) {
  recssh::Diagnostics diag;
  std::string out, warnings;
  diag.on_warning = [&](const std::string& where, const std::string& m) { (groups ? warnings : out) += where + m + "\n"; };
  recssh::ReadOptions o = options;
  o.diag = &diag;
  try {
    recssh::Input in = recssh::memory_input("fuzz", std::string(input), &diag);
    auto reader = recssh::formats().detect(in).open(std::move(in), o);
    if (groups) {
      std::vector<recssh::EventView> group;
      while (reader->next_views(group, 3)) {
        if (group.empty()) __builtin_trap();
        for (const recssh::EventView& v : group)
          out += std::to_string(v.time.count()) + std::string(v.code) + "\x01" + std::string(v.data) + "\n";
      }
    } else {
      recssh::Event e;
      while (reader->next(e))
        out += reader->location() + std::to_string(e.time.count()) + e.code + "\x01" + e.data + "\x01" +
               std::string(reader->raw_tail()) + "\n";
    }
  } catch (const recssh::Error& err) {
    out += std::string("error ") + err.what();
  }
  return out + warnings;
}

// Decoding ahead on threads, in chunks of a few lines, must read exactly what the
// line-by-line reader reads, event by event and in groups.
void batched(std::string_view input) {
  for (bool skip_bad : {false, true}) {
    recssh::ReadOptions sequential;
    sequential.skip_bad = skip_bad;
    sequential.threads = 1;
    recssh::ReadOptions ahead = sequential;
    ahead.threads = 2 + input.size() % 2; // the reader and one worker, or two
    ahead.batch_min_size = 0;
    ahead.batch_chunk = 64;
    if (transcript(input, sequential) != transcript(input, ahead)) __builtin_trap();
    if (transcript(input, sequential, true) != transcript(input, ahead, true)) __builtin_trap();
  }
}

// A run under RECSSH_SIMD must run that kernel (or the fuzz run per kernel proves
// nothing).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const recssh::simd::Choice c = recssh::simd::choose(std::getenv("RECSSH_SIMD"));
  if (!c.error.empty() || recssh::simd::active() != c.kernel) __builtin_trap();
  std::fprintf(stderr, "fuzz_cast_reader: SIMD kernel %s\n", recssh::simd::describe().c_str());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  differential(std::string_view(reinterpret_cast<const char*>(data), size));
  batched(std::string_view(reinterpret_cast<const char*>(data), size));
  recssh::Diagnostics quiet;
  quiet.on_warning = [](const std::string&, const std::string&) {};
  for (bool skip_bad : {false, true}) {
    try {
      recssh::Input in = recssh::memory_input("fuzz", std::string(reinterpret_cast<const char*>(data), size), &quiet);
      const recssh::FormatInfo& f = recssh::formats().detect(in);
      auto reader = f.open(std::move(in), recssh::ReadOptions{skip_bad, &quiet});
      NullSink s2, s3;
      auto v2 = recssh::formats().get("v2", true).make_writer(s2, {});
      auto v3 = recssh::formats().get("v3", true).make_writer(s3, {});
      v2->begin(reader->header());
      v3->begin(reader->header());
      recssh::Event e;
      while (reader->next(e)) {
        v2->write(e);
        v3->write(e);
      }
      v2->finish();
      v3->finish();
    } catch (const recssh::Error&) {
    }
  }
  return 0;
}
