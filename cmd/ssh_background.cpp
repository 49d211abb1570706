// SPDX-License-Identifier: MIT
#include "cmd/ssh_background.hpp"

#include "core/errors.hpp"
#include "core/signals.hpp"
#include "forward/config_forwards.hpp"
#include "record/ssh_args.hpp"

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <mutex>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace recssh::cli {

namespace {

// The forked recssh, for the waiting one's signal handler.
volatile sig_atomic_t g_forked = 0;

extern "C" void end_forked_session(int) {
  if (g_forked > 0) ::kill(static_cast<pid_t>(g_forked), SIGTERM);
}

// ssh_ignores() and SIGTERM (a script's `kill`, a supervisor's stop), which the waiting
// recssh passes on to the session instead of dying alone and leaving it running.
constexpr int k_waiting_passes[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM};

} // namespace

const std::vector<int>& SshBackground::ssh_ignores() {
  static const std::vector<int> signals{SIGHUP, SIGINT, SIGQUIT};
  return signals;
}

struct SshBackground::Watcher {
  std::mutex mutex;
  std::condition_variable wake;
  bool stop = false;
  std::thread thread;
};

std::unique_ptr<SshBackground> SshBackground::prepare(const std::string& ssh, const std::vector<std::string>& ssh_args,
                                                      std::string& why) {
  // (`ssh -G` refuses -f without a command to run, or -N, as ssh does before it
  // connects: ssh is then left to say so)
  const auto dump = forward::query_config(ssh, ssh_args, std::chrono::seconds(3));
  if (!dump || dump->value("forkafterauthentication") != "yes") return nullptr;
  if (dump->value("permitlocalcommand") == "yes" && dump->value("localcommand")) {
    why = "ssh's configuration runs a LocalCommand, which recssh -f would replace: ssh goes to the background "
          "itself, and the recording ends there (forwards are not relayed)";
    return nullptr;
  }
  // A persistent master forks itself after login whatever ForkAfterAuthentication
  // says (ssh_session2 turns it back on): the ssh recssh waits for would be gone.
  const auto master = dump->value("controlmaster"), path = dump->value("controlpath");
  if (master && *master != "false" && dump->value("controlpersist").value_or("no") != "no" && path &&
      *path != "none") {
    why = "with ControlPersist, ssh's master goes to the background itself: the recording ends there (forwards "
          "are not relayed)";
    return nullptr;
  }
  std::unique_ptr<SshBackground> b(new SshBackground);
  b->m_no_session = dump->value("sessiontype") == "none";
  b->m_dir = std::make_unique<forward::PrivateDir>();
  b->m_ready = b->m_dir->socket("ready");
  // First on the command line, so that they win over the configuration's (ssh keeps
  // the first value it is given); -f itself wins over any -o, so it becomes -n.
  b->m_args = {"-n", "-o", "ForkAfterAuthentication=no", "-o", "PermitLocalCommand=yes",
               "-o", "LocalCommand=touch '" + b->m_ready + "'"};
  const auto rest = record::without_background(ssh_args);
  b->m_args.insert(b->m_args.end(), rest.begin(), rest.end());
  return b;
}

SshBackground::~SshBackground() {
  if (m_watcher) {
    {
      std::lock_guard lock(m_watcher->mutex);
      m_watcher->stop = true;
    }
    m_watcher->wake.notify_one();
    if (m_watcher->thread.joinable()) m_watcher->thread.join();
  }
  if (m_tell >= 0) ::close(m_tell);
}

std::optional<int> SshBackground::fork() {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) throw_errno("cannot make a pipe");
  std::fflush(nullptr); // nothing buffered is written twice
  const pid_t pid = ::fork();
  if (pid < 0) throw_errno("cannot fork");
  if (pid > 0) {
    ::close(p[1]);
    // ssh ignores the terminal's ^C, ^\ and hangup (ssh_ignores): until ssh is where -f
    // forks, they end the session through here (its recorder passes SIGTERM on to ssh),
    // and this recssh exits with the status the session ends with.
    g_forked = pid;
    struct sigaction sa {};
    sa.sa_handler = end_forked_session;
    ::sigemptyset(&sa.sa_mask);
    for (int sig : k_waiting_passes) ::sigaction(sig, &sa, nullptr);
    char c = 0;
    ssize_t n;
    do n = ::read(p[0], &c, 1);
    while (n < 0 && errno == EINTR);
    ::close(p[0]);
    if (n == 1) {
      g_forked = 0; // in the background now: a ^C from here on is not the session's
      return 0;     // ssh -f's status once it has forked
    }
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  }
  ::close(p[0]);
  m_tell = p[1];
  m_watcher = std::make_unique<Watcher>();
  m_watcher->thread = start_thread_without_signals([this] { watch(); });
  return std::nullopt;
}

void SshBackground::watch() {
  // A look every 20 ms: ssh makes the file once, and no one waits for it but the user.
  std::unique_lock lock(m_watcher->mutex);
  while (!m_watcher->wake.wait_for(lock, std::chrono::milliseconds(20), [this] { return m_watcher->stop; })) {
    struct stat st {};
    if (::lstat(m_ready.c_str(), &st) != 0) continue;
    // Out of the terminal's session, as ssh -f's daemon() does: its hangup and ^C no
    // longer reach this recssh (ssh ignores them). And off the caller's descriptors as
    // ssh -f's are (stdfd_devnull): no stdin; without a session (-N) no stdout and
    // stderr either, or `$(recssh -fN ...)`, or an sshd running it, would wait for the
    // session's end (ssh's later messages are still recorded, as "e" events). With a
    // command, its output goes where it went, as ssh -f's does.
    ::setsid();
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
      ::dup2(null, 0);
      if (m_no_session) {
        ::dup2(null, 1);
        ::dup2(null, 2);
      }
      ::close(null);
    }
    (void)!::write(m_tell, "r", 1);
    ::close(m_tell);
    m_tell = -1;
    return;
  }
}

} // namespace recssh::cli
