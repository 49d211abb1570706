// SPDX-License-Identifier: MIT
#include "core/signals.hpp"

#include "core/errors.hpp"

#include <cerrno>
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

} // namespace recssh
