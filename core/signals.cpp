// SPDX-License-Identifier: MIT
#include "core/signals.hpp"

#include "core/errors.hpp"

#include <atomic>
#include <cerrno>
#include <iterator>
#include <cstring>
#include <fcntl.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace recssh {

SignalFd::SignalFd(std::initializer_list<int> signals) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : signals) sigaddset(&set, s);
  if (::sigprocmask(SIG_BLOCK, &set, &m_old) != 0)
    throw Error(std::string("sigprocmask: ") + std::strerror(errno));
  m_fd = Fd(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!m_fd.valid()) {
    int e = errno;
    ::sigprocmask(SIG_SETMASK, &m_old, nullptr);
    throw Error(std::string("signalfd: ") + std::strerror(e));
  }
}

namespace {
// Lock-free: the handler may interrupt a thread in the middle of remembering or
// forgetting, and whoever exchanges a slot to null owns its removal.
std::atomic<const char*> g_temp_files[64];
std::atomic<bool> g_dying{false};
constexpr int k_cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// One thread removes the files and ends the process. A second signal (timeout(1)
// sends one to the process and one to its group; a supervisor may send TERM after
// INT) reaching another thread meanwhile must not end the process before the files
// are gone, as the default action it would meet there did: it returns, and the
// first one's re-raised signal ends the process.
extern "C" void remove_temp_files_and_die(int signo) {
  if (g_dying.exchange(true)) return;
  const int saved = errno;
  for (auto& slot : g_temp_files)
    if (const char* path = slot.exchange(nullptr)) ::unlink(path);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ::sigaction(signo, &dfl, nullptr);
  errno = saved;
  ::raise(signo); // (blocked in this handler: the default action once it returns)
}
} // namespace

int remember_temp_file(const char* path) {
  for (int i = 0; i < int(std::size(g_temp_files)); ++i) {
    const char* none = nullptr;
    if (g_temp_files[i].compare_exchange_strong(none, path)) return i;
  }
  return -1;
}

void forget_temp_file(int slot) {
  if (slot >= 0) g_temp_files[slot].store(nullptr);
}

void remove_temp_files_on_signals() {
  for (int s : k_cleanup_signals) {
    struct sigaction old {};
    if (::sigaction(s, nullptr, &old) != 0 || old.sa_handler != SIG_DFL) continue; // ignored, or someone's
    struct sigaction on {};
    on.sa_handler = remove_temp_files_and_die;
    sigemptyset(&on.sa_mask);
    for (int other : k_cleanup_signals) sigaddset(&on.sa_mask, other);
    ::sigaction(s, &on, nullptr);
  }
}

void ignore_write_signals() {
  // A closed reader or a file size limit must surface as write errors we handle, not
  // kill the recorder mid-session (terminal left raw) or while it writes the end.
  struct sigaction ign {};
  ign.sa_handler = SIG_IGN;
  sigemptyset(&ign.sa_mask);
  ::sigaction(SIGPIPE, &ign, nullptr);
  ::sigaction(SIGXFSZ, &ign, nullptr);
}

SignalFd::~SignalFd() {
  // Signals that arrived after the loop ended were meant for the session, which is
  // over: consume them rather than let their default action hit us on unblocking.
  while (read()) {
  }
  m_fd.close();
  ::sigprocmask(SIG_SETMASK, &m_old, nullptr);
}

std::optional<SignalInfo> SignalFd::read() {
  signalfd_siginfo si{};
  ssize_t n;
  do n = ::read(m_fd.get(), &si, sizeof si);
  while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof si)) return std::nullopt;
  return SignalInfo{static_cast<int>(si.ssi_signo), si.ssi_code == SI_KERNEL};
}

void SignalFd::reset_in_child() {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int s : {SIGPIPE, SIGXFSZ, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGCHLD})
    ::sigaction(s, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

std::thread start_thread_without_signals(std::function<void()> body) {
  sigset_t all, old;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, &old);
  std::thread t;
  try {
    t = std::thread(std::move(body));
  } catch (...) {
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    throw;
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return t;
}

} // namespace recssh
