// SPDX-License-Identifier: MIT
#pragma once
// The one event model every reader produces and every writer consumes.
#include "core/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace recssh {

struct TermSize {
  int cols = 80;
  int rows = 24;
  bool operator==(const TermSize&) const = default;
};

// "COLSxROWS" in both directions; parse returns nullopt unless both are 1..65535.
std::string format_size(TermSize s);
std::optional<TermSize> parse_size(std::string_view text);

// Event codes of asciicast; any other code is kept verbatim and passed through.
namespace code {
inline constexpr std::string_view output = "o";
inline constexpr std::string_view input = "i";
inline constexpr std::string_view resize = "r";
inline constexpr std::string_view marker = "m";
inline constexpr std::string_view exit = "x";
} // namespace code

struct Event {
  Micros time{0};   // since the start of the recording; non-decreasing
  std::string code; // "o", "i", "r", "m", "x" or any other code, kept verbatim
  std::string data; // UTF-8 text; "COLSxROWS" for r; label for m; status for x

  static Event output(Micros t, std::string d) { return {t, "o", std::move(d)}; }
  static Event input(Micros t, std::string d) { return {t, "i", std::move(d)}; }
  static Event marker(Micros t, std::string label) { return {t, "m", std::move(label)}; }
  static Event resize(Micros t, TermSize s) { return {t, "r", format_size(s)}; }
  static Event exit(Micros t, int status) { return {t, "x", std::to_string(status)}; }
  bool is(std::string_view c) const { return code == c; }
  bool operator==(const Event&) const = default;
};

// An event whose strings belong to the reader (EventReader::next_view): valid until
// its next call. For consumers that only look at each event once, without copying.
struct EventView {
  Micros time{0};
  std::string_view code;
  std::string_view data;
};

// An env entry whose value may be JSON null (asciinema 2.x writes unset variables so).
struct EnvVar {
  std::string name;
  std::optional<std::string> value;
  bool operator==(const EnvVar&) const = default;
};

// Recording metadata. Keys we do not know are kept as raw (minified) JSON values and
// written back, so conversions never lose them.
struct Header {
  int version = 2; // the version of the source file, for information
  TermSize size;
  std::optional<std::int64_t> timestamp; // Unix seconds of the start
  std::optional<double> duration;        // v2's optional duration, informational
  std::optional<double> idle_time_limit;
  std::optional<std::string> command;
  std::optional<std::string> title;
  std::vector<EnvVar> env;
  std::optional<std::string> term_type;    // v3 term.type
  std::optional<std::string> term_version; // v3 term.version
  std::optional<std::string> theme;        // raw JSON object
  std::vector<std::pair<std::string, std::string>> extra; // key, raw JSON value

  const std::string* find_extra(std::string_view key) const;
  void set_extra(std::string key, std::string raw_json);
  bool operator==(const Header&) const = default;
};

} // namespace recssh
