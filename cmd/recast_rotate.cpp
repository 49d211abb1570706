// SPDX-License-Identifier: MIT
#include "archive/rotate.hpp"
#include "core/printable.hpp"
#include "cmd/cli.hpp"
#include "ship/ship.hpp"
#include "store/config.hpp"
#include "store/layout.hpp"
#include "store/shipped.hpp"

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

// rotate --ship: the recordings under ROOT go to the store first (ship/, composed here
// because archive/ does not depend on ship/), so that what retention would delete and
// what compress would replace is off the host, journaled, before either runs.
// Returns the number of failures; each result is one log line.
unsigned long ship_first(const std::string& root, const std::string& to, std::int64_t min_age,
                         const store::Config& config, const std::function<void(const std::string&)>& log) {
  ship::Options so;
  so.target = ship::parse_target(to);
  so.host = config.ship_host.value_or(store::local_host());
  so.min_age_s = min_age;
  auto settings = ship::resolve_settings({}, config, ship::process_env());
  store::ShippedJournal journal(store::ShippedJournal::default_path(), true);
  so.journal = &journal;
  unsigned long failed = 0, done = 0;
  auto report = [&](const ship::Result& r) {
    failed += r.outcome == ship::Outcome::failed;
    if (r.from_journal) {
      ++done;
      return; // shipped by an earlier run: not worth a line per run
    }
    std::string where = r.key.empty() ? "" : " s3://" + so.target.bucket + "/" + r.key;
    log(std::string(r.outcome == ship::Outcome::failed ? "error: " : "") + "ship " + r.path + ": " +
        ship::outcome_name(r.outcome) + ":" + where + (r.message.empty() ? "" : ": " + r.message));
  };
  auto candidates = ship::collect({root}, so, report);
  ship::ship(candidates, settings, so, {report, [&](const std::string& what) { log("note: ship: " + what); }});
  if (done) log("ship: " + std::to_string(done) + " already shipped (journal)");
  return failed;
}

} // namespace

void add_rotate(CLI::App& app, int& status) {
  struct Options {
    std::optional<std::string> root, compress_after, retain;
    std::optional<std::string> ship;
    bool merge_daily = false, dry_run = false, use_syslog = false, require_shipped = false, no_require_shipped = false;
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
  cmd->add_option("--ship", o->ship, "first ship the recordings to s3://BUCKET/PREFIX (as recast ship)");
  auto* req = cmd->add_flag("--require-shipped", o->require_shipped,
                            "delete past retention only what the shipped journal has as shipped (default with a ship target)");
  cmd->add_flag("--no-require-shipped", o->no_require_shipped, "retention deletes whether shipped or not")->excludes(req);
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
    // The target retention asks about: --ship's, else the config's ship-to. Required by
    // default whenever there is one, so that configuring shipping is enough to make
    // retention wait for it.
    const std::string to = o->ship ? *o->ship : config.ship_to.value_or("");
    bool require = !to.empty();
    if (config.require_shipped) require = *config.require_shipped;
    if (o->require_shipped) require = true;
    if (o->no_require_shipped) require = false;
    if (require && to.empty())
      throw UsageError("--require-shipped: shipped where? give --ship s3://BUCKET/PREFIX or set ship-to in the config");
    p.shipped_journal = store::ShippedJournal::default_path();
    if (require) p.require_shipped_to = ship::target_url(ship::parse_target(to));
    std::string root = store::resolve_root(o->root, config);
    if (o->use_syslog) ::openlog("recast-rotate", LOG_PID, LOG_USER);
    auto log = [&](const std::string& raw) {
      const std::string line = printable(raw); // names under the root are chosen by users
      std::printf("recast rotate: %s\n", line.c_str());
      std::fflush(stdout);
      if (o->use_syslog) ::syslog(line.rfind("error:", 0) == 0 ? LOG_ERR : LOG_INFO, "%s", line.c_str());
    };
    unsigned long ship_failed = 0;
    if (o->ship && o->dry_run) log("note: a dry run ships nothing");
    else if (o->ship) ship_failed = ship_first(root, *o->ship, o->min_age, config, log);
    auto r = archive::rotate(root, p, log);
    r.failed += ship_failed;
    log("done: " + std::to_string(r.merged_groups) + " merged (" + std::to_string(r.merged_inputs) + " inputs), " +
        std::to_string(r.compressed) + " compressed, " + std::to_string(r.deleted) + " deleted, " +
        std::to_string(r.recovered) + " recovered, " + std::to_string(r.locked) + " locked, " +
        std::to_string(r.recent) + " too recent, " + std::to_string(r.kept_unshipped) + " kept (not shipped), " +
        std::to_string(r.failed) + " failed" +
        (r.captures_compressed + r.captures_deleted
             ? "; captures: " + std::to_string(r.captures_compressed) + " compressed, " +
                   std::to_string(r.captures_deleted) + " deleted"
             : std::string()));
    if (o->use_syslog) ::closelog();
    status = r.failed ? 1 : 0;
  });
}

} // namespace recssh::cli
