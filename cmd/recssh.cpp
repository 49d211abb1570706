// SPDX-License-Identifier: MIT
// recssh: ssh, recorded. `recssh [recssh-options] [--] <ssh arguments>`.
#include "cmd/cli.hpp"
#include "cmd/record_session.hpp"
#include "cmd/session_forwards.hpp"
#include "cmd/ssh_background.hpp"
#include "cmd/version.hpp"
#include "core/errors.hpp"
#include "core/printable.hpp"
#include "forward/config_forwards.hpp"
#include "record/nesting.hpp"
#include "record/ssh_args.hpp"

#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace {

using namespace recssh;

// recssh's own options come first and are all long (--x); the first argument that is
// not one of them, or "--", starts ssh's arguments, which are passed on untouched.
std::size_t split_point(CLI::App& app, int argc, char** argv, std::string& unknown) {
  int i = 1;
  while (i < argc) {
    std::string_view a = argv[i];
    if (a == "--") return static_cast<std::size_t>(i);
    if (a.size() < 3 || a.substr(0, 2) != "--") break;
    std::string name(a.substr(0, a.find('=')));
    if (name == "--help" || name == "--version") {
      ++i;
      continue;
    }
    CLI::Option* opt = app.get_option_no_throw(name);
    if (!opt) {
      // ssh has no long options: a --word before the destination is a mistyped
      // recssh option, which ssh would only reject obscurely. (Reported from inside
      // the CLI runner, which owns error messages.)
      unknown = name;
      break;
    }
    ++i;
    if (opt->get_items_expected_max() != 0 && a.find('=') == std::string_view::npos) ++i; // its value
  }
  return static_cast<std::size_t>(std::min(i, argc));
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"recssh: ssh, with every session recorded as an asciicast"};
  app.name("recssh [recssh-options] [--] <ssh arguments>");
  app.set_help_flag("--help", "print this help and exit (-h belongs to ssh)");
  app.set_version_flag("--version", "recssh " RECSSH_VERSION);
  app.footer("Every argument after recssh's own (long) options goes to ssh unchanged.\n"
             "Examples:\n"
             "  recssh admin@db1                      interactive, into ~/.local/share/recssh/DAY/\n"
             "  recssh --stdin -p 2222 admin@db1      also typed input, passwords masked\n"
             "  recssh db1 uptime < /dev/null         exec stream: stdout, stderr, exit code");
  cli::RecordFlags flags;
  cli::add_record_flags(app, flags, false);
  bool quiet = false, print_path = false;
  std::string append_to;
  std::optional<std::string> forwards_flag;
  app.add_flag("--quiet", quiet, "no messages from recssh itself (errors excepted)");
  app.add_flag("--print-path", print_path, "print the recording's path on stderr when the session ends");
  app.add_option("--append", append_to, "append the session to this cast instead of a new file");
  app.add_option("--forwards", forwards_flag,
                 "port forwards (-L, -R, -D): pcap records their content beside the cast, meta only markers "
                 "and byte counts, off nothing (default: config, else pcap)")
      ->check(CLI::IsMember({"pcap", "meta", "off"}));

  std::string unknown;
  std::size_t split = split_point(app, argc, argv, unknown);
  std::vector<std::string> ssh_args;
  for (std::size_t i = split + (split < static_cast<std::size_t>(argc) && std::strcmp(argv[split], "--") == 0);
       i < static_cast<std::size_t>(argc); ++i)
    ssh_args.emplace_back(argv[i]);

  int status = 0;
  app.callback([&] {
    if (!unknown.empty()) {
      std::vector<std::string> names;
      for (const auto* o : app.get_options())
        for (const auto& l : o->get_lnames()) names.push_back("--" + l);
      std::string near = cli::closest(unknown, names);
      throw UsageError("unknown recssh option " + unknown + (near.empty() ? "" : " (did you mean " + near + "?)") +
                       "; ssh's options come after recssh's");
    }
    if (ssh_args.empty()) throw UsageError("no ssh arguments: recssh [recssh-options] [--] <ssh arguments>");
    const char* ssh_env = std::getenv("RECSSH_SSH");
    std::string ssh = ssh_env && *ssh_env ? std::string(ssh_env) : record::find_in_path("ssh");
    auto cl = record::parse_ssh_args(ssh_args);
    std::vector<std::string> argv_run{ssh};
    argv_run.insert(argv_run.end(), ssh_args.begin(), ssh_args.end());
    const auto nested = record::nesting();
    if (nested == record::Nesting::loop)
      throw Error("the ssh that recssh runs (" + printable(ssh) + ") started recssh again (an ssh in PATH that runs "
                  "recssh?); set RECSSH_SSH to the real ssh, e.g. RECSSH_SSH=/usr/bin/ssh");
    if (nested == record::Nesting::inside_session && !cl.info_only && !cl.destination.empty()) {
      if (!quiet)
        std::fprintf(stderr, "recssh: note: inside recorded session %s; not recording this ssh a second time\n",
                     printable(record::enclosing_session()).c_str());
    }
    if (cl.info_only || cl.destination.empty() || nested == record::Nesting::inside_session) {
      // ssh -V, -G, -Q or a usage error: ssh prints and exits; nothing to record.
      // Inside a recorded session: the enclosing recording has it all.
      record::mark_unrecorded_ssh();
      std::vector<char*> a;
      for (auto& s : argv_run) a.push_back(s.data());
      a.push_back(nullptr);
      ::execv(ssh.c_str(), a.data());
      throw Error("cannot run " + ssh + ": " + std::strerror(errno));
    }

    const auto config = store::load_config();
    auto rec = cli::resolve_recording(flags, config);
    // Forwards: recssh takes the ports and gives ssh private ends (cmd/session_forwards).
    // Those of ssh's configuration files too: moved to its command line (with -F naming
    // a copy of the files without them) where recssh relays forwards.
    const auto mode = *forward::parse_mode(forwards_flag.value_or(config.forwards.value_or("pcap")));
    auto warn = [quiet](const std::string& w) {
      if (!quiet) std::fprintf(stderr, "recssh: note: %s\n", printable(w).c_str());
    };
    // ssh -f (or ForkAfterAuthentication from -o or the configuration files): recssh
    // goes to the background itself, where ssh would (cmd/ssh_background); ssh runs
    // without it, and the forwards are relayed as in any session.
    const std::vector<std::string> typed = ssh_args; // for the header: as the user gave them
    std::unique_ptr<cli::SshBackground> background;
    if (cl.background || forward::config_may_forward(cl.config_file, forward::SshHomes::of_this_user())) {
      std::string why;
      background = cli::SshBackground::prepare(ssh, ssh_args, why);
      if (!why.empty()) {
        warn(why);
        cl.background = true; // (ssh goes to the background: its forwards stay its own)
      }
    }
    if (background) {
      ssh_args = background->ssh_args();
      cl = record::parse_ssh_args(ssh_args);
      argv_run.resize(1);
      argv_run.insert(argv_run.end(), ssh_args.begin(), ssh_args.end());
      if (auto waited = background->fork()) { // the recssh the user started
        status = *waited;
        return;
      }
    }
    // (-W: ssh clears every other forward, as ClearAllForwardings does: none to relay)
    const bool stdio = !cl.stdio_forward.empty();
    auto from_config =
        cli::config_forwards(ssh, ssh_args, cl, mode != forward::Mode::off && !cl.background && !stdio, warn);
    auto run_cl = from_config.copy ? record::parse_ssh_args(from_config.ssh_args) : cl;
    // (ssh -G knows GatewayPorts from the command line and the configuration files)
    run_cl.gateway_ports = from_config.gateway_ports.value_or(run_cl.gateway_ports);
    std::optional<cli::SessionForwards> forwards;
    if (!run_cl.forwards.empty()) {
      if (stdio) warn("with -W, ssh clears every other forward (as ClearAllForwardings does): not relayed");
      forwards.emplace(from_config.ssh_args, run_cl, stdio ? forward::Mode::off : mode, warn,
                       std::pair{from_config.first_added, from_config.end_added});
      argv_run.resize(1);
      argv_run.insert(argv_run.end(), forwards->ssh_args().begin(), forwards->ssh_args().end());
    }
    // The header's argv, the target and the file name all come from the scrubbed copy,
    // so a secret cannot reach one of them by a path the others do not take.
    auto scrubbed = record::scrub_secrets(typed);
    auto shown = record::parse_ssh_args(scrubbed);
    cli::SessionRequest req;
    req.argv = argv_run;
    req.meta_argv = scrubbed;
    // (in the background, ssh has no terminal to read: its output is recorded on pipes)
    req.stream = !background && ::isatty(0) && ::isatty(1) ? store::Stream::shell : store::Stream::exec;
    req.what = record::describe_target(shown);
    req.target = shown.user.empty() ? shown.host : shown.user + "@" + shown.host;
    req.ssh = true;
    req.file = append_to;
    req.append = !append_to.empty();
    req.quiet = quiet;
    if (background) req.child_ignores = cli::SshBackground::ssh_ignores();
    if (forwards) {
      req.forwards = forwards->described();
      req.side = forwards->side();
      req.companions = [&forwards] { return forwards->captures(); };
    }
    for (auto& f : from_config.listed) req.forwards.push_back(std::move(f));
    // -W: ssh's standard input and output are the connection; what comes back is the
    // session's output (an exec recording), so it is in the cast, not in a capture.
    if (!cl.stdio_forward.empty()) req.forwards.push_back("W " + cl.stdio_forward + " (stdio: the output)");
    if (rec.recorder.record_input && req.stream == store::Stream::exec && !quiet)
      std::fprintf(stderr, "recssh: note: --stdin records what is typed in interactive sessions; this one runs "
                           "on pipes (no terminal), so its input is passed on, not recorded\n");
    auto result = cli::record_session(rec, req, [&](const std::string& path, const store::Metadata& meta) {
      if (forwards) forwards->start(rec.placement, path, meta);
    });
    status = result.status;
    if (print_path && !quiet) std::fprintf(stderr, "recssh: recorded %s\n", printable(result.path).c_str());
  });
  // Parse only recssh's own part; ssh's part is never interpreted as our options.
  std::vector<char*> own(argv, argv + split);
  return cli::run("recssh", app, static_cast<int>(own.size()), own.data(), status, 255);
}
