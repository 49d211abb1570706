// SPDX-License-Identifier: MIT
#include "archive/rotate.hpp"
#include "core/printable.hpp"
#include "cmd/cli.hpp"
#include "store/config.hpp"
#include "store/layout.hpp"

#include <csignal>
#include <cstdio>
#include <syslog.h>

namespace recssh::cli {
namespace {

std::optional<std::int64_t> age_option(const std::optional<std::string>& flag, const std::optional<std::string>& conf,
                                       const char* name) {
  const auto& text = flag ? flag : conf;
  if (!text) return std::nullopt;
  auto age = archive::parse_age(*text);
  if (!age)
    throw UsageError(std::string(flag ? "--" : "config key ") + name + ": '" + *text +
                     "' is not an age (like 90d, 12h, 30m, 45s)");
  return age;
}

} // namespace

void add_rotate(CLI::App& app, int& status) {
  struct Options {
    std::optional<std::string> root, compress_after, retain;
    bool merge_daily = false, dry_run = false, use_syslog = false;
    std::int64_t min_age = 60;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("rotate", "merge, compress and expire recordings under ROOT (for cron)");
  cmd->add_option("root", o->root, "recordings root (default: as recssh: RECSSH_DIR, config, ~/.local/share/recssh)");
  cmd->add_flag("--merge-daily", o->merge_daily, "merge each finished day's recordings per user and host");
  cmd->add_option("--compress-after", o->compress_after, "gzip recordings older than this (e.g. 1d)");
  cmd->add_option("--retain", o->retain, "delete recordings older than this (e.g. 90d)");
  cmd->add_option("--min-age", o->min_age, "leave files modified in the last SECONDS alone (default 60)")
      ->check(non_negative_number());
  cmd->add_flag("-n,--dry-run", o->dry_run, "list the actions, change nothing");
  cmd->add_flag("--syslog", o->use_syslog, "also log every action to syslog (recast-rotate, facility user)");
  cmd->callback([o, &status] {
    // A log reader that goes away (cron's mailer, `| head`) must not kill a rotation
    // between two steps: the log lines are lost, the work is finished.
    std::signal(SIGPIPE, SIG_IGN);
    tune_malloc_for_many_files();
    auto config = store::load_config();
    archive::RotatePolicy p;
    p.merge_daily = o->merge_daily || config.merge_daily.value_or(false);
    p.compress_after = age_option(o->compress_after, config.compress_after, "compress-after");
    p.retain = age_option(o->retain, config.retain, "retain");
    p.min_age = o->min_age;
    p.dry_run = o->dry_run;
    p.seal_key = config.seal_key.value_or("");
    p.seal = config.seal.value_or(false) || !p.seal_key.empty();
    p.seal_every_lines = config.seal_every_lines.value_or(p.seal_every_lines);
    p.allowed_signers = config.allowed_signers.value_or("");
    std::string root = store::resolve_root(o->root, config);
    if (o->use_syslog) ::openlog("recast-rotate", LOG_PID, LOG_USER);
    auto log = [&](const std::string& raw) {
      const std::string line = printable(raw); // names under the root are chosen by users
      std::printf("recast rotate: %s\n", line.c_str());
      std::fflush(stdout);
      if (o->use_syslog) ::syslog(line.rfind("error:", 0) == 0 ? LOG_ERR : LOG_INFO, "%s", line.c_str());
    };
    auto r = archive::rotate(root, p, log);
    log("done: " + std::to_string(r.merged_groups) + " merged (" + std::to_string(r.merged_inputs) + " inputs), " +
        std::to_string(r.compressed) + " compressed, " + std::to_string(r.deleted) + " deleted, " +
        std::to_string(r.recovered) + " recovered, " + std::to_string(r.locked) + " locked, " +
        std::to_string(r.recent) + " too recent, " + std::to_string(r.failed) + " failed");
    if (o->use_syslog) ::closelog();
    status = r.failed ? 1 : 0;
  });
}

} // namespace recssh::cli
