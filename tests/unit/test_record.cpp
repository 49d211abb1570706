// SPDX-License-Identifier: MIT
#include "record/coalescer.hpp"
#include "record/input_mask.hpp"
#include "record/process.hpp"
#include "record/scrub.hpp"
#include "record/session.hpp"
#include "record/ssh_args.hpp"
#include "core/errors.hpp"
#include "helpers.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>

using namespace recssh;
using namespace recssh::record;

namespace {
struct Collect final : EventTarget {
  std::vector<Event> events;
  void emit(Event&& e) override { events.push_back(std::move(e)); }
};
Micros ms(int n) { return Micros(n * 1000); }
} // namespace

TEST_CASE("ssh arguments are read as ssh reads them", "[record][ssh]") {
  auto cl = parse_ssh_args({"-p", "2222", "-tt", "-L", "80:x:80", "-oUser=u", "admin@db1", "ls", "-la"});
  CHECK(cl.user == "admin");
  CHECK(cl.host == "db1");
  CHECK(cl.port == "2222");
  CHECK(cl.force_tty);
  CHECK(cl.command == std::vector<std::string>{"ls", "-la"});

  cl = parse_ssh_args({"-vp22", "-l", "bob", "[::1]"});
  CHECK(cl.port == "22");
  CHECK(cl.user == "bob");
  CHECK(cl.host == "::1");
  CHECK(cl.command.empty());

  cl = parse_ssh_args({"ssh://alice@h.example:2200"});
  CHECK(cl.user == "alice");
  CHECK(cl.host == "h.example");
  CHECK(cl.port == "2200");
  cl = parse_ssh_args({"ssh://h.example:2200"});
  CHECK(cl.host == "h.example");
  CHECK(cl.port == "2200");
  // The first user and port ssh is given are the ones it uses (ssh -G agrees).
  cl = parse_ssh_args({"-l", "a", "-l", "b", "-p", "1", "-p", "2", "u@h", "-l", "v"});
  CHECK(cl.user == "a");
  CHECK(cl.port == "1");
  cl = parse_ssh_args({"u@h", "-l", "v", "-p", "7"});
  CHECK(cl.user == "u");
  CHECK(cl.port == "7");

  cl = parse_ssh_args({"-V"});
  CHECK(cl.info_only);
  CHECK(cl.destination.empty());
  cl = parse_ssh_args({"--", "-host-"});
  CHECK(cl.host == "-host-");
  CHECK(describe_target(parse_ssh_args({"-p", "2", "u@h", "uptime"})) == "u@h_2 uptime");

  // Options after the destination are ssh's too (it runs getopt again on what follows
  // the destination), up to the first word that is not one: the command.
  cl = parse_ssh_args({"h", "-L", "80:x:80", "-NW", "db:5432", "-p22"});
  REQUIRE(cl.forwards.size() == 1);
  CHECK(cl.forwards[0].arg == 2);
  CHECK(cl.no_command);
  CHECK(cl.stdio_forward == "db:5432");
  CHECK(cl.port == "22");
  CHECK(cl.command_at == 6);
  CHECK(cl.command.empty());
  cl = parse_ssh_args({"h", "-t", "ls", "-L", "1:a:1"});
  CHECK(cl.force_tty);
  CHECK(cl.forwards.empty());
  CHECK(cl.command == std::vector<std::string>{"ls", "-L", "1:a:1"});
  // ... unless a "--" ends them: before the destination, or after it.
  cl = parse_ssh_args({"--", "h", "-L", "1:a:1"});
  CHECK(cl.forwards.empty());
  CHECK(cl.command == std::vector<std::string>{"-L", "1:a:1"});
  cl = parse_ssh_args({"h", "-L1:a:1", "--", "-L", "2:a:2"});
  CHECK(cl.forwards.size() == 1);
  CHECK(cl.command == std::vector<std::string>{"-L", "2:a:2"});
  // Where an option added is read after all the others: before the "--" that ends
  // them, else where the command starts.
  CHECK(cl.options_end == 2);
  CHECK(parse_ssh_args({"h", "-L", "1:a:1", "ls"}).options_end == 3);
  CHECK(parse_ssh_args({"-N", "--", "h", "ls"}).options_end == 1);
  CHECK(parse_ssh_args({"-N", "h"}).options_end == 2);
  // GatewayPorts: -g, or the first -o GatewayPorts (ssh keeps the first value given).
  CHECK(parse_ssh_args({"-o", "GatewayPorts=yes", "h"}).gateway_ports);
  CHECK_FALSE(parse_ssh_args({"-oGatewayPorts no", "-o", "gatewayports=yes", "h"}).gateway_ports);
  CHECK(parse_ssh_args({"-o", "GatewayPorts=no", "-g", "h"}).gateway_ports);
  CHECK(parse_ssh_args({"h", "-o", "GatewayPorts true"}).gateway_ports);
}

