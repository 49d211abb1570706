// SPDX-License-Identifier: MIT
// The format registry's contract beyond reading and writing asciicast: writers by
// name with companion outputs, per-format option sets, formats completed by a later
// registration, sources of several sessions.
#include "convert/audit_session.hpp"
#include "convert/convert_file.hpp"
#include "convert/registry.hpp"
#include "convert/script.hpp"
#include "core/event_writer.hpp"
#include "core/format.hpp"

#include "helpers.hpp"

#include <catch2/catch.hpp>
#include <cstdio>

using namespace recssh;

namespace {

// A writer with a companion output, as a typescript writer has: the output bytes go
// to the main stream, "<delay> <bytes>" per chunk to the "timing" one.
class SplitWriter final : public EventWriter {
public:
  explicit SplitWriter(const WriterOutputs& out) : EventWriter(out.main), m_timing(out.companion("timing")) {}

private:
  void do_begin(const Header&) override {}
  void do_write(const Event& e) override {
    if (!e.is(code::output)) return;
    m_sink.write(e.data);
    char line[64];
    int n = std::snprintf(line, sizeof line, "%.6f %zu\n", double((e.time - m_last).count()) / 1e6, e.data.size());
    m_timing.write(line, std::size_t(n));
    m_last = e.time;
  }
  ByteSink& m_timing;
  Micros m_last{0};
};

// Registers the test writer for the scope of a test.
struct ScopedFormat {
  explicit ScopedFormat(FormatInfo f) : name(f.name) { formats().add(std::move(f)); }
  ~ScopedFormat() { formats().remove(name); }
  std::string name;
};

FormatInfo split_format() {
  FormatInfo f{"test-split", {}, "test only: output bytes + a timing companion", "", nullptr, nullptr,
               [](const WriterOutputs& out, const WriteOptions&) -> std::unique_ptr<EventWriter> {
                 return std::make_unique<SplitWriter>(out);
               }};
  f.companions = {"timing"};
  return f;
}

struct TestOptions {
  int n = 7;
};

} // namespace

TEST_CASE("a writer chosen by name gets the companion outputs its format declares", "[format][writer]") {
  ScopedFormat scoped(split_format());
  test::TempPath in(".cast"), out(".out");
  test::TempPath timing(".timing");
  test::write_file(in.path, "{\"version\": 2, \"width\": 80, \"height\": 24}\n"
                            "[0.5, \"o\", \"ab\"]\n[0.75, \"i\", \"x\"]\n[1.0, \"o\", \"cde\"]\n");
  convert::ConvertJob job;
  job.input = in.path;
  job.output = out.path;
  job.to = "test-split";
  job.companions = {{"timing", timing.path}};
  auto r = convert::convert_file(job);
  CHECK(r.events == 3);
  CHECK(test::read_file(out.path) == "abcde");
  CHECK(test::read_file(timing.path) == "0.500000 2\n0.500000 3\n");

  // Unnamed, the companion goes beside the output.
  test::TempPath out2(".out");
  job.output = out2.path;
  job.companions.clear();
  convert::convert_file(job);
  CHECK(test::read_file(out2.path + ".timing") == "0.500000 2\n0.500000 3\n");
  std::remove((out2.path + ".timing").c_str());

  // A writer asked for a companion nobody gave fails, naming it.
  test::StringSink sink;
  CHECK_THROWS_WITH(formats().get("test-split", true).make_writer(sink, {}), Catch::Contains("\"timing\""));
}

TEST_CASE("writers by name: raw is a writer and a conversion target (recast cat as a file)", "[format][writer]") {
  convert::register_formats();
  const FormatInfo& raw = formats().writer("raw");
  CHECK(raw.cast_version == 0);
  CHECK(raw.open); // convert/ completed core's entry with the reader
  CHECK(formats().all().back().name == "raw"); // in the place of the later registration
  CHECK(&formats().get("raw", true) == &raw);
  CHECK(raw.extension == ".out");
  CHECK(formats().writer("v3").cast_version == 3);
  CHECK_THROWS_AS(formats().writer("v1"), UsageError);
  test::StringSink sink;
  auto w = raw.make_writer(sink, {});
  w->begin(Header{});
  w->write(Event::output(Micros(0), "hi"));
  w->write(Event::input(Micros(1), "x"));
  w->finish();
  CHECK(sink.data == "hi");
}

TEST_CASE("per-format option sets are typed and default-made", "[format][options]") {
  ConvertOptions c;
  CHECK(c.formats.get<TestOptions>().n == 7);
  c.formats.emplace<TestOptions>().n = 3;
  c.formats.emplace<convert::ScriptOptions>().timing = "t";
  ConvertOptions copy = c;
  CHECK(copy.formats.get<TestOptions>().n == 3);
  CHECK(copy.formats.get<convert::ScriptOptions>().timing == "t");
  CHECK(copy.formats.get<convert::AuditOptions>().user.empty());
}

TEST_CASE("the registry describes what commands used to switch on", "[format]") {
  convert::register_formats();
  const FormatInfo* audit = formats().find("pam_tty_audit");
  REQUIRE(audit);
  CHECK(audit->sessions);
  CHECK(audit->tree.group("/x/audit.log.3") == "/x/audit.log");
  CHECK(audit->tree.group("/x/audit.log.2.gz") == "/x/audit.log");
  CHECK(audit->tree.group("/x.1/audit.log") == "/x.1/audit.log");
  CHECK(!formats().find("tlog")->sessions);
  CHECK(formats().find("script")->tree.lead_probe);
  CHECK(!formats().cli_options().empty());
  CHECK(convert::session_sources_noun() == "audit logs");
  CHECK(convert::session_source("/nonexistent", "") == nullptr);
  CHECK(convert::session_source("x", "audit") == audit);
  CHECK(convert::session_source("x", "script") == nullptr);
}
