// SPDX-License-Identifier: MIT
#include "store/state.hpp"

#include "core/errors.hpp"
#include "core/fd.hpp"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::store {

std::string state_home() {
  if (const char* d = std::getenv("RECSSH_STATE_DIR"); d && *d == '/') return d;
  if (::geteuid() == 0) return "/var/lib/recssh";
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x == '/') return std::string(x) + "/recssh";
  const char* home = std::getenv("HOME");
  std::string h = home && *home == '/' ? home : "";
  if (h.empty())
    if (passwd* pw = ::getpwuid(::geteuid())) h = pw->pw_dir;
  if (h.empty()) throw Error("no home directory for recast's state (set RECSSH_STATE_DIR)");
  return h + "/.local/state/recssh";
}

void make_private_dir(const std::string& path, const std::string& what) {
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    std::string part = path.substr(0, slash);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST)
      throw Error("cannot create directory " + part + " for " + what + ": " + errno_message());
    if (slash == std::string::npos) break;
  }
  Fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || st.st_uid != ::geteuid() || (st.st_mode & 077))
    throw Error(path + " is not a private directory of this user (not 0700, someone else's, or a symlink): "
                       "refusing to keep " + what + " there");
}

} // namespace recssh::store
