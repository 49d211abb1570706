// SPDX-License-Identifier: MIT
#include "cmd/cli.hpp"
#include "core/printable.hpp"
#include "core/errors.hpp"
#include "core/stats.hpp"
#include "store/metadata.hpp"

#include <cstdio>

namespace recssh::cli {

void add_validate(CLI::App& app, int& status) {
  struct Options {
    std::vector<std::string> files;
    bool all = false, quiet = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("validate", "check recordings; exit 1 at the first problem, naming file:line");
  cmd->add_option("files", o->files, "recordings (- for stdin)")->required();
  cmd->add_flag("--all", o->all, "report every problem, not only the first");
  cmd->add_flag("-q,--quiet", o->quiet, "print only problems");
  cmd->callback([o, &status] {
    status = 0;
    for (const auto& path : o->files) {
      std::uint64_t events = 0;
      auto problems = validate_file(path, o->all, &events);
      for (const auto& p : problems)
        std::fprintf(stderr, "%s: error: %s: %s\n", program_name().c_str(), printable(p.location).c_str(),
                     printable(p.message).c_str());
      if (!problems.empty()) {
        status = 1;
        if (!o->all) return;
      } else {
        // A valid file may still not hold the whole session: the end marker says so
        // (a full disk), and "ok" alone would claim a complete recording.
        std::string incomplete;
        if (path != "-")
          if (auto end = store::read_session_end(path); end && end->lost)
            incomplete = std::to_string(end->lost) + " bytes of the session were lost while recording";
        if (!o->quiet)
          std::printf("%s: ok, %llu events%s\n", printable(path).c_str(), static_cast<unsigned long long>(events),
                      incomplete.empty() ? "" : ("; incomplete: " + incomplete).c_str());
        else if (!incomplete.empty())
          std::fprintf(stderr, "%s: warning: %s: %s\n", program_name().c_str(), printable(path).c_str(),
                       incomplete.c_str());
      }
    }
  });
}

} // namespace recssh::cli
