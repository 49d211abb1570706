// SPDX-License-Identifier: MIT
#include "core/cast_v1.hpp"

#include "core/time.hpp"
#include "core/utf8.hpp"

#include <cmath>
#include <cstring>
#include <simdjson.h>

namespace recssh {
namespace {

// The document's bytes, one token at a time, through a buffer.
class Scanner {
public:
  Scanner(ByteSource& source, const std::string& name) : m_source(source), m_name(name) {}

  int peek() {
    if (m_pos == m_len && !fill()) return -1;
    return static_cast<unsigned char>(m_buf[m_pos]);
  }
  int get() {
    int c = peek();
    if (c >= 0) ++m_pos;
    return c;
  }
  // Whitespace between tokens, bounded like a line: an endless stream of it is not
  // a document.
  void skip_ws() {
    std::size_t n = 0;
    for (int c = peek(); c == ' ' || c == '\n' || c == '\r' || c == '\t'; c = peek()) {
      ++m_pos;
      if (++n > CastV1Reader::k_max_frame) fail("more than 64 MiB of blank space: not a v1 document");
    }
  }
  void expect(char want, const std::string& what) {
    skip_ws();
    int c = get();
    if (c != want) fail(c < 0 ? "the document ends early (" + what + ")" : what);
  }
  // The raw text of the JSON value that starts here, appended to out; more than
  // `limit` bytes is an error naming `what`.
  void value(std::string& out, std::size_t limit, const std::string& what) {
    skip_ws();
    int c = peek();
    if (c == '"') return string(out, limit, what);
    if (c == '[' || c == '{') {
      int depth = 0;
      do {
        c = peek();
        if (c < 0) fail("the document ends early (in " + what + ")");
        if (c == '"') {
          string(out, limit, what);
          continue;
        }
        ++m_pos;
        out.push_back(char(c));
        if (c == '[' || c == '{') ++depth;
        if (c == ']' || c == '}') --depth;
        check(out, limit, what);
      } while (depth > 0);
      return;
    }
    while ((c = peek()) >= 0 && !std::strchr(",]} \t\r\n", c) && c != 0) {
      out.push_back(char(get()));
      check(out, limit, what);
    }
    if (out.empty()) fail(c < 0 ? "the document ends early (" + what + ")" : "expected a value (" + what + ")");
  }
  [[noreturn]] void fail(const std::string& what) const { throw FormatError(m_name, what, false); }

private:
  bool fill() {
    m_pos = 0;
    m_len = m_source.read(m_buf, sizeof m_buf);
    return m_len > 0;
  }
  void check(const std::string& out, std::size_t limit, const std::string& what) const {
    if (out.size() > limit)
      fail(what + " is longer than " +
           (limit % (1 << 20) ? std::to_string(limit) + " bytes" : std::to_string(limit >> 20) + " MiB") +
           ": not an asciicast v1 document?");
  }
  // A string with its quotes, runs without '"' or '\\' copied at once.
  void string(std::string& out, std::size_t limit, const std::string& what) {
    out.push_back(char(get()));
    for (;;) {
      if (m_pos == m_len && !fill()) fail("the document ends early (in a string of " + what + ")");
      const char* p = m_buf + m_pos;
      const char* end = m_buf + m_len;
      const char* q = p;
      while (q < end && *q != '"' && *q != '\\') ++q;
      out.append(p, std::size_t(q - p));
      m_pos += std::size_t(q - p);
      check(out, limit, what);
      if (q == end) continue;
      out.push_back(char(get()));
      if (*q == '"') return;
      int escaped = get();
      if (escaped < 0) fail("the document ends early (in a string of " + what + ")");
      out.push_back(char(escaped));
    }
  }

