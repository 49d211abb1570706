// SPDX-License-Identifier: MIT
// Where a rotation keeps its lock and journal. In a root that only this user can
// write (a private archive): ROOT/.recast-rotate.lock and .journal, as always. In a
// root that others can write (the bastion's 1733 /var/log/recssh) or that is not ours,
// anything in it may have been planted by a user, who could then block every run
// (hold the lock) or direct the recovery of a merge (forge the journal). There the
// state lives outside the root, in a private directory of the effective user:
// $RECSSH_ROTATE_STATE_DIR, else store/state's state_home()/rotate (/var/lib/recssh/rotate
// for root, ~/.local/state/recssh/rotate for a user), one subdirectory per
// root (named by its real path). Files with the old names in a shared root are
// reported and ignored.
#include "archive/rotation.hpp"
#include "core/errors.hpp"
#include "core/names.hpp"
#include "core/sha256.hpp"
#include "store/state.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::archive {
namespace {

std::string state_base() {
  if (const char* d = std::getenv("RECSSH_ROTATE_STATE_DIR"); d && *d == '/') return d;
  return store::state_home() + "/rotate";
}

// One directory per root: readable, and unique by the root's real path.
std::string state_key(const std::string& root) {
  char real[PATH_MAX];
  std::string r = ::realpath(root.c_str(), real) ? real : root;
  Sha256 h;
  h.update(r.data(), r.size());
  std::string tail = r.size() > 40 ? r.substr(r.size() - 40) : r;
  for (char& c : tail)
    if (c == '/') c = '_';
  return sanitize_name(tail, 40, "root") + "-" + h.hex().substr(0, 16);
}

} // namespace

void Rotation::open_state() {
  struct stat st {};
  if (::fstat(m_root_fd.get(), &st) != 0) throw Error("cannot stat " + m_root + ": " + errno_message());
  m_shared_root = st.st_uid != m_euid || (st.st_mode & 022);
  if (!m_shared_root) {
    m_state_dir = m_root;
    m_state_prefix = ".recast-rotate.";
  } else {
    m_state_dir = state_base() + "/" + state_key(m_root);
    m_state_prefix.clear();
    for (const char* name : {".recast-rotate.journal", ".recast-rotate.lock"})
      if (store::stat_entry(m_root_fd.get(), name))
        m_log("note: ignoring " + m_root + "/" + name + ": " + m_root +
              " is writable by others, so rotate keeps its lock and journal in " + m_state_dir +
              " (this file was not written there by rotate: inspect it, then remove it)");
  }
  const std::string lock = m_state_dir + "/" + m_state_prefix + "lock";
  if (m_p.dry_run) {
    // A dry run only reads: no lock file, no directory. A running rotation is only
    // worth a note (the listing may be out of date by the time it is read).
    if (store::is_being_recorded(lock)) m_log("note: another recast rotate is running; this listing may change");
    return;
  }
  if (m_shared_root) store::make_private_dir(m_state_dir, "rotate's state");
  m_lock.emplace(lock, m_root + ": another recast rotate is running");
  remove_stale_views(); // under the lock: no other run is using one
}

} // namespace recssh::archive
