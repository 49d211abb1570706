// SPDX-License-Identifier: MIT
#include "core/cast_json.hpp"

#include "core/cast_fast.hpp"
#include "core/errors.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "core/utf8.hpp"

#include <cmath>
#include <simdjson.h>

namespace recssh {

namespace od = simdjson::ondemand;

struct CastJson::Impl {
  od::parser parser;
  simdjson::dom::parser dom;
  std::string repair; // a sanitized copy of a line with invalid UTF-8, plus padding
};

CastJson::CastJson() : m_impl(std::make_unique<Impl>()) {}
CastJson::~CastJson() = default;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// The caller knows where the line is; it adds the location (only on error, so the
// hot path never builds a location string).
[[noreturn]] void fail(const std::string& what) { throw CastJson::Malformed(what); }

std::string describe(simdjson::error_code err) {
  switch (err) {
  case simdjson::UTF8_ERROR: return "invalid UTF-8";
  case simdjson::STRING_ERROR: return "invalid string (bad escape or surrogate)";
  case simdjson::UNCLOSED_STRING: return "unterminated string";
  case simdjson::NUMBER_ERROR: return "invalid number";
  case simdjson::INCORRECT_TYPE: return "unexpected JSON type";
  case simdjson::TAPE_ERROR: return "malformed JSON";
  case simdjson::EMPTY: return "empty line";
  default: return std::string("malformed JSON (") + simdjson::error_message(err) + ")";
  }
}

// Points the parser at a sanitized copy of `line` (invalid UTF-8 → U+FFFD).
std::string_view repaired_copy(std::string& buf, std::string_view line, std::size_t& capacity) {
  buf = sanitize_utf8(line);
  std::size_t n = buf.size();
  buf.resize(n + simdjson::SIMDJSON_PADDING, '\0');
  capacity = buf.size();
  return std::string_view(buf.data(), n);
}

std::string_view get_string(od::value& v, const char* what) {
  std::string_view s;
  auto err = v.get_string().get(s);
  if (err == simdjson::INCORRECT_TYPE) fail(std::string(what) + " must be a string");
  if (err) fail(std::string(what) + ": " + describe(err));
  return s;
}

std::string raw_value(od::value& v) {
  od::json_type t;
  if (v.type().get(t)) return "null";
  std::string_view raw;
  if (t == od::json_type::object) {
    od::object o;
    if (v.get_object().get(o) || o.raw_json().get(raw)) return "null";
  } else if (t == od::json_type::array) {
    od::array a;
    if (v.get_array().get(a) || a.raw_json().get(raw)) return "null";
  } else {
    raw = trim(v.raw_json_token());
  }
  return minify_json(raw);
}

double get_number(od::value& v, std::string_view key) {
  double d;
  if (v.get_double().get(d) || !std::isfinite(d))
    fail("header \"" + std::string(key) + "\" must be a number");
  return d;
}

int get_dimension(od::value& v, std::string_view key) {
  double d = get_number(v, key);
  if (d < 1 || d > 65535 || d != std::floor(d))
    fail("header \"" + std::string(key) + "\" must be a whole number from 1 to 65535");
  return int(d);
}

// Seconds in a header (duration, idle_time_limit), in range like every time read.
double get_seconds(od::value& v, std::string_view key) {
  double d = get_number(v, key);
  if (!seconds_to_micros(d))
    fail("header \"" + std::string(key) + "\" must be seconds >= 0, " + max_time_text() + ", not " + format_double(d));
  return d;
}

bool is_null(od::value& v) {
  bool n = false;
  return !v.is_null().get(n) && n;
}

std::optional<std::string> get_nullable_string(od::value& v, const char* what) {
  if (is_null(v)) return std::nullopt;
  return std::string(get_string(v, what));
}

void parse_env(od::value& v, Header& h) {
  h.env.clear();
  if (is_null(v)) return;
  od::object o;
  if (v.get_object().get(o)) fail("header \"env\" must be an object");
  for (auto field : o) {
    std::string_view key;
    if (field.unescaped_key().get(key)) fail("header \"env\": malformed key");
    od::value val;
    if (field.value().get(val)) fail("header \"env\": malformed value");
    EnvVar var{std::string(key), std::nullopt};
    if (!is_null(val)) var.value = std::string(get_string(val, "env value"));
    h.env.push_back(std::move(var));
  }
}

void parse_term(od::value& v, Header& h, bool& cols, bool& rows) {
  od::object o;
  if (v.get_object().get(o)) fail("header \"term\" must be an object");
  for (auto field : o) {
    std::string_view key;
    if (field.unescaped_key().get(key)) fail("header \"term\": malformed key");
    od::value val;
    if (field.value().get(val)) fail("header \"term\": malformed value");
    if (key == "cols") {
      h.size.cols = get_dimension(val, "term.cols");
      cols = true;
    } else if (key == "rows") {
      h.size.rows = get_dimension(val, "term.rows");
      rows = true;
    } else if (key == "type") {
      h.term_type = get_nullable_string(val, "term.type");
    } else if (key == "version") {
      h.term_version = get_nullable_string(val, "term.version");
    } else if (key == "theme") {
      if (!is_null(val)) h.theme = raw_value(val);
    }
  }
}

} // namespace

std::string_view CastJson::parse_event(std::string_view line, std::size_t capacity, Event& e,
                                       bool* repaired, bool need_data) {
  if (repaired) *repaired = false;
  std::string_view fast_time;
  if (fast_parse_event(line, capacity, fast_time, e.code, e.data, need_data)) return fast_time;
  return parse_event_slow(line, capacity, e, repaired);
}

