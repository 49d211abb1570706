// SPDX-License-Identifier: MIT
#pragma once
// A recording as lines of text with times: what the screen showed (ScreenLines, for
// "o", and "e" of exec sessions), what was typed (TypedLines, for "i"), or its
// markers. What grep searches and what text export writes.
#include "core/event_reader.hpp"
#include "search/screen_lines.hpp"

#include <cstdint>
#include <functional>
#include <string_view>

namespace recssh::search {

enum class Searched { screen, input, markers };

// The marker the recorder writes where it masked typed input (record/input_mask).
inline constexpr std::string_view k_masked_marker = "recssh: input masked";

struct Line {
  Micros time{0};
  std::string_view stream; // "o", "e", "i", "m"
  std::string_view text;
};

struct TranscriptOptions {
  Searched what = Searched::screen;
  // automatic: the plain model, the emulator where the output needs it; emulator:
  // always (for comparing). Exec sessions' streams never went to a terminal: their
  // lines are the pipe model's whatever this says.
  ScreenLines::Model model = ScreenLines::Model::automatic;
  bool exec = false;
};

struct TranscriptInfo {
  std::uint64_t masked = 0; // spans of typed input the recorder masked
  bool emulated = false;    // the emulator was needed
};

// Calls on_line for each line in order; stops early when it returns false.
TranscriptInfo transcribe(EventReader& reader, const TranscriptOptions& options,
                          const std::function<bool(const Line&)>& on_line);

} // namespace recssh::search
