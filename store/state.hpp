// SPDX-License-Identifier: MIT
#pragma once
// Where recast keeps what it must remember between runs (rotate's lock and journal,
// the shipped journal): in a directory only the effective user can write, never in a
// root that others can write to, since a user who can plant a file there could block
// or direct what root does next.
#include <string>

namespace recssh::store {

// $RECSSH_STATE_DIR, else /var/lib/recssh for root, else $XDG_STATE_HOME/recssh, else
// ~/.local/state/recssh. Throws Error when a user has no home directory.
std::string state_home();

// mkdir -p with 0700; then `path` must be a real directory of the effective user that
// no one else can write to, or this throws Error naming `what` (whose state it is).
void make_private_dir(const std::string& path, const std::string& what);

} // namespace recssh::store
