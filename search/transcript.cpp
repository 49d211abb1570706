// SPDX-License-Identifier: MIT
#include "search/transcript.hpp"

#include "search/typed_input.hpp"

#include <optional>

namespace recssh::search {

TranscriptInfo transcribe(EventReader& reader, const TranscriptOptions& options,
                          const std::function<bool(const Line&)>& on_line) {
  TranscriptInfo info;
  bool go = true;
  Micros now{0};
  auto line = [&](std::string_view stream) {
    return [&, stream](Micros t, std::string_view text) {
      if (go) go = on_line(Line{t, stream, text});
    };
  };
  const TermSize size = reader.header().size;
  std::optional<ScreenLines> out, err;
  TypedLines typed;
  auto typed_line = [&](std::string_view text) {
    if (go) go = on_line(Line{now, "i", text});
  };
  if (options.what == Searched::screen) {
    out.emplace(size, options.exec ? ScreenLines::Model::pipe : options.model, line("o"));
    err.emplace(size, ScreenLines::Model::pipe, line("e"));
  }
  std::vector<EventView> events;
  while (go && reader.next_views(events)) {
    for (const EventView& e : events) {
      now = e.time;
      if (e.code == code::marker && e.data.substr(0, k_masked_marker.size()) == k_masked_marker) ++info.masked;
      switch (options.what) {
      case Searched::screen:
        if (e.code == code::output) out->feed(e.time, e.data);
        else if (e.code == "e") err->feed(e.time, e.data);
        else if (e.code == code::resize)
          if (auto s = parse_size(e.data)) out->resize(e.time, *s);
        break;
      case Searched::input:
        if (e.code == code::input) typed.feed(e.data, typed_line);
        break;
      case Searched::markers:
        if (e.code == code::marker && go) go = on_line(Line{e.time, "m", e.data});
        break;
      }
      if (!go) break;
    }
  }
  if (out) {
    out->finish(now);
    info.emulated = out->emulating();
  }
  if (err) err->finish(now);
  if (options.what == Searched::input) typed.finish(typed_line);
  return info;
}

} // namespace recssh::search