TEST_CASE("-f becomes -n where it stands, and nothing else changes", "[record][ssh]") {
  using V = std::vector<std::string>;
  CHECK(without_background({"-f", "h", "ls"}) == V{"-n", "h", "ls"});
  CHECK(without_background({"-fNL", "1:h:2", "h"}) == V{"-nNL", "1:h:2", "h"});
  // a value is not a flag: -F f, -L with an f in it, -lf (the user "f")
  CHECK(without_background({"-F", "-f", "-lf", "-L", "f:1:f:2", "h"}) == V{"-F", "-f", "-lf", "-L", "f:1:f:2", "h"});
  // after the destination too (ssh reads options there), not in the remote command
  CHECK(without_background({"h", "-Nf", "-o", "x=-f"}) == V{"h", "-Nn", "-o", "x=-f"});
  CHECK(without_background({"h", "ls", "-f"}) == V{"h", "ls", "-f"});
  CHECK(without_background({"--", "h", "-f"}) == V{"--", "h", "-f"});
  CHECK_FALSE(parse_ssh_args(without_background({"-f", "-N", "h"})).background);
  // -o ForkAfterAuthentication is -f: the first -o counts, and -f wins over any
  CHECK(parse_ssh_args({"-o", "ForkAfterAuthentication=yes", "-N", "h"}).background);
  CHECK_FALSE(parse_ssh_args({"-oforkafterauthentication no", "-o", "ForkAfterAuthentication=yes", "h"}).background);
  CHECK(parse_ssh_args({"-o", "ForkAfterAuthentication=no", "-f", "h", "ls"}).background);
}

TEST_CASE("secrets are scrubbed from argv", "[record][ssh]") {
  auto s = scrub_secrets({"db1", "mysql", "-uroot", "-pS3cret", "--password", "hunter2", "PGPASSWORD=x",
                          "--api-token=abc", "https://bob:pw@example.com/x", "-p", "2222"});
  CHECK(s == std::vector<std::string>{"db1", "mysql", "-uroot", "-p***", "--password", "***", "PGPASSWORD=***",
                                      "--api-token=***", "https://bob:***@example.com/x", "-p", "2222"});
  // ssh's own -p PORT is not a password
  CHECK(scrub_secrets({"-p", "22", "host"}) == std::vector<std::string>{"-p", "22", "host"});
}

