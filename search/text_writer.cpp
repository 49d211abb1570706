// SPDX-License-Identifier: MIT
#include "search/text_writer.hpp"

#include "core/format.hpp"
#include "search/screen_lines.hpp"
#include "store/metadata.hpp"

#include <optional>

namespace recssh::search {

namespace {

class TextWriter final : public EventWriter {
public:
  explicit TextWriter(ByteSink& sink) : EventWriter(sink) {}

private:
  void do_begin(const Header& h) override {
    auto md = store::metadata_of(h);
    const bool exec = md && md->stream == store::Stream::exec;
    auto line = [this](Micros, std::string_view text) {
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
  std::optional<ScreenLines> m_out, m_err;
  Micros m_last{0};
};

} // namespace

void register_text_writer(FormatRegistry& registry) {
  FormatInfo text;
  text.name = "text";
  text.aliases = {"transcript"};
  text.description = "the transcript as the screen showed it, a line per screen line (what recast grep searches; "
                     "write only)";
  text.make_writer = [](const WriterOutputs& out, const WriteOptions&) -> std::unique_ptr<EventWriter> {
    return std::make_unique<TextWriter>(out.main);
  };
  registry.add(std::move(text));
}

} // namespace recssh::search
