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
  const auto homes = forward::SshHomes::of_this_user();
  if (!forward::config_may_forward(cl.config_file, homes)) return out;
  auto places_of = [](const record::SshCommandLine& c) {
    std::vector<forward::ArgPlace> places;
    for (const auto& f : c.forwards) places.push_back({f.arg, f.offset});
    return places;
  };
  constexpr auto k_deadline = std::chrono::seconds(3);
  const auto dump = forward::query_config(
      ssh, forward::args_for_config_query(ssh_args, places_of(cl), cl.command_at), k_deadline);
  if (!dump) return out; // (ssh will say what is wrong, when it runs)
  out.gateway_ports = dump->gateway_ports;
  if (dump->forwards.empty() && dump->unread == 0) return out;
  // One the command line asks for too is one forward (ssh skips the repeat): the copy
  // leaves it out all the same, so that ssh does not bind it next to recssh.
  std::vector<std::string> given;
  for (const auto& f : cl.forwards) {
    auto spec = f.letter == 'o' ? forward::parse_forward_option(f.value)
                                : forward::parse_forward(static_cast<forward::Kind>(f.letter), f.value);
    if (spec) given.push_back(spec->describe());
  }
  auto found = dump->forwards;
  std::erase_if(found, [&](const forward::ForwardSpec& f) {
    return std::find(given.begin(), given.end(), f.describe()) != given.end();
  });
  std::string why;
  if (!relay) {
    // (--forwards off, or ssh -f: ssh's own, as the command line's are)
  } else if (dump->unread > 0) {
    why = "ssh -G lists a forward recssh cannot read";
  } else if (cl.destination_at >= ssh_args.size()) {
    why = "no destination";
  } else {
    try {
      auto copy = std::make_unique<forward::ConfigCopy>(cl.config_file, homes);
      // After every option of the user's: ssh takes the last -F, and sets up the
      // command line's forwards before these, as it does its configuration's.
      std::vector<std::string> added{"-F", copy->path()};
      for (const auto& f : found) {
        added.push_back("-" + std::string(1, char(f.kind)));
        added.push_back(f.given);
      }
      std::vector<std::string> args = ssh_args;
      args.insert(args.begin() + std::ptrdiff_t(cl.options_end), added.begin(), added.end());
      const auto check = record::parse_ssh_args(args);
      // ssh reads the copy as it read the files: the same settings, no forward.
      const auto seen = forward::query_config(
          ssh, forward::args_for_config_query(args, places_of(check), check.command_at), k_deadline);
      if (check.config_file != copy->path() || check.forwards.size() != cl.forwards.size() + found.size())
        why = "ssh's command line could not be given them";
      else if (!seen || !seen->forwards.empty() || seen->unread > 0 || seen->others != dump->others)
        why = "ssh does not read the copy of its configuration as it reads the files";
      if (why.empty()) {
        out.ssh_args = std::move(args);
        out.first_added = cl.options_end + 2;
        out.end_added = cl.options_end + added.size();
        out.copy = std::move(copy);
        return out;
      }
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
  if (dump->unread > 0)
    warn("ssh's configuration asks for " + std::to_string(dump->unread) + " forward(s) recssh cannot read (" + why +
         "): ssh forwards them itself, not recorded");
  return out;
}

} // namespace recssh::cli
