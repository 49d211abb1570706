// SPDX-License-Identifier: MIT
#include "cmd/session_forwards.hpp"

#include "forward/config_forwards.hpp"

#include <chrono>
#include <cstdlib>

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
    auto open = [this, placement, cast_path, meta](const forward::Destination& d) {
      auto f = store::create_capture_file(placement, cast_path, meta.user, meta.session_id, d.host, d.port);
      {
        std::lock_guard lock(m_mutex);
        m_captures.push_back(f.path);
      }
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

std::vector<std::string> SessionForwards::captures() const {
  std::lock_guard lock(m_mutex);
  return m_captures;
}

void SessionForwards::stop() {
  if (m_relay) m_relay->stop();
  if (m_capture) m_capture->finish();
}

std::vector<std::string> config_forwards(const std::string& ssh, const std::vector<std::string>& ssh_args,
                                         const record::SshCommandLine& cl,
                                         const std::function<void(const std::string&)>& warn) {
  const char* home = std::getenv("HOME");
  if (!forward::config_may_forward(cl.config_file, home ? home : "")) return {};
  std::vector<forward::ArgPlace> places;
  for (const auto& f : cl.forwards) places.push_back({f.arg, f.offset});
  const auto args = forward::args_for_config_query(ssh_args, places, cl.destination_at);
  std::vector<std::string> out;
  for (const auto& f : forward::query_config_forwards(ssh, args, std::chrono::seconds(3))) {
    out.push_back(f.describe() + " (ssh config: not recorded)");
    warn("forward " + f.describe() + " comes from ssh's configuration: ssh forwards it itself, so it is listed in "
         "the recording but its traffic is not recorded (give it as -" + std::string(1, char(f.kind)) +
         " on the command line to record it)");
  }
  return out;
}

} // namespace recssh::cli
