// SPDX-License-Identifier: MIT
#include "cmd/record_session.hpp"
#include "core/printable.hpp"

#include "archive/append.hpp"
#include "archive/seal.hpp"
#include "archive/signature.hpp"
#include "cmd/ship_on_close.hpp"
#include "cmd/version.hpp"
#include "core/errors.hpp"
#include "core/format.hpp"
#include "core/paths.hpp"
#include "record/session.hpp"
#include "store/metadata.hpp"
#include "store/placement.hpp"

#include <cstdio>
#include <ctime>
#include <fcntl.h>
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

void warn(const std::string& what) {
  std::fprintf(stderr, "%s: warning: %s\n", program_name().c_str(), printable(what).c_str());
}

// The sidecar of a cast that was just created: a seal left by a file that was at this
// path before belongs to nothing now.
Fd create_sidecar(const std::string& cast) {
  const std::string path = store::seal_path(cast);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST && ::unlink(path.c_str()) == 0)
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) throw_errno("cannot create " + path);
  return Fd(fd);
}

void sign_sidecar(const std::string& cast, const store::SealFinal& final, const std::string& key) {
  const std::string path = store::seal_path(cast);
  std::string line = store::seal_signature_line(archive::ssh_sign(final.text, key)) + "\n";
  Fd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid() || ::write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size()) ||
      ::fsync(fd.get()) != 0)
    throw_errno("cannot write " + path);
}

// Seals the finished session: what was sealed as it was written gets its signature;
// anything else (gzip, appended sessions) is sealed now by reading the file back.
void seal_session(const ResolvedRecording& rec, const record::RecordingFile& file, const std::string& path,
                  bool appended) {
  try {
    if (file.seal_final()) {
      if (!rec.seal_key.empty()) sign_sidecar(path, *file.seal_final(), rec.seal_key);
      return;
    }
    if (!file.seal_error().empty()) throw Error(file.seal_error());
    archive::SealOptions so;
    so.key = rec.seal_key;
    so.overwrite = appended; // the seal of what was there before the append is outgrown
    so.holding_lock = !appended; // our own lock, still held by `file`
    archive::seal_file(path, so);
  } catch (const Error& e) {
    warn(std::string("the recording is complete but not sealed: ") + e.what());
  }
}

// The session, up to the end of its file: its lock is released when this returns.
SessionResult record_one(const ResolvedRecording& rec, const SessionRequest& req, const OnSessionStart& on_start) {
  auto now = static_cast<std::int64_t>(::time(nullptr));
  store::Metadata meta;
  meta.version = RECSSH_VERSION;
  meta.session_id = store::new_session_id(now);
  meta.stream = req.stream;
  meta.user = store::local_user();
  meta.host = store::local_host();
  meta.target = req.target;
  meta.argv = req.meta_argv;
  meta.forwards = req.forwards;

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
  spec.recorder.side = req.side;
  spec.recorder.child_ignores = req.child_ignores;
  spec.header = rec.header;
  spec.child_env = req.child_env;
  spec.child_env.emplace_back("RECSSH_SESSION", meta.session_id);
  spec.header.set_extra("recssh", meta.json());
  on_start(plan.via_temp ? plan.target : plan.created.path, meta);
  record::RecordingFile file(std::move(plan.created.fd), plan.created.path, rec.file);
  struct stat st {};
  const bool seal = rec.seal && rec.file.format != "raw" && // raw output is not a cast
                    ::stat(plan.created.path.c_str(), &st) == 0 && S_ISREG(st.st_mode); // nor is /dev/null
  if (seal && !rec.file.gzip && !plan.via_temp)
    file.seal_as_written(std::make_unique<record::LiveSeal>(create_sidecar(plan.created.path),
                                                            store::seal_path(plan.created.path),
                                                            base_of(plan.created.path), rec.seal_every));
  SessionResult result;
  result.status = record::run_session(spec, file);
  finish_append(plan, req.quiet);
  result.path = plan.target.empty() ? plan.created.path : plan.target;
  if (seal) seal_session(rec, file, result.path, plan.via_temp);
  return result;
}

} // namespace

SessionResult record_session(const ResolvedRecording& rec, const SessionRequest& req, const OnSessionStart& on_start) {
  SessionResult result = record_one(rec, req, on_start);
  // After the file is closed: a ship that found it still locked would leave it pending.
  if (rec.ship_on_close) {
    // Not for what is not a recording file (/dev/null), nor without a target; a ship
    // that cannot start leaves the recording for the next `recast ship` run.
    struct stat shipped {};
    if (rec.ship_to.empty())
      warn("ship = on-close needs ship-to in the config; " + result.path + " was not shipped");
    else if (::stat(result.path.c_str(), &shipped) == 0 && S_ISREG(shipped.st_mode)) {
      try {
        std::vector<std::string> files = {result.path};
        if (req.companions)
          for (auto& f : req.companions()) files.push_back(std::move(f));
        ship_in_background(files, rec.ship_to);
      } catch (const Error& e) {
        warn(std::string(e.what()) + "; " + result.path + " waits for the next recast ship");
      }
    }
  }
  return result;
}

} // namespace recssh::cli
