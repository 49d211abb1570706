// SPDX-License-Identifier: MIT
// recast ship: finished recordings to S3-compatible storage (the work is in ship/).
#include "archive/rotate.hpp"
#include "cmd/cli.hpp"
#include "core/json.hpp"
#include "core/printable.hpp"
#include "ship/ship.hpp"
#include "ship/status.hpp"
#include "store/config.hpp"
#include "store/layout.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>

namespace recssh::cli {
namespace {

std::uint64_t bytes_option(const std::string& text, const char* name) {
  auto n = ship::parse_bytes(text);
  if (!n) throw UsageError(std::string("--") + name + ": '" + text + "' is not a size (like 64M, 512K, 1G)");
  return *n;
}

} // namespace

void add_ship(CLI::App& app, int& status) {
  struct Options {
    std::vector<std::string> paths;
    std::optional<std::string> to, host, profile, endpoint, region, addressing;
    std::string part_size = "64M", limit_rate, abort_after = "7d";
    unsigned jobs = 4, part_jobs = 4;
    int retries = 5;
    std::int64_t min_age = 60;
    bool verify_read = false, quiet = false, status = false, json = false, recheck = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("ship", "upload finished recordings to S3-compatible storage, verified; never overwrites");
  cmd->add_option("paths", o->paths, "roots (walked) or recordings (default: the root, as recssh finds it)");
  cmd->add_option("--to", o->to, "s3://BUCKET/PREFIX (default: the config's ship-to)");
  cmd->add_option("--host", o->host, "the host name in keys (default: ship-host, else this host's name)");
  cmd->add_option("--profile", o->profile, "the profile of ~/.aws/credentials and ~/.aws/config");
  cmd->add_option("--endpoint", o->endpoint, "http(s)://host[:port] (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, s3-endpoint)");
  cmd->add_option("--region", o->region, "the region requests are signed for (default: AWS_REGION, s3-region, us-east-1)");
  cmd->add_option("--addressing", o->addressing, "path, virtual or auto (default: s3-addressing, auto)")
      ->check(CLI::IsMember({"path", "virtual", "auto"}));
  cmd->add_option("-j,--jobs", o->jobs, "recordings shipped at once (default 4)")->check(CLI::Range(1u, 64u));
  cmd->add_option("--part-jobs", o->part_jobs, "parts of one large file sent at once (default 4)")->check(CLI::Range(1u, 32u));
  cmd->add_option("--part-size", o->part_size, "larger files go multipart in parts of SIZE (default 64M, at least 5M)");
  cmd->add_option("--limit-rate", o->limit_rate, "at most SIZE bytes per second per connection (e.g. 10M)");
  cmd->add_option("--retries", o->retries, "attempts per request on 5xx and timeouts (default 5)")->check(CLI::Range(1, 20));
  cmd->add_option("--min-age", o->min_age, "leave recordings modified in the last SECONDS (default 60)")
      ->check(non_negative_number());
  cmd->add_option("--abort-after", o->abort_after, "abort unfinished multipart uploads older than AGE (default 7d; 0: never)");
  cmd->add_flag("--verify-read", o->verify_read, "read every upload back and compare its SHA-256");
  cmd->add_flag("-q,--quiet", o->quiet, "print only conflicts and failures");
  cmd->add_flag("--recheck", o->recheck, "ask the store about every recording, even those the journal has as shipped");
  cmd->add_flag("--status", o->status, "list each recording as pending, shipped, conflict or failed, from the journal (no network)");
  cmd->add_flag("--json", o->json, "with --status: one JSON object per recording");
  cmd->callback([o, &status] {
    std::signal(SIGPIPE, SIG_IGN); // curl's sockets; a closed log reader must not stop a batch
    auto config = store::load_config();
    std::vector<std::string> paths = o->paths;
    if (paths.empty()) paths.push_back(store::resolve_root(std::nullopt, config));
    if (o->json && !o->status) throw UsageError("--json goes with --status");
    if (o->status) {
      std::string to = o->to ? *o->to : config.ship_to.value_or("");
      std::string url = to.empty() ? "" : ship::target_url(ship::parse_target(to));
      const store::ShippedJournal journal(store::ShippedJournal::default_path(), false);
      ship::status(paths, journal, url, o->min_age, [&](const ship::StatusLine& l) {
        if (o->json) {
          JsonObject j;
          j.str("file", l.path).str("state", l.state);
          if (!l.target.empty()) j.str("target", l.target).str("key", l.key).raw("time", std::to_string(l.time));
          if (!l.message.empty()) j.str("message", l.message);
          std::printf("%s\n", terminal_safe_json(j.text()).c_str());
          return;
        }
        std::string where = l.key.empty() ? "" : " " + l.target.substr(0, l.target.find('/', 5)) + "/" + l.key;
        std::printf("%s: %s:%s%s%s\n", printable(l.path).c_str(), l.state.c_str(), printable(where).c_str(),
                    l.message.empty() ? "" : where.empty() ? " " : ": ", printable(l.message).c_str());
      });
      return;
    }
    std::string to = o->to ? *o->to : config.ship_to.value_or("");
    if (to.empty()) throw UsageError("where to? give --to s3://BUCKET/PREFIX or set ship-to in the config");
    ship::Options so;
    so.target = ship::parse_target(to);
    so.host = o->host ? *o->host : config.ship_host.value_or(store::local_host());
    so.jobs = o->jobs;
    so.part_jobs = o->part_jobs;
    so.part_size = bytes_option(o->part_size, "part-size");
    if (so.part_size < ship::k_min_part_size || so.part_size > ship::k_max_part_size)
      throw UsageError("--part-size: S3 parts are 5M to 5G, not '" + o->part_size + "'");
    if (!o->limit_rate.empty()) so.limits.max_send_bytes_per_s = static_cast<std::int64_t>(bytes_option(o->limit_rate, "limit-rate"));
    so.retry.attempts = o->retries;
    so.min_age_s = o->min_age;
    so.verify_read = o->verify_read;
    if (o->abort_after == "0") so.abort_after_s = 0;
    else if (auto age = archive::parse_age(o->abort_after)) so.abort_after_s = *age;
    else throw UsageError("--abort-after: '" + o->abort_after + "' is not an age (like 7d, 12h)");
    auto settings = ship::resolve_settings({o->profile, o->endpoint, o->region, o->addressing}, config, ship::process_env());
    store::ShippedJournal journal(store::ShippedJournal::default_path(), true);
    so.journal = &journal;
    so.recheck = o->recheck;

    std::size_t counts[5] = {}, journaled = 0;
    std::uint64_t bytes = 0;
    auto report = [&](const ship::Result& r) {
      ++counts[static_cast<int>(r.outcome)];
      journaled += r.from_journal;
      bytes += r.bytes_sent;
      if (r.outcome == ship::Outcome::failed) status = 1;
      else if (r.outcome == ship::Outcome::conflict && status == 0) status = 3;
      bool loud = r.outcome == ship::Outcome::failed || r.outcome == ship::Outcome::conflict;
      if (o->quiet && !loud) return;
      std::string where = r.key.empty() ? "" : " s3://" + so.target.bucket + "/" + r.key;
      std::FILE* out = loud ? stderr : stdout;
      // FILE: OUTCOME[: s3://KEY][: MESSAGE]
      std::string line = r.path + ": " + ship::outcome_name(r.outcome);
      if (!where.empty()) line += ":" + where;
      if (!r.message.empty()) line += ": " + r.message;
      std::fprintf(out, "%s\n", printable(line).c_str());
    };
    auto started = std::chrono::steady_clock::now();
    auto candidates = ship::collect(paths, so, report);
    ship::ship(candidates, settings, so,
               {report, [](const std::string& what) { std::fprintf(stderr, "recast: note: %s\n", printable(what).c_str()); }});
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!o->quiet)
      std::fprintf(stderr, "recast: ship: %zu uploaded, %zu already there, %zu conflicts, %zu pending, %zu failed (%zu known from the journal); %.1f MB in %.1f s (%.1f MB/s)\n",
                   counts[0], counts[1], counts[2], counts[3], counts[4], journaled, static_cast<double>(bytes) / 1e6, seconds,
                   seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0.0);
  });
}

} // namespace recssh::cli
