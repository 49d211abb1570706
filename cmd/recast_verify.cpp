// SPDX-License-Identifier: MIT
// recast verify: checks recordings against their seals, one line per file.
#include "archive/manifest.hpp"
#include "archive/seal.hpp"
#include "cmd/cli.hpp"
#include "core/cpus.hpp"
#include "core/json.hpp"
#include "core/paths.hpp"
#include "core/printable.hpp"
#include "store/config.hpp"
#include "store/walk.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sys/stat.h>

namespace recssh::cli {

void add_verify(CLI::App& app, int& status) {
  struct Options {
    std::vector<std::string> paths;
    std::string allowed, revoked, sources;
    bool allow_unsigned = false, json = false, quiet = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("verify", "check recordings against their seals; exit 0 only if every one is OK");
  cmd->add_option("paths", o->paths, "recordings, or directories of recordings")->required();
  cmd->add_option("--allowed-signers", o->allowed, "OpenSSH allowed-signers file (else the config's allowed-signers)");
  cmd->add_option("--revoked", o->revoked, "OpenSSH revocation list (KRL or public keys)");
  cmd->add_flag("--allow-unsigned", o->allow_unsigned, "an intact chain without a signature counts as OK");
  cmd->add_option("--sources", o->sources,
                  "DIR holding the legacy files converted recordings were made from: each must be as sealed")
      ->check(CLI::ExistingDirectory);
  cmd->add_flag("--json", o->json, "one JSON object per file");
  cmd->add_flag("-q,--quiet", o->quiet, "print only files that are not OK");
  cmd->callback([o, &status] {
    status = 0;
    archive::VerifyOptions vo;
    vo.allowed_signers = !o->allowed.empty() ? o->allowed : store::load_config().allowed_signers.value_or("");
    vo.revoked = o->revoked;
    vo.allow_unsigned = o->allow_unsigned;
    vo.sources_dir = o->sources;
    auto report = [&](const std::string& path, const archive::VerifyResult& r) {
      if (!r.ok()) status = 1;
      if (o->quiet && r.ok()) return;
      if (o->json) {
        JsonObject j;
        j.str("file", path).str("verdict", archive::verdict_name(r.verdict)).str("message", r.message);
        j.raw("lines", std::to_string(r.lines)).raw("verified", std::to_string(r.verified));
        if (!r.signer.empty()) j.str("signer", r.signer);
        if (!r.seal.empty()) j.str("seal", r.seal);
        std::printf("%s\n", terminal_safe_json(j.text()).c_str());
      } else {
        std::printf("%s: %s: %s\n", printable(path).c_str(), archive::verdict_name(r.verdict),
                    printable(r.message).c_str());
      }
    };
    std::vector<std::string> files;
    std::set<std::string> dirs; // every directory met: a day whose recordings all went still has a manifest
    for (const auto& p : o->paths) {
      struct stat st {};
      if (::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        dirs.insert(p);
        store::WalkOptions wo;
        wo.enter = [&](const store::Directory& d) {
          dirs.insert(d.path);
          return true;
        };
        store::walk(p, [&](const store::Recording& r) { files.push_back(r.path); }, wo);
      } else {
        files.push_back(p);
      }
    }
    archive::verify_files(files, vo, usable_cpus(), report);
    // The days: every directory met or holding a recording, that has a manifest.
    for (const auto& f : files) dirs.insert(dir_of(f));
    for (const auto& d : dirs) {
      struct stat st {};
      if (::lstat(archive::manifest_path(d).c_str(), &st) != 0) continue;
      auto day = archive::verify_day(d, vo);
      if (!day.ok) status = 1;
      if (o->quiet && day.ok) continue;
      const std::string what = day.ok ? "day-ok" : "day-problem";
      std::string msg = day.ok ? (day.signer.empty() ? std::string("manifest intact") : "manifest intact, signed by " + day.signer)
                               : "";
      for (const auto& p : day.problems) msg += (msg.empty() ? "" : "; ") + p;
      if (o->json)
        std::printf("%s\n", terminal_safe_json(JsonObject().str("day", d).str("verdict", what).str("message", msg).text()).c_str());
      else
        std::printf("%s: %s: %s\n", printable(d).c_str(), what.c_str(), printable(msg).c_str());
    }
  });
}

} // namespace recssh::cli
