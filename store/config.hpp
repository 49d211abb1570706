// SPDX-License-Identifier: MIT
#pragma once
// recssh's configuration files: /etc/recssh.conf, then ~/.config/recssh/config (the
// user's file overrides the system's; command-line options and RECSSH_DIR override
// both). Lines are `key = value`; `#` starts a comment; unknown keys are errors with
// file:line, so a typo never silently turns recording off. Every key of every
// program lives here (recssh(1), recast rotate, and what later commands add), and is
// documented in recssh.conf(5).
#include <optional>
#include <string>
#include <vector>

namespace recssh::store {

struct Config {
  // Where and how recordings are written (recssh, recast rec).
  std::optional<std::string> dir;
  std::optional<std::string> layout;   // day | user
  std::optional<std::string> format;   // v2 | v3
  std::optional<bool> gzip;
  std::optional<bool> record_stdin;
  std::optional<bool> mask;
  std::optional<std::string> on_error; // keep-going | abort
  std::optional<std::string> env;      // comma-separated names
  std::optional<double> idle_time_limit;
  std::optional<double> coalesce_ms;
  std::optional<std::size_t> coalesce_bytes;
  std::optional<std::string> forwards; // pcap | meta | off: how recssh records port forwards
  // What recast rotate does by default.
  std::optional<bool> merge_daily;
  std::optional<std::string> compress_after; // an age, e.g. 1d
  std::optional<std::string> retain;         // an age, e.g. 90d
  // Sealing (recssh and recast rec as they record; recast seal, verify).
  std::optional<bool> seal;
  std::optional<std::uint64_t> seal_every_lines; // a checkpoint every N lines
  std::optional<double> seal_every_seconds;      // ... or S seconds
  std::optional<bool> seal_syslog;               // every checkpoint and final hash to syslog
  std::optional<std::string> seal_key;        // ssh key that signs seals
  std::optional<std::string> allowed_signers; // OpenSSH allowed-signers file for verify
  // Shipping to S3-compatible storage (recast ship). Credentials are not config keys:
  // this file is often world-readable; they come from the environment or ~/.aws.
  std::optional<std::string> ship_to;       // s3://BUCKET/PREFIX
  std::optional<std::string> ship_host;     // the host name in keys (else this host's)
  std::optional<std::string> s3_endpoint;   // http(s)://host[:port]
  std::optional<std::string> s3_region;
  std::optional<std::string> s3_profile;    // a profile of ~/.aws/credentials and config
  std::optional<std::string> s3_addressing; // path | virtual | auto
  std::optional<std::string> ship;          // on-close | off: ship each session as it ends
  std::optional<bool> require_shipped;      // rotate's retention waits for shipping
  std::vector<std::string> files_read;       // for messages
};

// Merges `path` into `config` if the file exists. Throws FormatError on a bad line.
void load_config_file(const std::string& path, Config& config);

// The standard files, in order: /etc/recssh.conf (RECSSH_SYSTEM_CONFIG overrides the
// path, for tests), then $XDG_CONFIG_HOME/recssh/config or ~/.config/recssh/config.
Config load_config();

} // namespace recssh::store