TEST_CASE("command lines are split into words as a shell does", "[record][scrub]") {
  auto words = [](std::string_view line) {
    std::vector<std::string> out;
    for (auto& t : split_shell(line)) out.push_back(t.op ? "<" + t.text + ">" : t.text);
    return out;
  };
  using V = std::vector<std::string>;
  CHECK(words("TOKEN=x; rm -rf /important") == V{"TOKEN=x", "<;>", "rm", "-rf", "/important"});
  CHECK(words("a&&b||c|d &") == V{"a", "<&&>", "b", "<||>", "c", "<|>", "d", "<&>"});
  CHECK(words(R"(echo 'a b' "c \"d\" $x" e\ f)") == V{"echo", "a b", R"(c "d" $x)", "e f"});
  CHECK(words("echo $(a; b) `c; d` ${e;}x") == V{"echo", "$(a; b)", "`c; d`", "${e;}x"});
  CHECK(words("echo \"$(printf ')')\" z") == V{"echo", "$(printf ')')", "z"});
  CHECK(words("x 'unbalanced; rest") == V{"x", "unbalanced; rest"});
  auto t = split_shell("ab 'c d'");
  REQUIRE(t.size() == 2);
  CHECK(t[1].begin == 3);
  CHECK(t[1].end == 8);
  CHECK(t[1].src == std::vector<std::size_t>{4, 5, 6});
}

// Issue 14 C2: a secret-looking KEY= cut the command there, in the header and the name.
TEST_CASE("only secret values are scrubbed: the rest of the command is kept", "[record][scrub]") {
  CHECK(scrub_secrets({"host", "TOKEN=x; rm -rf /important"}) ==
        std::vector<std::string>{"host", "TOKEN=***; rm -rf /important"});
  CHECK(describe_target(parse_ssh_args(scrub_secrets({"host", "TOKEN=x; rm -rf /important"}))) ==
        "host TOKEN=***; rm -rf /important");
  CHECK(scrub_command("export TOKEN=abc && curl -s x | sh") == "export TOKEN=*** && curl -s x | sh");
  CHECK(scrub_command("PASSWORD='a b' cmd 'PASSWORD=c' \"x\" next") == "PASSWORD='***' cmd 'PASSWORD=***' \"x\" next");
  // an expansion or a command in a value is not the secret and stays visible
  CHECK(scrub_command("TOKEN=$(rm -rf /important) cmd") == "TOKEN=$(rm -rf /important) cmd");
  CHECK(scrub_command("PASSWORD=\"pre$X\" cmd") == "PASSWORD=\"***$X\" cmd");
  CHECK(scrub_command("uptime; ls -la '/tmp/a b'") == "uptime; ls -la '/tmp/a b'");
}

// Issue 14 C3 and the siblings of each.
TEST_CASE("secrets in options, commands, headers and URLs are scrubbed", "[record][scrub]") {
  using V = std::vector<std::string>;
  CHECK(scrub_secrets({"-o", "SetEnv=PASSWORD=hunter2", "-oSetEnv=A=1 DB_TOKEN=t", "h"}) ==
        V{"-o", "SetEnv=PASSWORD=***", "-oSetEnv=A=1 DB_TOKEN=***", "h"});
  CHECK(scrub_secrets({"-o", "ProxyCommand=curl -H 'Authorization: Bearer tok123' --token t2 x", "h"}) ==
        V{"-o", "ProxyCommand=curl -H 'Authorization: Bearer ***' --token *** x", "h"});
  CHECK(scrub_secrets({"-o", "ProxyCommand sshpass -p pw ssh -W %h:%p j", "h"}) ==
        V{"-o", "ProxyCommand sshpass -p *** ssh -W %h:%p j", "h"});
  // ... after the destination as well, where ssh reads them as options.
  CHECK(scrub_secrets({"h", "-o", "ProxyCommand sshpass -p pw ssh -W %h:%p j", "-J", "u:pw@j", "ls", "-p", "x"}) ==
        V{"h", "-o", "ProxyCommand sshpass -p *** ssh -W %h:%p j", "-J", "u:***@j", "ls", "-p", "x"});
  // ssh's own options are not secrets, even when their names sound like it
  V plain{"-o", "PasswordAuthentication=no", "-o", "IdentityAgent=/run/agent.sock", "-oPreferredAuthentications=publickey",
          "h"};
  CHECK(scrub_secrets(plain) == plain);
  CHECK(scrub_secrets({"-J", "u:pw@jump,ssh://v:pw2@j2:22", "h"}) == V{"-J", "u:***@jump,ssh://v:***@j2:22", "h"});
  CHECK(scrub_secrets({"bob:pw@db1", "ls"}) == V{"bob:***@db1", "ls"});
  CHECK(scrub_secrets({"ssh://root:pw@db1:2222"}) == V{"ssh://root:***@db1:2222"});
  CHECK(scrub_secrets({"[::1]", "user@[::1]"}) == V{"[::1]", "user@[::1]"});

  // inside the remote command: as one string or as words
  CHECK(scrub_secrets({"h", "curl -u admin:pw https://x"}) == V{"h", "curl -u admin:*** https://x"});
  CHECK(scrub_secrets({"h", "curl", "-uadmin:pw", "--user=a:b", "--proxy-user", "p:q"}) ==
        V{"h", "curl", "-uadmin:***", "--user=a:***", "--proxy-user", "p:***"});
  CHECK(scrub_secrets({"h", "curl -H \"Authorization: Bearer abc\" -H 'X-Api-Key: k' -H 'Accept: x' u"}) ==
        V{"h", "curl -H \"Authorization: Bearer ***\" -H 'X-Api-Key: ***' -H 'Accept: x' u"});
  CHECK(scrub_command("sshpass -pPW ssh x; sshpass -p PW2 ssh y") == "sshpass -p*** ssh x; sshpass -p *** ssh y");
  CHECK(scrub_command("sudo mysql -u root -pS3cret db && mysqldump --password=X db") ==
        "sudo mysql -u root -p*** db && mysqldump --password=*** db");
  CHECK(scrub_command("mysql -p dbname") == "mysql -p dbname"); // -p alone prompts; dbname is no secret
  CHECK(scrub_command("PGPASSWORD=x psql -h db") == "PGPASSWORD=*** psql -h db");
  CHECK(scrub_command("AWS_SECRET_ACCESS_KEY=abc aws s3 ls") == "AWS_SECRET_ACCESS_KEY=*** aws s3 ls");
  CHECK(scrub_command("git clone https://user:tok@git.example/r.git") == "git clone https://user:***@git.example/r.git");
  CHECK(scrub_command("scp f bob:pw@h:/x; git clone git@github.com:o/r; DB=u:p@h cmd") ==
        "scp f bob:***@h:/x; git clone git@github.com:o/r; DB=u:***@h cmd");
  CHECK(scrub_command("psql 'postgres://u:p%40ss@db/x?sslmode=require&password=z&a=1'") ==
        "psql 'postgres://u:***@db/x?sslmode=require&password=***&a=1'");
  CHECK(scrub_command("redis-cli -a pw ping; redis-cli -apw2 ping") == "redis-cli -a *** ping; redis-cli -a*** ping");
  CHECK(scrub_command("openssl rsa -passin pass:xyz -in k") == "openssl rsa -passin *** -in k");
  CHECK(scrub_command("docker login --password-stdin -u bob") == "docker login --password-stdin -u bob");
  CHECK(scrub_command("git commit --author=bob -m x") == "git commit --author=bob -m x");
  // an operator ends the program's scope: -p after a pipe is not mysql's
  CHECK(scrub_command("mysql -e x | grep -pattern") == "mysql -e x | grep -pattern");
}

TEST_CASE("the target and the name come from the scrubbed arguments", "[record][ssh]") {
  auto shown = parse_ssh_args(scrub_secrets({"ssh://root:pw@db1:2222", "mysql -pSECRET"}));
  CHECK(shown.user == "root:***");
  CHECK(shown.host == "db1");
  CHECK(shown.port == "2222");
  CHECK(describe_target(shown) == "root:***@db1_2222 mysql -p***");
  shown = parse_ssh_args(scrub_secrets({"bob:pw@db1", "sshpass -p X ssh y"}));
  CHECK(shown.user == "bob:***");
  CHECK(describe_target(shown) == "bob:***@db1 sshpass -p *** ssh y");
}

TEST_CASE("the coalescer merges chunks within the delay and keeps characters whole", "[record][coalesce]") {
  Collect out;
  Coalescer c("o", {ms(10), 8});
  c.add(ms(0), "ab", out);
  c.add(ms(3), "c\xC3", out); // first byte of é
  CHECK(out.events.empty());
  REQUIRE(c.deadline() == ms(10));
  c.flush(out);
  REQUIRE(out.events.size() == 1);
  CHECK(out.events[0] == Event::output(ms(0), "abc"));
  c.add(ms(20), "\xA9xyz", out);
  c.add(ms(21), "12345", out); // reaches max_bytes: emitted at once
  REQUIRE(out.events.size() == 2);
  CHECK(out.events[1] == Event::output(ms(20), "\xC3\xA9xyz12345"));
  c.add(ms(30), "\xE2\x82", out);
  c.finish(out); // a dangling partial character becomes U+FFFD, not nothing
  REQUIRE(out.events.size() == 3);
  CHECK(out.events[2].data == "\xEF\xBF\xBD");
}

TEST_CASE("echoed input is kept, input that is never echoed is masked", "[record][mask]") {
  Collect out;
  InputMask m(out, ms(500));
  m.emit(Event::output(ms(0), "$ "));
  m.emit(Event::input(ms(100), "ls\r"));
  m.emit(Event::output(ms(110), "l\x1b[0ms\r\nfile\r\n$ ")); // echo with an escape inside
  REQUIRE(out.events.size() == 3);
  CHECK(out.events[1] == Event::input(ms(100), "ls\r"));

  m.emit(Event::output(ms(200), "Password: "));
  m.emit(Event::input(ms(300), "hunt"));
  m.emit(Event::output(ms(350), "x")); // unrelated output is held back, in order
  m.emit(Event::input(ms(400), "er2\r"));
  CHECK(out.events.size() == 4);
  m.tick(ms(799));
  CHECK(out.events.size() == 4);
  m.tick(ms(800));
  REQUIRE(out.events.size() == 8);
  CHECK(out.events[4] == Event::marker(ms(300), "recssh: input masked (not echoed)"));
  CHECK(out.events[5] == Event::input(ms(300), "*"));
  CHECK(out.events[6] == Event::output(ms(350), "x"));
  CHECK(out.events[7] == Event::input(ms(400), "*\r"));

  // Echo that comes after the window does not count
  m.emit(Event::input(ms(1000), "secret"));
  m.emit(Event::output(ms(1600), "secret"));
  m.tick(ms(1600));
  CHECK(out.events.back() == Event::output(ms(1600), "secret"));
  CHECK(out.events[out.events.size() - 2] == Event::input(ms(1000), "*"));
}

TEST_CASE("a masked line stays masked up to Enter", "[record][mask]") {
  Collect out;
  InputMask m(out, ms(100));
  m.emit(Event::input(ms(0), "p"));
  m.tick(ms(100));
  m.emit(Event::input(ms(150), "w")); // same line: masked at once
  m.emit(Event::input(ms(160), "\x7f")); // backspace kept
  m.emit(Event::input(ms(170), "d\r"));
  m.emit(Event::input(ms(300), "l")); // a new line: waits for its echo again
  m.emit(Event::output(ms(310), "l"));
  std::vector<std::string> data;
  for (auto& e : out.events) data.push_back(e.data);
  CHECK(data == std::vector<std::string>{"recssh: input masked (not echoed)", "*", "*", "\x7f", "*\r", "l", "l"});
}

namespace {
std::vector<std::string> inputs(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (auto& e : events)
    if (e.is(code::input)) out.push_back(e.data);
    else if (e.is(code::marker)) out.push_back("[" + e.data + "]");
  return out;
}
} // namespace

// Issue 14 C1: `read -s` inside a remote tmux was recorded in clear.
TEST_CASE("on the alternate screen input is masked unless it is drawn", "[record][mask]") {
  using V = std::vector<std::string>;
  Collect out;
  InputMask m(out, ms(100));
  m.emit(Event::output(ms(0), "\x1b[?1049h\x1b[H\x1b[2J$ read -s pw\r\n\x1b[7m[0] 0:bash*\x1b[m\x1b[1;1H"));
  m.emit(Event::input(ms(10), "hunter2intmux\r"));
  m.emit(Event::output(ms(20), "\x1b[2;1H"));
  m.tick(ms(110));
  // typed at the shell inside tmux: tmux draws each character where it goes
  m.emit(Event::input(ms(200), "l"));
  m.emit(Event::output(ms(210), "\x1b[?25l\x1b[3;3Hl\x1b[?25h"));
  m.emit(Event::input(ms(220), "s"));
  m.emit(Event::output(ms(230), "\x1b[3;4Hs"));
  // one key is judged at a time: after a masked key (vim's j) a drawn one is kept
  m.emit(Event::input(ms(300), "j"));
  m.tick(ms(400));
  m.emit(Event::input(ms(500), "x"));
  m.emit(Event::output(ms(510), "\x1b[4;1Hx"));
  m.finish();
  CHECK(inputs(out.events) == V{"[recssh: input masked (not echoed)]", "*\r", "l", "s",
                                "[recssh: input masked (not echoed)]", "*", "x"});
}

// Issue 14 C4: wrapped lines and Tab completion were recorded as "*".
TEST_CASE("an echo may wrap, be redrawn or be completed", "[record][mask]") {
  using V = std::vector<std::string>;
  Collect out;
  InputMask m(out, ms(100));
  // readline at the right margin: the character, then " \r" (or CR LF) to wrap
  m.emit(Event::input(ms(0), "echo abcdefgh"));
  m.emit(Event::output(ms(10), "echo abcd \refgh"));
  m.emit(Event::input(ms(20), "ijkl"));
  m.emit(Event::output(ms(30), "ij\r\n\x1b[Kkl"));
  // Tab completes: the completion sits between what was typed before and after it
  m.emit(Event::input(ms(40), "gi\tst"));
  m.emit(Event::output(ms(50), "git st"));
  m.emit(Event::input(ms(60), "\t"));
  m.emit(Event::output(ms(70), "\x07"));
  // arrows are keys, not text
  m.emit(Event::input(ms(80), "\x1b[A"));
  m.emit(Event::input(ms(90), "\r"));
  m.finish();
  CHECK(inputs(out.events) == V{"echo abcdefgh", "ijkl", "gi\tst", "\t", "\x1b[A", "\r"});

  // but what is typed still has to come back, in order
  Collect out2;
  InputMask p(out2, ms(100));
  p.emit(Event::input(ms(0), "hunter2\x1b[D\r"));
  p.emit(Event::output(ms(10), "\r\nhello, there is your turn 2\r\n"));
  p.tick(ms(100));
  CHECK(inputs(out2.events) == V{"[recssh: input masked (not echoed)]", "*\x1b[D\r"});
}

TEST_CASE("end markers say status and reason", "[record][session]") {
  auto ended = [](int status, int signal, bool aborted = false, int received = 0) {
    return SessionEnd{ExitStatus{status, signal}, Micros{0}, aborted, received};
  };
  CHECK(end_label(ended(7, 0), true) == "recssh: end: status=7 reason=exit");
  CHECK(end_label(ended(255, 0), true) == "recssh: end: status=255 reason=ssh-error");
  CHECK(end_label(ended(255, 0), false) == "recssh: end: status=255 reason=exit");
  CHECK(end_label(ended(137, 9), true) == "recssh: end: status=137 reason=signal signal=9");
  // The real reason before what ssh made of it (ssh exits 255 when hung up).
  CHECK(end_label(ended(255, 0, false, SIGTERM), true) == "recssh: end: status=255 reason=sigterm");
  CHECK(end_label(ended(255, 0, false, SIGHUP), true) == "recssh: end: status=255 reason=sighup");
  CHECK(end_label(ended(129, 1, false, SIGHUP), false) == "recssh: end: status=129 reason=sighup signal=1");
  CHECK(end_label(ended(130, 2, false, SIGINT), false) == "recssh: end: status=130 reason=sigint signal=2");
  CHECK(end_label(ended(255, 0, true), true) == "recssh: end: status=255 reason=write-error");
  // A loss is never hidden behind a clean-looking end.
  CHECK(end_label(ended(0, 0), true, 3145728) == "recssh: end: status=0 reason=exit lost=3145728");
  CHECK(ExitStatus::from_wait(7 << 8).status == 7);
  CHECK(ExitStatus::from_wait(15).status == 143);
}

TEST_CASE("a pty child left behind by an exception is hung up and reaped", "[record][process]") {
  pid_t pid = -1;
  try {
    PtyChild pty = spawn_in_pty({"/bin/sleep", "30"}, nullptr, TermSize{80, 24}, {});
    pid = pty.process.pid();
    REQUIRE(::kill(pid, 0) == 0);
    throw Error("the record loop failed");
  } catch (const Error&) {
  }
  REQUIRE(pid > 0);
  CHECK(::kill(pid, 0) == -1); // gone and reaped: not even a zombie is left
  CHECK(errno == ESRCH);

  PtyChild done = spawn_in_pty({"/bin/sh", "-c", "exit 7"}, nullptr, TermSize{80, 24}, {});
  CHECK(done.process.wait().status == 7);
  CHECK(done.process.done());
}
