// SPDX-License-Identifier: MIT
#pragma once
// A recssh session's port forwards, from ssh's arguments to the end of the session:
// the plan (which forwards recssh relays, ssh's rewritten arguments), then, once the
// cast exists, the capture beside it and the relay, whose markers go into the cast
// and which stops when ssh is gone.
#include "forward/capture.hpp"

#include <mutex>
#include "forward/plan.hpp"
#include "forward/relay.hpp"
#include "record/side_events.hpp"
#include "record/ssh_args.hpp"
#include "store/metadata.hpp"
#include "store/placement.hpp"

#include <functional>
#include <memory>

namespace recssh::cli {

class SessionForwards {
public:
  // `warn` receives what the user should know (forwards left to ssh, write errors).
  SessionForwards(const std::vector<std::string>& ssh_args, const record::SshCommandLine& cl, forward::Mode mode,
                  std::function<void(const std::string&)> warn);
  ~SessionForwards();

  const std::vector<std::string>& ssh_args() const { return m_plan.ssh_args; }
  const std::vector<std::string>& described() const { return m_plan.forwards; }
  record::SideEvents* side() { return m_relaying ? &m_side : nullptr; }

  // The cast is open: start relaying (and capturing beside it).
  void start(const store::Placement& placement, const std::string& cast_path, const store::Metadata& meta);
  // The capture files made so far (one per destination), for shipping on close.
  std::vector<std::string> captures() const;

private:
  void stop();
  mutable std::mutex m_mutex; // (captures are made on the capture thread)
  std::vector<std::string> m_captures;
  forward::Mode m_mode;
  bool m_relaying = false;
  forward::Plan m_plan;
  std::function<void(const std::string&)> m_warn;
  record::SideEvents m_side;
  std::unique_ptr<forward::Capture> m_capture;
  std::unique_ptr<forward::Relay> m_relay;
};

// The forwards ssh's configuration files add (forward/config_forwards.hpp), described
// for the header with "(ssh config: not recorded)"; each is also told to `warn`.
std::vector<std::string> config_forwards(const std::string& ssh, const std::vector<std::string>& ssh_args,
                                         const record::SshCommandLine& cl,
                                         const std::function<void(const std::string&)>& warn);

} // namespace recssh::cli
