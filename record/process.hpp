// SPDX-License-Identifier: MIT
#pragma once
// Child processes of the recorder: on a new pty (forkpty) for interactive sessions,
// and how a wait status becomes the exit status a shell would report.
#include "core/event.hpp"
#include "core/fd.hpp"

#include <string>
#include <sys/types.h>
#include <termios.h>
#include <utility>
#include <vector>

namespace recssh::record {

using EnvList = std::vector<std::pair<std::string, std::string>>;

struct ExitStatus {
  int status = 0;      // 0..255, signal n as 128+n
  int signal = 0;      // the signal that killed the child, or 0
  static ExitStatus from_wait(int wait_status);
};

// A child process of the recorder, reaped exactly once: by try_reap() or wait() on
// the way out of a session, or by the destructor when an exception leaves the record
// loop first (the child is then hung up, as a closed terminal would, and killed if
// it does not go within a second): a recorder never leaves a zombie or an orphaned
// session behind.
class Child {
public:
  explicit Child(pid_t pid) : m_pid(pid) {}
  Child(Child&& o) noexcept : m_pid(std::exchange(o.m_pid, -1)), m_done(o.m_done), m_status(o.m_status) {}
  Child& operator=(Child&&) = delete;
  Child(const Child&) = delete;
  ~Child();

  pid_t pid() const { return m_pid; }
  void signal(int signo) const;
  // True when the child has just been found gone (never blocks).
  bool try_reap();
  bool done() const { return m_done; }
  // Blocks until the child is gone (at once when try_reap() already found it).
  ExitStatus wait();

private:
  pid_t m_pid = -1;
  bool m_done = false;
  ExitStatus m_status;
};

struct PtyChild {
  Fd master;
  Child process;
};

// Runs argv[0] (a path, or a name looked up in PATH) on a new pty whose settings are
// copied from `mode` (the user's terminal) when given, with `size`, and `env` added to
// the environment. An exec failure is reported here as an Error, not as output.
PtyChild spawn_in_pty(const std::vector<std::string>& argv, const termios* mode, TermSize size,
                      const EnvList& env);

// The first executable called `name` in PATH that is not this very program (so a
// `ssh -> recssh` symlink can never make recssh run itself). Throws Error if none.
std::string find_in_path(const std::string& name);

// The executable `name` resolves to through PATH (a name with a slash is kept).
std::string find_program(const std::string& name);

// Waits for pid, retrying on EINTR.
ExitStatus wait_for(pid_t pid);

} // namespace recssh::record
