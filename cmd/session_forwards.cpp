// SPDX-License-Identifier: MIT
#include "cmd/session_forwards.hpp"

namespace recssh::cli {

SessionForwards::SessionForwards(const std::vector<std::string>& ssh_args, const record::SshCommandLine& cl,
                                 forward::Mode mode, std::function<void(const std::string&)> warn)
    : m_mode(mode), m_warn(std::move(warn)) {
  std::vector<forward::ForwardArg> args;
  for (const auto& f : cl.forwards) args.push_back({f.letter, f.arg, f.offset, f.value});
  m_plan = forward::plan_forwards(ssh_args, args, {mode, cl.gateway_ports, cl.background});
  for (const auto& n : m_plan.notes) m_warn("forward " + n);
  m_relaying = !m_plan.routes.empty();
}

SessionForwards::~SessionForwards() { stop(); }

void SessionForwards::start(const store::Placement& placement, const std::string& cast_path,
                            const store::Metadata& meta) {
  if (m_plan.routes.empty()) return;
  if (m_mode == forward::Mode::pcap) {
    auto open = [placement, cast_path, meta](const forward::Destination& d) {
      auto f = store::create_capture_file(placement, cast_path, meta.user, meta.session_id, d.host, d.port);
      return std::make_unique<forward::PcapFile>(std::move(f.fd), f.path, placement.gzip);
    };
    // Said in the cast, not on the terminal: the user's screen is the session's.
    m_capture = std::make_unique<forward::Capture>(
        open, [this](const std::string& e) { m_side.push("recssh: forward capture error: " + e); });
  }
  m_relay = std::make_unique<forward::Relay>(std::move(m_plan.routes), m_capture.get(),
                                             [this](std::string m) { m_side.push(std::move(m)); });
  m_side.on_end([this] { stop(); });
  m_relay->start();
}

void SessionForwards::stop() {
  if (m_relay) m_relay->stop();
  if (m_capture) m_capture->finish();
}

} // namespace recssh::cli
