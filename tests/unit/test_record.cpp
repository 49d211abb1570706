// SPDX-License-Identifier: MIT
#include "record/coalescer.hpp"
#include "record/input_mask.hpp"
#include "record/process.hpp"
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

  cl = parse_ssh_args({"-V"});
  CHECK(cl.info_only);
  CHECK(cl.destination.empty());
  cl = parse_ssh_args({"--", "-host-"});
  CHECK(cl.host == "-host-");
  CHECK(describe_target(parse_ssh_args({"-p", "2", "u@h", "uptime"})) == "u@h_2 uptime");
}

TEST_CASE("secrets are scrubbed from argv", "[record][ssh]") {
  auto s = scrub_secrets({"db1", "mysql", "-uroot", "-pS3cret", "--password", "hunter2", "PGPASSWORD=x",
                          "--api-token=abc", "https://bob:pw@example.com/x", "-p", "2222"});
  CHECK(s == std::vector<std::string>{"db1", "mysql", "-uroot", "-p***", "--password", "***", "PGPASSWORD=***",
                                      "--api-token=***", "https://bob:***@example.com/x", "-p", "2222"});
  // ssh's own -p PORT is not a password
  CHECK(scrub_secrets({"-p", "22", "host"}) == std::vector<std::string>{"-p", "22", "host"});
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

TEST_CASE("a masked line stays masked up to Enter, and the alternate screen is exempt", "[record][mask]") {
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

  Collect out2;
  InputMask vim(out2, ms(100));
  vim.emit(Event::output(ms(0), "\x1b[?1049h"));
  vim.emit(Event::input(ms(10), "dd"));
  CHECK(out2.events.back() == Event::input(ms(10), "dd")); // no echo expected in vim
  vim.emit(Event::output(ms(20), "\x1b[?1049l"));
  vim.emit(Event::input(ms(30), "pw"));
  vim.finish(); // undecided at the end: masked
  CHECK(out2.events.back() == Event::input(ms(30), "*"));
}

TEST_CASE("end markers say status and reason", "[record][session]") {
  CHECK(end_label({7, 0}, true) == "recssh: end: status=7 reason=exit");
  CHECK(end_label({255, 0}, true) == "recssh: end: status=255 reason=ssh-error");
  CHECK(end_label({255, 0}, false) == "recssh: end: status=255 reason=exit");
  CHECK(end_label({137, 9}, true) == "recssh: end: status=137 reason=signal signal=9");
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
