// SPDX-License-Identifier: MIT
#include "convert/audit.hpp"
#include "convert/audit_report.hpp"
#include "convert/script_header.hpp"
#include "convert/script_timing.hpp"
#include "core/errors.hpp"
#include "core/io.hpp"

#include <catch2/catch.hpp>

using namespace recssh;
using namespace recssh::convert;

TEST_CASE("script(1) header lines of every layout", "[convert][script]") {
  // 2.38: COMMAND with unescaped quotes, parsed from the right
  auto h = parse_script_start("Script started on 2026-11-22 01:25:14+00:00 [COMMAND=\"PS1=\"$ \" sh\" "
                              "TERM=\"xterm-256color\" TTY=\"/dev/pts/0\" COLUMNS=\"80\" LINES=\"24\"]");
  CHECK(h.timestamp == 1795310714);
  REQUIRE(h.size);
  CHECK(*h.size == TermSize{80, 24});
  CHECK(h.command == std::optional<std::string>("PS1=\"$ \" sh"));
  CHECK(h.term == std::optional<std::string>("xterm-256color"));
  CHECK(h.tty == std::optional<std::string>("/dev/pts/0"));
  // not on a terminal: no size
  h = parse_script_start("Script started on 2015-05-24 17:43:18+00:00 [COMMAND=\"echo append1\" <not executed on terminal>]");
  CHECK(!h.size);
  CHECK(h.command == std::optional<std::string>("echo append1"));
  // 2.30: +HHMM offset; 2.11y-2.29: %c, no zone: no timestamp rather than a wrong one
  CHECK(parse_script_start("Script started on 2019-07-04 00:52:19+0100").timestamp == 1562197939);
  CHECK(!parse_script_start("Script started on Sat 20 Aug 2011 10:22:47 PM IST").timestamp);
  // translations are recognised
  CHECK(is_script_start_line("Skript gestartet auf 2026-11-22 01:25:14+01:00 [TERM=\"xterm\" COLUMNS=\"90\" LINES=\"30\"]"));
  CHECK(*parse_script_start("Skript gestartet auf 2026-11-22 01:25:14+01:00 [TERM=\"xterm\" COLUMNS=\"90\" LINES=\"30\"]")
             .size == TermSize{90, 30});
  CHECK(is_script_done_line("Script done on 2026-11-22 01:25:15+00:00 [COMMAND_EXIT_CODE=\"0\"]"));
  CHECK(!is_script_done_line("hello world"));
  CHECK(parse_script_exit("Script done on 2026-11-22 01:25:15+00:00 [COMMAND_EXIT_CODE=\"137\"]") == 137);
  CHECK(parse_script_exit("Command exit status: 3") == 3);
  CHECK(!parse_script_exit("Script done on Sat Aug 20 22:22:47 2011"));
}

TEST_CASE("script(1) timing records", "[convert][script]") {
  Diagnostics quiet;
  quiet.on_warning = [](const std::string&, const std::string&) {};
  struct Rec {
    char type;
    Micros delay;
    std::uint64_t size;
    std::string name, value; // the reader's views last until its next line: copied
  };
  auto read_all = [&](std::string text) {
    Input in = memory_input("t", std::move(text));
    TimingReader r(*in.source, "t", quiet);
    std::vector<Rec> out;
    TimingRecord rec;
    while (r.next(rec)) out.push_back({rec.type, rec.delay, rec.size, std::string(rec.name), std::string(rec.value)});
    return out;
  };
  auto c = read_all("0.000311 7\n0.5 20\n1,25 3\n");
  REQUIRE(c.size() == 3);
  CHECK(c[0].delay == Micros(311));
  CHECK(c[1].delay == Micros(500000)); // any number of decimals
  CHECK(c[2].delay == Micros(1250000)); // a comma locale
  CHECK(c[2].size == 3);
  auto a = read_all("H 0.000000 START_TIME 2026-11-22 01:25:14+00:00\nS 0.301354 SIGWINCH ROWS=30 COLS=100\n"
                    "I 0.301389 1\nH 0.000000 EMPTY\n");
  REQUIRE(a.size() == 4);
  CHECK(a[0].name == "START_TIME");
  CHECK(a[0].value == "2026-11-22 01:25:14+00:00");
  CHECK(a[1].value == "ROWS=30 COLS=100");
  CHECK(a[2].type == 'I');
  CHECK(a[3].value.empty());
  CHECK_THROWS_WITH(read_all("0.1 5\n0.2 x\n"), Catch::Contains("t:2: bad timing line"));
  CHECK(read_all("0.1 5\n0.2").size() == 1); // killed mid-line: the cut line is ignored
  CHECK(probe_script_timing("0.000311 7\n0.501169 20\n"));
  CHECK(probe_script_timing("H 0.000000 START_TIME x\n"));
  CHECK(!probe_script_timing("Script started on x\n"));
  CHECK(!probe_script_timing("12 monkeys\n"));
}

TEST_CASE("audit TTY data rendered as aureport --tty does", "[convert][audit]") {
  AuditRecord r;
  r.data = std::string("eh\x7f\x7f" "echo \"t\"\\\r\x1b[A\x01\xc3\xa9", 20);
  CHECK(aureport_data(r) == "\"eh\",<backspace>,<backspace>,\"echo \\\"t\\\"\\\\\",<ret>,<up>,<^A>,\"\\303\\251\"");
  r.data = "\x1bOP\x1b[24~\x1b" "x";
  CHECK(aureport_data(r) == "<F1>,<F12>,<esc>,\"x\"");
  r.data = "exit";
  r.data_quoted = true;
  CHECK(aureport_data(r) == "\"exit\"");
  CHECK(probe_audit("node=a type=TTY msg=audit(1.000:1): tty pid=1\n"));
  CHECK(probe_audit("type=DAEMON_START msg=audit(1.000:1): op=start\n"));
  CHECK(!probe_audit("{\"version\": 2}\n"));
}
