// SPDX-License-Identifier: MIT
#include "cmd/session_forwards.hpp"

#include "forward/config_forwards.hpp"

#include <algorithm>
#include <chrono>
#include <pwd.h>
#include <unistd.h>

namespace recssh::cli {

SessionForwards::SessionForwards(const std::vector<std::string>& ssh_args, const record::SshCommandLine& cl,
                                 forward::Mode mode, std::function<void(const std::string&)> warn,
                                 std::pair<std::size_t, std::size_t> from_config)
    : m_mode(mode), m_warn(std::move(warn)) {
  std::vector<forward::ForwardArg> args;
  for (const auto& f : cl.forwards) {
    const bool config = f.arg >= from_config.first && f.arg < from_config.second;
    args.push_back({f.letter, f.arg, f.offset, f.value, config ? "ssh config" : ""});
  }
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

ConfigForwards config_forwards(const std::string& ssh, const std::vector<std::string>& ssh_args,
                               const record::SshCommandLine& cl, bool relay,
                               const std::function<void(const std::string&)>& warn) {
  ConfigForwards out;
  out.ssh_args = ssh_args;
  // ssh finds ~ in the password database, not in $HOME.
  const passwd* pw = ::getpwuid(::getuid());
  const std::string home = pw && pw->pw_dir ? pw->pw_dir : "";
  if (!forward::config_may_forward(cl.config_file, home)) return out;
  std::vector<forward::ArgPlace> places;
  for (const auto& f : cl.forwards) places.push_back({f.arg, f.offset});
  const auto query = forward::args_for_config_query(ssh_args, places, cl.command_at);
  auto dump = forward::query_config(ssh, query, std::chrono::seconds(3));
  if (!dump) return out; // (ssh will say what is wrong, when it runs)
  out.gateway_ports = dump->gateway_ports;
  auto& found = dump->forwards;
  // One the command line asks for too is one forward (ssh skips the repeat).
  std::vector<std::string> given;
  for (const auto& f : cl.forwards) {
    auto spec = f.letter == 'o' ? forward::parse_forward_option(f.value)
                                : forward::parse_forward(static_cast<forward::Kind>(f.letter), f.value);
    if (spec) given.push_back(spec->describe());
  }
  std::erase_if(found, [&](const forward::ForwardSpec& f) {
    return std::find(given.begin(), given.end(), f.describe()) != given.end();
  });
  if (found.empty()) return out;
  std::string why;
  if (relay && cl.destination_at < ssh_args.size()) {
    try {
      auto copy = std::make_unique<forward::ConfigCopy>(cl.config_file, home);
      std::vector<std::string> added{"-F", copy->path()};
      for (const auto& f : found) {
        added.push_back("-" + std::string(1, char(f.kind)));
        added.push_back(f.given);
      }
      std::vector<std::string> args = ssh_args;
      args.insert(args.begin() + std::ptrdiff_t(cl.destination_at), added.begin(), added.end());
      // Only if ssh will read the copy (a -F after the destination would win over it)
      // and takes every forward moved.
      const auto check = record::parse_ssh_args(args);
      if (check.config_file == copy->path() && check.forwards.size() == cl.forwards.size() + found.size()) {
        out.ssh_args = std::move(args);
        out.first_added = cl.destination_at + 2;
        out.end_added = cl.destination_at + added.size();
        out.copy = std::move(copy);
        return out;
      }
      why = "ssh's command line could not be given them";
    } catch (const std::exception& e) {
      why = e.what();
    }
  }
  for (const auto& f : found) {
    out.listed.push_back(f.describe() + " (ssh config: not recorded)");
    std::string note = "forward " + f.describe() + " comes from ssh's configuration: ssh forwards it itself, so it "
                       "is listed in the recording but its traffic is not recorded";
    if (!why.empty()) note += " (" + why + ")";
    warn(note);
  }
  return out;
}

} // namespace recssh::cli
