// SPDX-License-Identifier: MIT
#pragma once
// A recssh session's port forwards, from ssh's arguments to the end of the session:
// the plan (which forwards recssh relays, ssh's rewritten arguments), then, once the
// cast exists, the capture beside it and the relay, whose markers go into the cast
// and which stops when ssh is gone.
#include "forward/capture.hpp"
#include "forward/config_copy.hpp"
#include "forward/plan.hpp"
#include "forward/relay.hpp"
#include "record/side_events.hpp"
#include "record/ssh_args.hpp"
#include "store/metadata.hpp"
#include "store/placement.hpp"

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace recssh::cli {

class SessionForwards {
public:
  // `warn` receives what the user should know (forwards left to ssh, write errors).
  // The forwards whose arguments are in [from_config.first, from_config.second) came
  // from ssh's configuration (ConfigForwards): the header says so.
  SessionForwards(const std::vector<std::string>& ssh_args, const record::SshCommandLine& cl, forward::Mode mode,
                  std::function<void(const std::string&)> warn,
                  std::pair<std::size_t, std::size_t> from_config = {0, 0});
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

// The forwards ssh's configuration files add (forward/config_forwards.hpp). When
// recssh relays forwards (`relay`: a mode other than off, no -f), they move to ssh's
// command line, before the destination, with -F naming a copy of the configuration
// without them (forward/config_copy.hpp): the plan then takes them like the command
// line's. Otherwise, or when the copy cannot be made, they stay ssh's and are only
// listed for the header, "(ssh config: not recorded)", each also told to `warn`.
struct ConfigForwards {
  std::vector<std::string> ssh_args;          // what to run ssh with
  std::size_t first_added = 0, end_added = 0; // the moved forwards' arguments in it
  std::vector<std::string> listed;            // not moved: for the header
  std::optional<bool> gateway_ports;          // GatewayPorts in effect, when ssh -G was asked
  std::unique_ptr<forward::ConfigCopy> copy;  // kept until ssh is done with it
};
ConfigForwards config_forwards(const std::string& ssh, const std::vector<std::string>& ssh_args,
                               const record::SshCommandLine& cl, bool relay,
                               const std::function<void(const std::string&)>& warn);

} // namespace recssh::cli