std::string_view CastJson::parse_event_slow(std::string_view line, std::size_t capacity, Event& e,
                                            bool* repaired) {
  od::document doc;
  auto err = m_impl->parser.iterate(line.data(), line.size(), capacity).get(doc);
  od::array arr;
  if (!err) err = doc.get_array().get(arr);
  if (err == simdjson::UTF8_ERROR) {
    line = repaired_copy(m_impl->repair, line, capacity);
    if (repaired) *repaired = true;
    err = m_impl->parser.iterate(line.data(), line.size(), capacity).get(doc);
    if (!err) err = doc.get_array().get(arr);
  }
  if (err == simdjson::INCORRECT_TYPE) fail("expected an event [time, code, data]");
  if (err) fail(describe(err));
  std::string_view time_text;
  int index = 0;
  for (auto element : arr) {
    od::value v;
    if ((err = element.get(v))) fail(describe(err));
    switch (index) {
    case 0: {
      od::json_type t;
      if ((err = v.type().get(t))) fail("invalid time: " + describe(err));
      if (t != od::json_type::number) fail("event time must be a number");
      time_text = trim(v.raw_json_token());
      break;
    }
    case 1: e.code.assign(get_string(v, "event code")); break;
    case 2: e.data.assign(get_string(v, "event data")); break;
    default: fail("event has more than 3 elements (expected [time, code, data])");
    }
    ++index;
  }
  if (index != 3) fail("event has " + std::to_string(index) + " elements (expected [time, code, data])");
  if (!doc.current_location().error()) fail("unexpected text after the event");
  return time_text;
}

void CastJson::parse_header(std::string_view line, std::size_t capacity, Header& h,
                            bool* repaired) {
  if (repaired) *repaired = false;
  od::document doc;
  auto err = m_impl->parser.iterate(line.data(), line.size(), capacity).get(doc);
  od::object obj;
  if (!err) err = doc.get_object().get(obj);
  if (err == simdjson::UTF8_ERROR) {
    line = repaired_copy(m_impl->repair, line, capacity);
    if (repaired) *repaired = true;
    err = m_impl->parser.iterate(line.data(), line.size(), capacity).get(doc);
    if (!err) err = doc.get_object().get(obj);
  }
  if (err == simdjson::INCORRECT_TYPE) fail("expected a header object {\"version\": ...}");
  if (err) fail("header: " + describe(err));
  h = Header{};
  bool have_version = false, have_cols = false, have_rows = false;
  for (auto field : obj) {
    std::string_view key;
    if ((err = field.unescaped_key().get(key))) fail("header: " + describe(err));
    od::value v;
    if ((err = field.value().get(v))) fail("header: " + describe(err));
    if (key == "version") {
      double ver = get_number(v, key);
      if (ver != 2 && ver != 3) fail("unsupported asciicast version " + format_double(ver));
      h.version = int(ver);
      have_version = true;
    } else if (key == "width") {
      h.size.cols = get_dimension(v, key);
      have_cols = true;
    } else if (key == "height") {
      h.size.rows = get_dimension(v, key);
      have_rows = true;
    } else if (key == "term") {
      parse_term(v, h, have_cols, have_rows);
    } else if (key == "timestamp") {
      if (!is_null(v)) {
        double t = get_number(v, key);
        if (!valid_unix_time(t))
          fail("header \"timestamp\" must be a Unix time from 0 to " + std::to_string(k_max_unix_time) + ", not " +
               format_double(t));
        h.timestamp = std::int64_t(t);
      }
    } else if (key == "duration") {
      if (!is_null(v)) h.duration = get_seconds(v, key);
    } else if (key == "idle_time_limit") {
      if (!is_null(v)) h.idle_time_limit = get_seconds(v, key);
    } else if (key == "command") {
      h.command = get_nullable_string(v, "header \"command\"");
    } else if (key == "title") {
      h.title = get_nullable_string(v, "header \"title\"");
    } else if (key == "env") {
      parse_env(v, h);
    } else if (key == "theme") {
      if (!is_null(v)) h.theme = raw_value(v);
    } else {
      h.set_extra(std::string(key), raw_value(v));
    }
  }
  if (!doc.current_location().error()) fail("unexpected text after the header");
  if (!have_version) fail("header has no \"version\"");
  if (!have_cols || !have_rows)
    fail(h.version == 3 ? "header has no term.cols/term.rows"
                                  : "header has no \"width\"/\"height\"");
}

int probe_cast_version(std::string_view head) {
  std::size_t i = 0;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) ++i;
  if (i >= head.size() || head[i] != '{') return 0;
  // Look for "version" as the first key, or anywhere on the first line.
  auto nl = head.find('\n', i);
  std::string_view first = head.substr(i, nl == std::string_view::npos ? head.npos : nl - i);
  auto k = first.find("\"version\"");
  if (k == std::string_view::npos) {
    // A pretty-printed document: the key may be on a later line.
    k = head.find("\"version\"");
    if (k == std::string_view::npos) return 0;
    first = head;
  }
  std::size_t j = k + 9;
  while (j < first.size() && (first[j] == ' ' || first[j] == '\t' || first[j] == '\n' || first[j] == '\r')) ++j;
  if (j >= first.size() || first[j] != ':') return 0;
  ++j;
  while (j < first.size() && (first[j] == ' ' || first[j] == '\t' || first[j] == '\n' || first[j] == '\r')) ++j;
  if (j < first.size() && first[j] >= '1' && first[j] <= '3' &&
      (j + 1 >= first.size() || first[j + 1] < '0' || first[j + 1] > '9'))
    return first[j] - '0';
  return 0;
}

} // namespace recssh
