// SPDX-License-Identifier: MIT
#pragma once
// One session recorded, as `recssh` and `recast rec` both do it: a session id, the
// file (placed under the root, named by the user, or appended to an existing cast),
// the header's metadata, the recorder, and the append when the session was recorded
// beside its target.
#include "cmd/record_flags.hpp"
#include "store/layout.hpp"
#include "store/metadata.hpp"

#include <functional>

namespace recssh::cli {

struct SessionRequest {
  std::vector<std::string> argv;      // what to run
  std::vector<std::string> meta_argv; // what the metadata says ran (scrubbed for ssh)
  store::Stream stream = store::Stream::shell;
  std::string what;                   // the day layout's file name part
  std::string target;                 // the ssh destination; empty for local commands
  bool ssh = false;                   // exit status 255 is ssh's own error
  record::EnvList child_env;          // besides RECSSH_SESSION
  std::string file;                   // a cast the user named; empty: placed under the root
  bool append = false;                // append to `file`
  Overwrite overwrite = Overwrite::no;
  bool quiet = false;
  std::vector<std::string> forwards;  // the header's list of port forwards
  record::SideEvents* side = nullptr; // markers from other threads (the forward relay)
  // Files that belong to the session besides the cast (port forwards' captures),
  // asked for once it has ended: shipped on close with it.
  std::function<std::vector<std::string>()> companions = nullptr;
  std::vector<int> child_ignores;     // signals the child starts with ignored (on pipes)
};

struct SessionResult {
  int status = 0;   // to exit with
  std::string path; // where the session ended up
};

// `on_start(path, metadata)` is called once the file is open, before the child starts.
using OnSessionStart = std::function<void(const std::string& path, const store::Metadata& meta)>;
SessionResult record_session(const ResolvedRecording& rec, const SessionRequest& req, const OnSessionStart& on_start);

} // namespace recssh::cli
