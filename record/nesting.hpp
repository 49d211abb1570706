// SPDX-License-Identifier: MIT
#pragma once
// recssh started inside a recorded session. Two cases look alike from inside:
//  - a user on a recorded bastion shell (the login hook's `recast rec`, or recssh
//    itself) runs `recssh db3`: the outer recording already has every byte, and a
//    second one would only double the archive, so ssh runs unrecorded;
//  - an `ssh` in PATH that runs recssh (a wrapper script, or a symlink to it): the
//    recssh it starts would start it again, without end (603 processes in 4 s were
//    seen). The first unrecorded run marks the environment; meeting the mark again
//    means the ssh we ran was ourselves, and that is an error naming the way out.
#include <string>

namespace recssh::record {

enum class Nesting {
  none,           // not inside a recorded session: record
  inside_session, // inside one (RECSSH_SESSION): run ssh unrecorded
  loop,           // our unrecorded ssh started recssh again
};

Nesting nesting();
// The session id of the recording we are inside, for messages.
std::string enclosing_session();
// Marks the environment before running ssh unrecorded (see Nesting::loop).
void mark_unrecorded_ssh();

} // namespace recssh::record
