// SPDX-License-Identifier: MIT
#include "cmd/record_session.hpp"
#include "core/printable.hpp"

#include "archive/append.hpp"
#include "cmd/version.hpp"
#include "core/errors.hpp"
#include "core/format.hpp"
#include "record/session.hpp"
#include "store/metadata.hpp"
#include "store/placement.hpp"

#include <cstdio>
#include <ctime>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::cli {
namespace {

// --append: a session to be appended to `file` is recorded into `file` itself when it
// does not exist yet, else into a private temporary file next to it, which
// finish_append() appends with `recast append`'s code and removes. Killed meanwhile,
// the temporary file is a valid cast that `recast append FILE TEMP` can still add.
struct AppendPlan {
  store::CreatedFile created;
  std::string target;
  bool via_temp = false;
};

AppendPlan plan_append(const std::string& file) {
  AppendPlan plan;
  plan.target = file;
  struct stat st {};
  if (::lstat(file.c_str(), &st) != 0) {
    plan.created = store::create_named_file(file, Overwrite::no);
    return plan;
  }
  // Refused before the session, not after it: the append replaces FILE by rename,
  // which would replace a link with a new file and leave its target as it was.
  if (S_ISLNK(st.st_mode))
    throw Error(file + " is a symlink: --append would replace the link, not add to its target (name the target)");
  if (!S_ISREG(st.st_mode)) throw Error(file + " is not a regular file: --append cannot add to it");
  // Checked before the session runs, not after: a session is never recorded only to
  // be refused at the end.
  auto base = open_reader(file, "", ReadOptions{});
  if (base->header().version != 2 && base->header().version != 3)
    throw Error(file + ": only asciicast v2 and v3 files can be appended to (convert it first: recast convert " +
                file + " NEW.cast)");
  plan.created = store::create_temp_beside(file, ".append-", ".cast");
  plan.via_temp = true;
  return plan;
}

void finish_append(const AppendPlan& plan, bool quiet) {
  if (!plan.via_temp) return;
  archive::AppendOptions opts;
  opts.gap = archive::GapPolicy::parse("cap:2");
  try {
    archive::append_casts(plan.target, {plan.created.path}, opts);
  } catch (const Error& e) {
    throw Error(std::string(e.what()) + "; the session is kept in " + plan.created.path +
                " (add it later: recast append " + plan.target + " " + plan.created.path + ")");
  }
  ::unlink(plan.created.path.c_str());
  if (!quiet) std::fprintf(stderr, "%s: appended the session to %s\n", program_name().c_str(), printable(plan.target).c_str());
}

} // namespace

SessionResult record_session(const ResolvedRecording& rec, const SessionRequest& req,
                             const std::function<void(const std::string& path)>& on_start) {
  auto now = static_cast<std::int64_t>(::time(nullptr));
  store::Metadata meta;
  meta.version = RECSSH_VERSION;
  meta.session_id = store::new_session_id(now);
  meta.stream = req.stream;
  meta.user = store::local_user();
  meta.host = store::local_host();
  meta.target = req.target;
  meta.argv = req.meta_argv;

  AppendPlan plan;
  if (req.append)
    plan = plan_append(req.file);
  else if (!req.file.empty())
    plan.created = store::create_named_file(req.file, req.overwrite);
  else
    plan.created = store::create_session_file(rec.placement, now, req.what, meta.user, req.stream, meta.session_id);

  record::SessionSpec spec;
  spec.argv = req.argv;
  spec.stream = req.stream;
  spec.ssh = req.ssh;
  spec.recorder = rec.recorder;
  spec.header = rec.header;
  spec.child_env = req.child_env;
  spec.child_env.emplace_back("RECSSH_SESSION", meta.session_id);
  spec.header.set_extra("recssh", meta.json());
  on_start(plan.via_temp ? plan.target : plan.created.path);
  record::RecordingFile file(std::move(plan.created.fd), plan.created.path, rec.file);
  SessionResult result;
  result.status = record::run_session(spec, file);
  finish_append(plan, req.quiet);
  result.path = plan.target.empty() ? plan.created.path : plan.target;
  return result;
}

} // namespace recssh::cli
