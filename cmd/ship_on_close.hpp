// SPDX-License-Identifier: MIT
#pragma once
// `ship = on-close` (recssh.conf(5)): a session's recording (and its captures) is
// shipped as soon as it ends, by `recast ship --to TARGET -- FILE...` started in the
// background, detached from the
// session (its own session, stdin/stdout/stderr on /dev/null), so the user's exit never
// waits for the network. Its argv holds no secret: credentials reach it the way they
// reach any `recast ship` (the environment, ~/.aws, the config). When it fails, the
// shipped journal says so and the next `recast ship ROOT` catches up.
#include <string>
#include <vector>

namespace recssh::cli {

// Starts the background ship of `files` (a session's cast and its captures) and
// returns at once; throws Error when it cannot start.
void ship_in_background(const std::vector<std::string>& files, const std::string& to);

} // namespace recssh::cli
