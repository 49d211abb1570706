// SPDX-License-Identifier: MIT
// recast ls: one line per recording, sorted by start, from headers and tails.
#include "cmd/cli.hpp"
#include "core/forward_totals.hpp"
#include "core/cpus.hpp"
#include "core/json.hpp"
#include "core/printable.hpp"
#include "search/filter.hpp"
#include "search/grep.hpp"
#include "search/listing.hpp"
#include "search/ordered.hpp"
#include "store/config.hpp"
#include "store/layout.hpp"
#include "store/walk.hpp"

#include <algorithm>
#include <cstdio>
#include <sys/stat.h>

namespace recssh::cli {

namespace {

std::string clock(Micros t) {
  long long s = t.count() / 1'000'000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  return buf;
}

std::string human_size(std::uint64_t n) {
  const char* units[] = {"B", "K", "M", "G", "T"};
  double v = double(n);
  int u = 0;
  while (v >= 1024 && u < 4) v /= 1024, ++u;
  char buf[32];
  if (u == 0) std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(n));
  else std::snprintf(buf, sizeof buf, v < 10 ? "%.1f%s" : "%.0f%s", v, units[u]);
  return buf;
}

// -L's last column: the connections forwarded and their bytes both ways ("3c/1.2M"),
// or "-" for none.
std::string forwarded(const std::vector<ForwardTotals>& totals) {
  std::uint64_t conns = 0, bytes = 0;
  for (const auto& f : totals) conns += f.connections, bytes += f.up + f.down;
  return conns == 0 ? "-" : std::to_string(conns) + "c/" + human_size(bytes);
}

std::string exit_text(const search::ListEntry& e) {
  if (e.live) return "live";
  if (!e.end) return "-";
  return std::to_string(e.end->status);
}

} // namespace

