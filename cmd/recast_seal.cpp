// SPDX-License-Identifier: MIT
// recast seal: hash chains (and SSH signatures) for finished recordings.
#include "archive/seal.hpp"
#include "cmd/cli.hpp"
#include "core/errors.hpp"
#include "core/printable.hpp"
#include "store/config.hpp"
#include "store/walk.hpp"

#include <cstdio>
#include <sys/stat.h>
#include <syslog.h>

namespace recssh::cli {

void add_seal(CLI::App& app, int& status) {
  struct Options {
    std::vector<std::string> paths;
    std::string key;
    std::uint64_t every = 1000;
    bool overwrite = false, quiet = false, no_sign = false, use_syslog = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("seal", "seal finished recordings: a SHA-256 chain in FILE.seal, signed with an SSH key");
  cmd->add_option("paths", o->paths, "recordings, or directories to seal every finished recording below")->required();
  cmd->add_option("-k,--key", o->key, "SSH key that signs (a private key, or a public key in ssh-agent; else the config's seal-key)");
  cmd->add_flag("--no-sign", o->no_sign, "chain only, even if the config names a key");
  cmd->add_option("--every", o->every, "a checkpoint every N lines (1000)")->check(CLI::Range(std::uint64_t(1), std::uint64_t(1) << 40));
  cmd->add_flag("--overwrite", o->overwrite, "replace existing seals (a file that was changed on purpose)");
  cmd->add_flag("-q,--quiet", o->quiet, "print only problems");
  cmd->add_flag("--syslog", o->use_syslog, "also send each final hash to syslog (authpriv; else the config's seal-syslog)");
  cmd->callback([o, &status] {
    status = 0;
    archive::SealOptions so;
    so.every_lines = o->every;
    so.overwrite = o->overwrite;
    if (!o->no_sign) so.key = !o->key.empty() ? o->key : store::load_config().seal_key.value_or("");
    const bool to_syslog = o->use_syslog || store::load_config().seal_syslog.value_or(false);
    std::uint64_t sealed = 0, skipped = 0, failed = 0;
    auto one = [&](const std::string& path, bool from_walk) {
      try {
        auto r = archive::seal_file(path, so);
        ++sealed;
        // A copy of the final hash where the recorded user cannot edit it.
        if (to_syslog)
          ::syslog(LOG_AUTHPRIV | LOG_INFO, "recssh-seal: %s final=%s lines=%llu", printable(path).c_str(),
                   r.final.hash.c_str(), static_cast<unsigned long long>(r.final.lines));
        if (!o->quiet)
          std::printf("%s: sealed, %llu lines%s\n", printable(path).c_str(),
                      static_cast<unsigned long long>(r.final.lines), r.signed_ ? ", signed" : "");
      } catch (const Error& e) {
        // Over a directory, a seal that exists is what a second run expects to find.
        struct stat st {};
        if (from_walk && !o->overwrite && ::lstat(store::seal_path(path).c_str(), &st) == 0) {
          ++skipped;
          return;
        }
        ++failed;
        std::fprintf(stderr, "recast: error: %s\n", printable(e.what()).c_str());
      }
    };
    for (const auto& p : o->paths) {
      struct stat st {};
      if (::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        store::walk(p, [&](const store::Recording& r) {
          if (r.state == store::State::recording) return; // sealed when it is finished
          one(r.path, true);
        });
      } else {
        one(p, false);
      }
    }
    if (!o->quiet && (skipped || o->paths.size() > 1))
      std::printf("recast: %llu sealed, %llu already sealed, %llu failed\n", static_cast<unsigned long long>(sealed),
                  static_cast<unsigned long long>(skipped), static_cast<unsigned long long>(failed));
    if (failed) status = 1;
  });
}

} // namespace recssh::cli
