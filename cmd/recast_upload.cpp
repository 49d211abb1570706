// SPDX-License-Identifier: MIT
// recast upload and recast auth: asciinema-server (the work is in ship/).
#include "cmd/cli.hpp"
#include "core/errors.hpp"
#include "core/printable.hpp"
#include "ship/asciinema_server.hpp"
#include "ship/names.hpp"
#include "ship/settings.hpp"

#include <cstdio>

namespace recssh::cli {

void add_upload(CLI::App& app, int& status) {
  struct Options {
    std::string file;
    std::optional<std::string> server;
    std::string max_size = "8M";
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("upload", "upload a recording to asciinema-server (asciinema.org or your own)");
  cmd->add_option("file", o->file, "an asciicast v1/v2/v3 recording (not gzip'd; convert legacy logs first)")->required();
  cmd->add_option("--server-url", o->server, "the server (default: ASCIINEMA_SERVER_URL, ASCIINEMA_API_URL, https://asciinema.org)");
  cmd->add_option("--max-size", o->max_size, "refuse files over SIZE before sending (default 8M, the server's default)");
  cmd->callback([o, &status] {
    auto env = ship::process_env();
    ship::UploadLimits limits;
    auto max = ship::parse_bytes(o->max_size);
    if (!max) throw UsageError("--max-size: '" + o->max_size + "' is not a size (like 8M)");
    limits.max_bytes = *max;
    std::string server = ship::server_url(o->server, env);
    auto id = ship::install_id(env, true);
    if (id.created) std::fprintf(stderr, "recast: note: a new install ID was written to %s\n", printable(id.from).c_str());
    auto result = ship::upload_recording(o->file, server, id, env("USER").value_or(""), limits, [](const std::string& what) {
      std::fprintf(stderr, "recast: note: %s\n", printable(what).c_str());
    });
    std::printf("%s\n", printable(result.text).c_str());
    status = 0;
  });
}

void add_auth(CLI::App& app, int& status) {
  auto server = std::make_shared<std::optional<std::string>>();
  auto* cmd = app.add_subcommand("auth", "link this install ID with an asciinema-server account (prints the link)");
  cmd->add_option("--server-url", *server, "the server (default: ASCIINEMA_SERVER_URL, ASCIINEMA_API_URL, https://asciinema.org)");
  cmd->callback([server, &status] {
    auto env = ship::process_env();
    std::string url = ship::server_url(*server, env);
    auto id = ship::install_id(env, true);
    std::printf("Open this link in a web browser to link this install ID (%s) with your account on %s:\n\n"
                "    %s/connect/%s\n\n"
                "Recordings uploaded with it, by recast or the asciinema CLI, then belong to that account.\n",
                printable(id.from).c_str(), printable(url).c_str(), printable(url).c_str(), printable(id.id).c_str());
    status = 0;
  });
}

} // namespace recssh::cli