void add_ls(CLI::App& app, int& status) {
  struct Options {
    std::vector<std::string> paths;
    bool json = false, long_format = false;
    std::string user, host, since, until, stream;
    bool failed = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("ls", "list recordings: start, duration, user, target, stream, exit status, size, "
                                       "name; sorted by start");
  cmd->add_option("paths", o->paths, "recordings or directories of them (default: the recordings root)");
  cmd->add_flag("--json", o->json, "one JSON object per recording");
  cmd->add_flag("-L,--long", o->long_format, "add host, session id, source format and markers (reads every event)");
  auto* sel = cmd->add_option_group("recordings", "which recordings to list (by their recssh metadata)");
  sel->add_option("--user", o->user, "recorded for this local user");
  sel->add_option("--host", o->host, "to this target (user@host, or host)");
  sel->add_option("--since", o->since, "started at or after DATE (YYYY-MM-DD[ HH:MM[:SS]], local time, or ISO 8601)");
  sel->add_option("--until", o->until, "started before DATE (a date alone: up to its end)");
  sel->add_flag("--failed", o->failed, "ended with an exit status other than 0");
  sel->add_option("--stream", o->stream, "shell or exec sessions")->check(CLI::IsMember({"shell", "exec"}));
  cmd->callback([o, &status] {
    const auto filter = recording_filter(o->user, o->host, o->since, o->until, o->failed, o->stream);
    std::vector<std::string> files;
    std::vector<std::string> paths = o->paths;
    if (paths.empty()) paths.push_back(store::resolve_root(std::nullopt, store::load_config()));
    for (const auto& p : paths) {
      struct stat st {};
      if (::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        store::walk(p, [&](const store::Recording& r) { files.push_back(r.path); });
      else
        files.push_back(p);
    }
    // What is kept of each recording until all are sorted: its printed line, not the
    // entry (a line is a tenth of the memory: 100,000 recordings in tens of MiB).
    struct Row {
      std::int64_t start;
      std::uint64_t size;
      Micros duration;
      std::string text;
    };
    auto row_of = [&](const search::ListEntry& e) {
      const std::string user = e.meta ? e.meta->user : "", target = e.meta ? e.meta->target : "";
      const std::string stream = e.meta && e.meta->stream ? std::string(store::stream_name(*e.meta->stream)) : "";
      Row r{e.start.value_or(INT64_MAX), e.size, e.duration.value_or(Micros(0)), {}};
      if (o->json) {
        JsonObject j;
        j.str("file", e.path);
        if (e.start) j.raw("start", std::to_string(*e.start)).str("start_local", search::format_wall(*e.start, Micros(0)).substr(0, 19));
        if (e.duration) j.raw("duration", format_seconds(*e.duration));
        j.str("user", user).str("target", target).str("stream", stream);
        if (e.end) j.raw("exit", std::to_string(e.end->status)).str("reason", e.end->reason);
        j.raw("live", e.live ? "true" : "false").raw("size", std::to_string(e.size));
        if (e.meta && !e.meta->forwards.empty()) j.list("forwards", e.meta->forwards);
        if (o->long_format) {
          j.str("host", e.meta ? e.meta->host : "").str("session", e.meta ? e.meta->session_id : "").str("format", e.format);
          if (e.markers) j.raw("markers", std::to_string(*e.markers));
          std::string totals = "[";
          for (const auto& f : e.forward_totals) totals += (totals.size() > 1 ? "," : "") + forward_totals_json(f);
          j.raw("forward_totals", totals + "]");
        }
        r.text = terminal_safe_json(j.text());
        return r;
      }
      std::string start = e.start ? search::format_wall(*e.start, Micros(0)).substr(0, 19) : "-";
      std::string line = start + "  " + (e.duration ? clock(*e.duration) : "-") + "  " + (user.empty() ? "-" : user) +
                         "  " + (target.empty() ? "-" : target) + "  " + (stream.empty() ? "-" : stream) + "  " +
                         exit_text(e) + "  " + human_size(e.size);
      if (o->long_format)
        line += "  " + std::string(e.meta && !e.meta->host.empty() ? e.meta->host : "-") + "  " +
                (e.meta && !e.meta->session_id.empty() ? e.meta->session_id : "-") + "  " + e.format + "  " +
                std::to_string(e.markers.value_or(0)) + "  " + std::to_string(e.meta ? e.meta->forwards.size() : 0) +
                "  " + forwarded(e.forward_totals);
      r.text = printable(line) + "  " + printable(e.path);
      return r;
    };
    // Recordings in batches of 64 per task (a task per small file costs more in
    // hand-offs between threads than reading its head and tail).
    struct Outcome {
      std::vector<Row> rows;
      std::vector<std::string> errors;
    };
    constexpr std::size_t k_batch = 64;
    std::vector<Row> rows;
    rows.reserve(files.size());
    bool any_error = false;
    search::ListOptions lo;
    lo.count_markers = o->long_format;
    search::for_each_ordered<Outcome>(
        (files.size() + k_batch - 1) / k_batch, usable_cpus(),
        [&](std::size_t b) {
          Outcome out;
          for (std::size_t i = b * k_batch; i < std::min(files.size(), (b + 1) * k_batch); ++i) {
            try {
              auto e = search::list_entry(files[i], lo);
              if (search::passes(filter, e)) out.rows.push_back(row_of(e));
            } catch (const Error& e) {
              out.errors.emplace_back(e.what());
            } catch (const std::exception& e) {
              out.errors.push_back(std::string("internal error: ") + e.what());
            }
          }
          return out;
        },
        [&](std::size_t, Outcome& out) {
          for (const auto& error : out.errors) {
            std::fprintf(stderr, "recast: error: %s\n", printable(error).c_str());
            any_error = true;
          }
          for (auto& r : out.rows) rows.push_back(std::move(r));
        });
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.start < b.start; });
    std::uint64_t bytes = 0;
    Micros total{0};
    for (const auto& r : rows) {
      bytes += r.size;
      total += r.duration;
      std::printf("%s\n", r.text.c_str());
    }
    const auto& entries = rows;
    if (!o->json)
      std::printf("%zu recording%s, %s, %s\n", entries.size(), entries.size() == 1 ? "" : "s", clock(total).c_str(),
                  human_size(bytes).c_str());
    status = any_error ? 1 : 0;
  });
}

} // namespace recssh::cli
