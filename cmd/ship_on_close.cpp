// SPDX-License-Identifier: MIT
#include "cmd/ship_on_close.hpp"

#include "core/errors.hpp"

#include <climits>
#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace recssh::cli {
namespace {

// recast itself, or the recast beside this recssh (they are installed together).
std::string recast_path() {
  char self[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) throw_errno("cannot find this program (/proc/self/exe)");
  std::string path(self, static_cast<std::size_t>(n));
  auto slash = path.rfind('/');
  if (path.substr(slash + 1) == "recast") return path;
  return path.substr(0, slash + 1) + "recast";
}

} // namespace

void ship_in_background(const std::vector<std::string>& files, const std::string& to) {
  // Everything the children need is built before fork: after it, only calls that are
  // safe in a child of a threaded process.
  const std::string program = recast_path();
  std::vector<std::string> args = {"recast", "ship", "--to", to, "--min-age", "0", "--quiet", "--"};
  args.insert(args.end(), files.begin(), files.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  sigset_t none;
  sigemptyset(&none);

  pid_t pid = ::fork();
  if (pid < 0) throw_errno("cannot start recast ship");
  if (pid == 0) {
    // The first child only forks again and exits, so that the ship is nobody's child
    // to wait for (init reaps it) and never holds the terminal.
    if (::setsid() < 0 || ::fork() != 0) ::_exit(0);
    int null = ::open("/dev/null", O_RDWR);
    if (null < 0) ::_exit(127);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::closefrom(3);
    // The recorder blocks the signals it reads through a signalfd: a mask is inherited.
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGQUIT, SIGTSTP, SIGHUP, SIGCHLD}) ::signal(sig, SIG_DFL);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

} // namespace recssh::cli
