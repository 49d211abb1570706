// SPDX-License-Identifier: MIT
#pragma once
// The small JSON writer: exact escaping (\" \\ \b \f \n \r \t, other control
// characters as \u00XX with lower-case hex, DEL and non-ASCII kept as raw UTF-8, as
// asciinema writes them); invalid UTF-8 in the input becomes U+FFFD.
#include <string>
#include <string_view>
#include <vector>

namespace recssh {

void append_json_string(std::string& out, std::string_view s);
std::string json_string(std::string_view s);

// Removes insignificant white space from a JSON text (used to keep unknown header
// values verbatim but compact).
std::string minify_json(std::string_view raw);

// A JSON object built key by key, in the order given (header metadata keeps a fixed
// key order so that equal recordings are equal bytes).
class JsonObject {
public:
  JsonObject& raw(std::string_view key, std::string_view raw_json);
  JsonObject& str(std::string_view key, std::string_view value);
  JsonObject& list(std::string_view key, const std::vector<std::string>& values);
  std::string text() const { return m_text + "}"; }

private:
  std::string m_text = "{";
};

} // namespace recssh
