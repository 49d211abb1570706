// SPDX-License-Identifier: MIT
#pragma once
// `recssh -f` (and ForkAfterAuthentication from ssh's configuration). ssh's -f forks
// ssh into the background once it has authenticated, just before it would run the
// command, and the ssh left in the foreground exits 0. Under recssh, that ssh is
// recssh's child: its exit would end the recording while the session goes on, and
// the forwards recssh relays would lose their relay. So recssh goes to the
// background itself, at that same moment: ssh runs without -f (with -n, which -f
// implies), with a LocalCommand that makes a file in a private directory (ssh runs
// LocalCommand right where -f forks); the recssh the user started waits for that file
// and exits 0, or for the session to end and exits with its status, while a forked
// recssh records the session to its end.
#include "forward/plan.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace recssh::cli {

class SshBackground {
public:
  // nullptr when ssh would not go to the background: -f is not in effect, or ssh will
  // refuse it (no command, no -N): ssh says so itself. Also nullptr, with `why`, when it
  // cannot be done as described: ssh's configuration runs a LocalCommand of its own.
  static std::unique_ptr<SshBackground> prepare(const std::string& ssh, const std::vector<std::string>& ssh_args,
                                                std::string& why);
  ~SshBackground();
  SshBackground(const SshBackground&) = delete;
  SshBackground& operator=(const SshBackground&) = delete;

  // ssh's arguments for the session: no -f, and the LocalCommand that tells.
  const std::vector<std::string>& ssh_args() const { return m_args; }
  // The signals ssh must start with ignored: the terminal's ^C, ^\ and hangup, which
  // ssh -f, in a session of its own, does not get once in the background. (Before
  // that, the recssh the user started takes them and ends the session.)
  static const std::vector<int>& ssh_ignores();

  // Forks, before any thread is started. In the recssh the user started: waits and
  // returns the exit status it should give (0 once ssh is where -f would fork). In the
  // forked recssh: returns nullopt, having started to watch for that moment; it then
  // records the session as usual.
  std::optional<int> fork();

private:
  SshBackground() = default;
  void watch();

  std::vector<std::string> m_args;
  std::unique_ptr<forward::PrivateDir> m_dir;
  std::string m_ready; // the file LocalCommand makes
  int m_tell = -1;     // the forked recssh's end of the pipe to the waiting one
  bool m_no_session = false; // -N (SessionType none): no command whose output goes on
  struct Watcher;
  std::unique_ptr<Watcher> m_watcher;
};

} // namespace recssh::cli
