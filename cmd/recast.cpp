// SPDX-License-Identifier: MIT
// recast: everything about terminal recordings (asciicast and legacy logs).
#include "cmd/cli.hpp"
#include "cmd/version.hpp"
#include "convert/registry.hpp"
#include "core/format.hpp"
#include "search/text_writer.hpp"

int main(int argc, char** argv) {
  CLI::App app{"recast: record, play, print, inspect, search, list, validate, convert, append, merge, rotate, seal, verify, ship and upload\n"
               "terminal recordings (asciicast v1/v2/v3 and legacy terminal logs)"};
  app.set_version_flag("--version", "recast " RECSSH_VERSION);
  app.require_subcommand(1);
  app.footer("Examples:\n"
             "  recast cat session.cast | less -R\n"
             "  recast play --at 50% session.cast\n"
             "  recast info --json 2026-11-22/*.cast\n"
             "  recast validate --all archive/*.cast.gz\n"
             "  recast convert old-v1.json new.cast");
  recssh::convert::register_formats();
  recssh::search::register_text_writer(recssh::formats());
  int status = 0;
  recssh::cli::add_rec(app, status);
  recssh::cli::add_cat(app, status);
  recssh::cli::add_play(app, status);
  recssh::cli::add_info(app, status);
  recssh::cli::add_validate(app, status);
  recssh::cli::add_convert(app, status);
  recssh::cli::add_formats(app, status);
  recssh::cli::add_append(app, status);
  recssh::cli::add_merge(app, status);
  recssh::cli::add_rotate(app, status);
  recssh::cli::add_seal(app, status);
  recssh::cli::add_verify(app, status);
  recssh::cli::add_ship(app, status);
  recssh::cli::add_upload(app, status);
  recssh::cli::add_auth(app, status);
  recssh::cli::add_grep(app, status);
  recssh::cli::add_ls(app, status);
  return recssh::cli::run("recast", app, argc, argv, status);
}