  ByteSource& m_source;
  const std::string& m_name;
  char m_buf[1 << 16];
  std::size_t m_pos = 0, m_len = 0;
};

std::string describe(simdjson::error_code err) {
  switch (err) {
  case simdjson::UTF8_ERROR: return "invalid UTF-8";
  case simdjson::STRING_ERROR: return "invalid string (bad escape or surrogate)";
  case simdjson::UNCLOSED_STRING: return "unterminated string";
  case simdjson::NUMBER_ERROR: return "invalid number";
  default: return std::string("malformed JSON (") + simdjson::error_message(err) + ")";
  }
}

// Parses one raw value, repairing invalid UTF-8 (U+FFFD) when that is what fails.
class ValueParser {
public:
  simdjson::error_code parse(std::string& text, simdjson::dom::element& out, bool& repaired) {
    auto err = parse_padded(text, out);
    if (err == simdjson::UTF8_ERROR) {
      text = sanitize_utf8(text);
      repaired = true;
      err = parse_padded(text, out);
    }
    return err;
  }

private:
  simdjson::error_code parse_padded(std::string& text, simdjson::dom::element& out) {
    const std::size_t n = text.size();
    text.resize(n + simdjson::SIMDJSON_PADDING, '\0');
    auto err = m_dom.parse(text.data(), n, false).get(out);
    text.resize(n);
    return err;
  }
  simdjson::dom::parser m_dom;
};

void header_value(std::string_view key, simdjson::dom::element val, const std::string& name, Header& h) {
  if (key == "version") {
    int64_t v = 0;
    if (val.get_int64().get(v) || v != 1) throw FormatError(name, "not an asciicast v1 document", false);
  } else if (key == "width" || key == "height") {
    int64_t v = 0;
    if (val.get_int64().get(v) || v < 1 || v > 65535)
      throw FormatError(name, "v1 \"" + std::string(key) + "\" must be a whole number from 1 to 65535", false);
    (key == "width" ? h.size.cols : h.size.rows) = int(v);
  } else if (key == "command" || key == "title") {
    std::string_view s;
    if (!val.get_string().get(s)) (key == "command" ? h.command : h.title) = std::string(s);
  } else if (key == "env") {
    simdjson::dom::object env;
    if (!val.get_object().get(env))
      for (auto [k, v] : env) {
        std::string_view s;
        EnvVar var{std::string(k), std::nullopt};
        if (!v.get_string().get(s)) var.value = std::string(s);
        h.env.push_back(std::move(var));
      }
  }
  // "duration" is derivable from the frames; v2 and v3 writers need not carry it.
}

} // namespace

CastV1Reader::CastV1Reader(Input input, ReadOptions options, std::size_t spool_memory)
    : EventReader(options), m_name(input.name), m_spool(spool_memory) {
  Scanner in(*input.source, m_name);
  ValueParser parser;
  bool repaired = false, frames = false;
  m_header = Header{};
  m_header.version = 1;
  in.skip_ws();
  if (in.peek() != '{') in.fail("v1 document is not an object");
  in.get();
  std::string key_text, text;
  in.skip_ws();
  if (in.peek() == '}') in.fail("v1 document has no \"stdout\" frames");
  for (;;) {
    key_text.clear();
    in.skip_ws();
    if (in.peek() != '"') in.fail("v1 document: expected a key");
    in.value(key_text, 4096, "a key");
    simdjson::dom::element k;
    std::string_view key;
    if (auto err = parser.parse(key_text, k, repaired); err || k.get_string().get(key))
      in.fail("v1 document: malformed key");
    const std::string key_name(key);
    in.expect(':', "expected ':' after \"" + key_name + "\"");
    if (key_name == "stdout") {
      if (frames) in.fail("v1 document has two \"stdout\" arrays");
      frames = true;
      in.skip_ws();
      if (in.peek() != '[') in.fail("v1 \"stdout\" must be an array");
      in.get();
      in.skip_ws();
      std::int64_t total = 0;
      if (in.peek() == ']') in.get();
      else
        for (;;) {
          std::string where = m_name + ": frame " + std::to_string(m_frames + 1);
          text.clear();
          in.value(text, k_max_frame, "frame " + std::to_string(m_frames + 1));
          simdjson::dom::element frame;
          simdjson::dom::array pair;
          double delay;
          std::string_view data;
          if (auto err = parser.parse(text, frame, repaired)) throw FormatError(where, describe(err), false);
          if (frame.get_array().get(pair) || pair.size() != 2 || pair.at(0).get_double().get(delay) ||
              pair.at(1).get_string().get(data))
            throw FormatError(where, "expected a frame [delay, data]", false);
          auto d = seconds_to_micros(delay);
          if (!d)
            throw FormatError(where, "invalid delay " + format_double(delay) + " (expected seconds >= 0, " +
                                         max_time_text() + ")", false);
          auto sum = add_times(Micros(total), *d);
          if (!sum) throw FormatError(where, "the delays add up to more than the longest time, " + max_time_text(), false);
          total = sum->count();
          const std::uint64_t size = data.size();
          m_spool.write(reinterpret_cast<const char*>(&total), sizeof total);
          m_spool.write(reinterpret_cast<const char*>(&size), sizeof size);
          m_spool.write(data.data(), data.size());
          ++m_frames;
          in.skip_ws();
          int c = in.get();
          if (c == ']') break;
          if (c < 0) in.fail("the document ends early (in \"stdout\")");
          if (c != ',') throw FormatError(where, "expected ',' or ']' after it", false);
        }
    } else {
      text.clear();
      in.value(text, k_max_value, "v1 \"" + key_name + "\"");
      simdjson::dom::element val;
      if (auto err = parser.parse(text, val, repaired))
        in.fail("v1 \"" + key_name + "\": " + describe(err));
      header_value(key_name, val, m_name, m_header);
    }
    in.skip_ws();
    int c = in.get();
    if (c == '}') break;
    if (c != ',') in.fail(c < 0 ? "the document ends early" : "v1 document: expected ',' or '}' after \"" + key_name + "\"");
  }
  in.skip_ws();
  if (in.peek() >= 0) in.fail("unexpected text after the v1 document");
  if (!frames) in.fail("v1 document has no \"stdout\" frames");
  if (repaired) warn("invalid UTF-8 replaced by U+FFFD");
  m_spool.rewind();
}

bool CastV1Reader::do_next(Event& e) {
  std::int64_t time = 0;
  std::uint64_t size = 0;
  if (m_pos >= m_frames || !m_spool.read(reinterpret_cast<char*>(&time), sizeof time)) return false;
  m_spool.read(reinterpret_cast<char*>(&size), sizeof size);
  e.time = Micros{time};
  e.code = "o";
  e.data.resize(size);
  if (size) m_spool.read(e.data.data(), size);
  ++m_pos;
  return true;
}

std::string CastV1Reader::do_location() const { return m_name + ": frame " + std::to_string(m_pos); }

} // namespace recssh
