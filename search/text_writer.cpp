// SPDX-License-Identifier: MIT
#include "search/text_writer.hpp"

#include "core/format.hpp"
#include "search/grep.hpp"
#include "search/screen_lines.hpp"
#include "store/metadata.hpp"

#include <CLI/CLI.hpp>

#include <optional>

namespace recssh::search {

namespace {

class TextWriter final : public EventWriter {
public:
  TextWriter(ByteSink& sink, TextOptions options) : EventWriter(sink), m_options(options) {}

private:
  void do_begin(const Header& h) override {
    auto md = store::metadata_of(h);
    const bool exec = md && md->stream == store::Stream::exec;
    // As grep prints them: --wall falls back to the offset when the header has no timestamp.
    const std::optional<std::int64_t> start = m_options.wall ? h.timestamp : std::nullopt;
    auto line = [this, start](Micros t, std::string_view text) {
      if (m_options.wall || m_options.timestamps) {
        const std::string when = (start ? format_wall(*start, t) : format_offset(t)) + " ";
        m_sink.write(when.data(), when.size());
      }
      m_sink.write(text.data(), text.size());
      m_sink.write("\n", 1);
    };
    m_out.emplace(h.size, exec ? ScreenLines::Model::pipe : ScreenLines::Model::automatic, line);
    m_err.emplace(h.size, ScreenLines::Model::pipe, line);
  }
  void do_write(const Event& e) override {
    m_last = e.time;
    if (e.is(code::output)) m_out->feed(e.time, e.data);
    else if (e.is("e")) m_err->feed(e.time, e.data);
    else if (e.is(code::resize))
      if (auto s = parse_size(e.data)) m_out->resize(e.time, *s);
  }
  void do_finish() override {
    m_out->finish(m_last);
    m_err->finish(m_last);
  }
  TextOptions m_options;
  std::optional<ScreenLines> m_out, m_err;
  Micros m_last{0};
};

} // namespace

void register_text_writer(FormatRegistry& registry) {
  FormatInfo text;
  text.name = "text";
  text.aliases = {"transcript"};
  text.extension = ".txt";
  text.description = "the transcript as the screen showed it, a line per screen line (what recast grep searches; "
                     "write only)";
  text.make_writer = [](const WriterOutputs& out, const WriteOptions& o) -> std::unique_ptr<EventWriter> {
    return std::make_unique<TextWriter>(out.main, o.formats ? o.formats->get<TextOptions>() : TextOptions{});
  };
  registry.add(std::move(text));
  registry.add_cli_options({"text", [](CLI::App& cmd, CliTargets into) {
                              auto& t = into.convert.formats.emplace<TextOptions>();
                              const char* g = "--to text";
                              cmd.add_flag("--timestamps", t.timestamps,
                                           "each line prefixed with the time it was complete on the screen, since the start")
                                  ->group(g);
                              cmd.add_flag("--wall", t.wall, "each line prefixed with that time on the wall clock (from the header's timestamp)")
                                  ->group(g);
                            }});
}

} // namespace recssh::search
