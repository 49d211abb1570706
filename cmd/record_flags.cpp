// SPDX-License-Identifier: MIT
#include "cmd/record_flags.hpp"

#include "cmd/cli.hpp"
#include "core/errors.hpp"
#include "record/scrub.hpp"

#include <cmath>
#include <cstdlib>
#include <syslog.h>

namespace recssh::cli {

void add_record_flags(CLI::App& app, RecordFlags& f, bool asciinema_short) {
  auto s = [&](const char* shortname, const char* longname) {
    return asciinema_short ? std::string(shortname) + "," + longname : std::string(longname);
  };
  app.add_option("--dir", f.dir, "root directory of recordings (default: RECSSH_DIR, config, ~/.local/share/recssh)");
  app.add_option("--layout", f.layout, "day: ROOT/YYYY-MM-DD/HHMMSS-NAME.cast; user: ROOT/USER/STREAM/ID.cast")
      ->check(CLI::IsMember({"day", "user"}));
  app.add_option("--format", f.format, "asciicast version written: v2 (default) or v3")
      ->check(CLI::IsMember({"v2", "v3"}));
  app.add_flag("--gzip", f.gzip, "write .cast.gz (sync-flushed every second)");
  app.add_flag("--stdin", f.record_stdin, "record typed input as \"i\" events (not echoed input is masked)");
  app.add_flag("--no-mask", f.no_mask, "with --stdin, record passwords and other not echoed input as typed");
  app.add_option("--mask-window", f.mask_window, "seconds an echo may take before input counts as not echoed (0.5)")
      ->check(positive_number());
  app.add_option("--on-error", f.on_error,
                 "when the recording cannot be written: keep-going (default; a gap marker) or abort")
      ->check(CLI::IsMember({"keep-going", "abort"}));
  app.add_option(s("-e", "--env"), f.env, "environment variables to keep in the header (default SHELL,TERM)");
  app.add_option(s("-t", "--title"), f.title, "title of the recording");
  app.add_option(s("-i", "--idle-time-limit"), f.idle_time_limit, "idle time limit for playback, in seconds")
      ->check(positive_number());
  app.add_option("--coalesce-ms", f.coalesce_ms, "gather output chunks for up to this many ms into one event (10)")
      ->check(non_negative_number());
  app.add_option("--coalesce-bytes", f.coalesce_bytes, "... and up to this many bytes (65536)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{64} << 20));
}

ResolvedRecording resolve_recording(const RecordFlags& f, const store::Config& c) {
  ResolvedRecording r;
  r.placement.root = store::resolve_root(f.dir, c);
  r.placement.layout = store::parse_layout(f.layout.value_or(c.layout.value_or("day"))).value_or(store::Layout::day);
  r.placement.gzip = f.gzip || c.gzip.value_or(false);
  r.file.gzip = r.placement.gzip;
  r.file.format = f.format.value_or(c.format.value_or("v2"));
  r.file.on_error = f.on_error.value_or(c.on_error.value_or("keep-going")) == "abort" ? record::OnError::abort
                                                                                       : record::OnError::keep_going;
  r.recorder.on_error = r.file.on_error;
  r.recorder.record_input = f.record_stdin || c.record_stdin.value_or(false);
  r.recorder.mask_input = !f.no_mask && c.mask.value_or(true);
  if (f.mask_window) r.recorder.mask_window = Micros(static_cast<std::int64_t>(std::llround(*f.mask_window * 1e6)));
  double ms = f.coalesce_ms.value_or(c.coalesce_ms.value_or(10.0));
  r.recorder.coalesce.max_delay = Micros(static_cast<std::int64_t>(std::llround(ms * 1000)));
  r.recorder.coalesce.max_bytes = f.coalesce_bytes.value_or(c.coalesce_bytes.value_or(64 * 1024));

  std::string names = f.env.value_or(c.env.value_or("SHELL,TERM"));
  std::size_t pos = 0;
  while (pos <= names.size()) {
    auto comma = names.find(',', pos);
    std::string name = names.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (!name.empty()) {
      const char* v = std::getenv(name.c_str());
      std::optional<std::string> value;
      if (v) value = record::secret_name(name) ? "***" : v; // --env GITHUB_TOKEN: its name, not its value
      r.header.env.push_back({name, value});
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  r.header.title = f.title;
  if (f.idle_time_limit)
    r.header.idle_time_limit = f.idle_time_limit;
  else if (c.idle_time_limit)
    r.header.idle_time_limit = c.idle_time_limit;
  r.seal_key = c.seal_key.value_or("");
  r.seal = c.seal.value_or(!r.seal_key.empty());
  r.ship_on_close = c.ship.value_or("off") == "on-close";
  r.ship_to = c.ship_to.value_or("");
  if (c.seal_syslog.value_or(false))
    r.seal_every.anchor = [](const std::string& line) { ::syslog(LOG_AUTHPRIV | LOG_INFO, "recssh-seal: %s", line.c_str()); };
  if (c.seal_every_lines) r.seal_every.every_lines = std::max<std::uint64_t>(1, *c.seal_every_lines);
  if (c.seal_every_seconds)
    r.seal_every.every = std::chrono::seconds(std::max<std::int64_t>(0, std::llround(*c.seal_every_seconds)));
  return r;
}

} // namespace recssh::cli
