// SPDX-License-Identifier: MIT
#include "record/process.hpp"

#include "core/errors.hpp"
#include "core/signals.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <pty.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace recssh::record {

ExitStatus ExitStatus::from_wait(int ws) {
  if (WIFSIGNALED(ws)) return {128 + WTERMSIG(ws), WTERMSIG(ws)};
  if (WIFEXITED(ws)) return {WEXITSTATUS(ws), 0};
  return {255, 0};
}

ExitStatus wait_for(pid_t pid) {
  int ws = 0;
  while (::waitpid(pid, &ws, 0) < 0) {
    if (errno != EINTR) throw Error(std::string("waitpid: ") + std::strerror(errno));
  }
  return ExitStatus::from_wait(ws);
}

Child::~Child() {
  if (m_pid <= 0 || m_done) return;
  ::kill(m_pid, SIGHUP);
  for (int i = 0; i < 100; ++i) {
    if (try_reap()) return;
    ::usleep(10'000);
  }
  ::kill(m_pid, SIGKILL);
  int ws = 0;
  while (::waitpid(m_pid, &ws, 0) < 0 && errno == EINTR) {
  }
}

void Child::signal(int signo) const {
  if (!m_done) ::kill(m_pid, signo);
}

bool Child::try_reap() {
  int ws = 0;
  if (m_done || ::waitpid(m_pid, &ws, WNOHANG) != m_pid) return false;
  m_done = true;
  m_status = ExitStatus::from_wait(ws);
  return true;
}

ExitStatus Child::wait() {
  if (!m_done) m_status = wait_for(m_pid);
  m_done = true;
  return m_status;
}

PtyChild spawn_in_pty(const std::vector<std::string>& argv, const termios* mode, TermSize size,
                      const EnvList& env) {
  if (argv.empty()) throw Error("no command to run");
  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls.
  // (the writer thread may hold the malloc lock at fork time: no setenv, no PATH search)
  std::string program = argv[0].find('/') == std::string::npos ? find_program(argv[0]) : argv[0];
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    bool replaced = false;
    for (const auto& [k, v] : env)
      if (entry.substr(0, eq) == k) replaced = true;
    if (!replaced) env_strings.emplace_back(entry);
  }
  for (const auto& [k, v] : env) {
    std::string kv = k; // (built stepwise: g++ 12 misreports k + "=" + v under -O2)
    kv += '=';
    kv += v;
    env_strings.push_back(std::move(kv));
  }
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  winsize ws{};
  ws.ws_col = static_cast<unsigned short>(size.cols);
  ws.ws_row = static_cast<unsigned short>(size.rows);
  termios tmode{};
  if (mode) tmode = *mode;

  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) throw Error(std::string("pipe: ") + std::strerror(errno));
  Fd report_r(report[0]), report_w(report[1]);

  int master = -1;
  pid_t pid = ::forkpty(&master, nullptr, mode ? &tmode : nullptr, &ws);
  if (pid < 0) throw Error(std::string("cannot create a pty: ") + std::strerror(errno));
  if (pid == 0) {
    SignalFd::reset_in_child();
    ::execve(program.c_str(), args.data(), envp.data());
    int e = errno;
    (void)!::write(report_w.get(), &e, sizeof e);
    ::_exit(e == ENOENT ? 127 : 126);
  }
  report_w.close();
  PtyChild child{Fd(master), Child(pid)};
  ::fcntl(master, F_SETFD, FD_CLOEXEC);
  int e = 0;
  ssize_t n;
  do n = ::read(report_r.get(), &e, sizeof e);
  while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof e)) {
    child.process.wait();
    throw Error("cannot run " + argv[0] + ": " + std::strerror(e));
  }
  return child;
}

namespace {
std::string search_path(const std::string& name, bool skip_self) {
  struct stat self {};
  bool have_self = skip_self && ::stat("/proc/self/exe", &self) == 0;
  const char* path = std::getenv("PATH");
  std::string_view rest = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    auto colon = rest.find(':');
    std::string_view dir = rest.substr(0, colon);
    // (built stepwise: g++ 12 misreports -Wrestrict on the obvious dir + "/" + name)
    std::string cand(dir.empty() ? std::string_view(".") : dir);
    cand += '/';
    cand += name;
    struct stat st {};
    if (::stat(cand.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(cand.c_str(), X_OK) == 0 &&
        !(have_self && st.st_dev == self.st_dev && st.st_ino == self.st_ino))
      return cand;
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return {};
}
} // namespace

std::string find_in_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  auto found = search_path(name, true);
  if (found.empty()) throw Error(name + " not found in PATH (set RECSSH_SSH to the ssh to run)");
  return found;
}

std::string find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  auto found = search_path(name, false);
  if (found.empty()) throw Error("cannot run " + name + ": not found in PATH");
  return found;
}

} // namespace recssh::record
