// SPDX-License-Identifier: MIT
#include "core/format.hpp"

#include "core/cast_json.hpp"
#include "core/cast_reader.hpp"
#include "core/cast_writer.hpp"

#include <algorithm>
#include <sys/stat.h>

namespace recssh {

ByteSink& WriterOutputs::companion(std::string_view name) const {
  for (const auto& [n, sink] : companions)
    if (n == name && sink) return *sink;
  throw Error("the writer needs its \"" + std::string(name) + "\" output, and none was given (internal error)");
}

void FormatRegistry::add(FormatInfo info) {
  auto old = std::find_if(m_formats.begin(), m_formats.end(), [&](const FormatInfo& f) { return f.name == info.name; });
  if (old != m_formats.end()) {
    // The later registration's place (for listing and probing) and what it has.
    if (!info.probe) info.probe = std::move(old->probe);
    if (!info.open) info.open = std::move(old->open);
    if (!info.make_writer) {
      info.make_writer = std::move(old->make_writer);
      info.companions = std::move(old->companions);
      info.convert_target = old->convert_target;
      info.extension = old->extension;
      info.cast_version = old->cast_version;
    }
    if (!info.probe_dir) info.probe_dir = std::move(old->probe_dir);
    if (!info.open_dir) info.open_dir = std::move(old->open_dir);
    for (auto& a : old->aliases)
      if (std::find(info.aliases.begin(), info.aliases.end(), a) == info.aliases.end()) info.aliases.push_back(a);
    m_formats.erase(old);
  }
  m_formats.push_back(std::move(info));
}

void FormatRegistry::remove(std::string_view name) {
  std::erase_if(m_formats, [&](const FormatInfo& f) { return f.name == name; });
}

const FormatInfo* FormatRegistry::find(std::string_view name) const {
  for (const auto& f : m_formats) {
    if (f.name == name) return &f;
    for (const auto& a : f.aliases)
      if (a == name) return &f;
  }
  return nullptr;
}

std::string FormatRegistry::names(bool for_writing) const {
  std::string out;
  for (const auto& f : m_formats) {
    if (for_writing ? !f.make_writer || !f.convert_target : !f.open && !f.open_dir) continue;
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out;
}

const FormatInfo& FormatRegistry::get(std::string_view name, bool for_writing) const {
  const FormatInfo* f = find(name);
  if (!f || (for_writing ? !f->make_writer || !f->convert_target : !f->open && !f->open_dir))
    throw UsageError("unknown " + std::string(for_writing ? "output" : "input") + " format \"" +
                     std::string(name) + "\" (choose from: " + names(for_writing) + ")");
  return *f;
}

const FormatInfo& FormatRegistry::writer(std::string_view name) const {
  const FormatInfo* f = find(name);
  if (f && f->make_writer) return *f;
  std::string all;
  for (const auto& w : m_formats)
    if (w.make_writer) all += (all.empty() ? "" : ", ") + w.name;
  throw UsageError("unknown output format \"" + std::string(name) + "\" (choose from: " + all + ")");
}

const FormatInfo& FormatRegistry::detect(const Input& in) const {
  std::string tried;
  for (const auto& f : m_formats) {
    if (!f.probe || !f.open) continue;
    if (f.probe(in)) return f;
    if (!tried.empty()) tried += ", ";
    tried += f.probe_description;
  }
  if (in.head.empty()) throw FormatError(in.name, "empty file", false);
  throw FormatError(in.name, "unknown format (tried: " + tried + "; use --from to name it)", false);
}

const FormatInfo* FormatRegistry::find_dir(const std::string& dir) const {
  for (const auto& f : m_formats)
    if (f.probe_dir && f.open_dir && f.probe_dir(dir)) return &f;
  return nullptr;
}

const FormatInfo& FormatRegistry::detect_dir(const std::string& dir) const {
  if (const FormatInfo* f = find_dir(dir)) return *f;
  throw Error(dir + ": is a directory, and not one of a format recast reads (a sudo I/O log directory holds a "
                    "\"timing\" file)");
}

FormatRegistry& formats() {
  static FormatRegistry registry = [] {
    FormatRegistry r;
    auto cast = [](FormatInfo f, int version) {
      f.cast_version = version;
      return f;
    };
    r.add(cast({"v3", {"asciicast-v3", "cast-v3"}, "asciicast v3 (asciinema 3.x: intervals, \"term\" header)",
           "asciicast v3 header",
           [](const Input& in) { return probe_cast_version(in.head) == 3; },
           [](Input in, const ReadOptions& o) -> std::unique_ptr<EventReader> {
             return std::make_unique<CastReader>(std::move(in), 3, o);
           },
           [](const WriterOutputs& out, const WriteOptions& o) -> std::unique_ptr<EventWriter> {
             return std::make_unique<CastV3Writer>(out.main, o);
           }},
               3));
    r.add(cast({"v2", {"asciicast-v2", "cast-v2", "cast", "asciicast"},
           "asciicast v2 (asciinema 2.x: absolute times; the default output)", "asciicast v2 header",
           [](const Input& in) { return probe_cast_version(in.head) == 2; },
           [](Input in, const ReadOptions& o) -> std::unique_ptr<EventReader> {
             return std::make_unique<CastReader>(std::move(in), 2, o);
           },
           [](const WriterOutputs& out, const WriteOptions&) -> std::unique_ptr<EventWriter> {
             return std::make_unique<CastV2Writer>(out.main);
           }},
               2));
    r.add(cast({"v1", {"asciicast-v1", "cast-v1"}, "asciicast v1 (asciinema 1.x: one JSON document; read only)",
           "asciicast v1 document",
           [](const Input& in) { return probe_cast_version(in.head) == 1; },
           [](Input in, const ReadOptions& o) -> std::unique_ptr<EventReader> {
             return std::make_unique<CastV1Reader>(std::move(in), o);
           },
           nullptr},
               1));
    // convert/ adds the reader of raw output to this entry.
    FormatInfo raw{"raw", {}, "raw terminal output, no header and no timing (what recast cat prints)", "", nullptr,
                   nullptr, [](const WriterOutputs& out, const WriteOptions&) -> std::unique_ptr<EventWriter> {
                     return std::make_unique<RawWriter>(out.main);
                   }};
    raw.extension = ".out";
    r.add(std::move(raw));
    return r;
  }();
  return registry;
}

std::unique_ptr<EventReader> open_reader(const std::string& path, const std::string& from,
                                         const ReadOptions& options, const FormatInfo** detected) {
  const FormatInfo* f = from.empty() ? nullptr : &formats().get(from, false);
  ReadOptions opts = options;
  if (opts.convert.path.empty()) opts.convert.path = path;
  struct stat st {};
  if (path != "-" && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    if (!f) f = &formats().detect_dir(path);
    if (!f->open_dir) throw Error(path + ": is a directory (format " + f->name + " reads a file)");
    if (detected) *detected = f;
    return f->open_dir(path, opts);
  }
  return open_reader(open_input(path, options.diag), from, opts, detected);
}

std::unique_ptr<EventReader> open_reader(Input in, const std::string& from, const ReadOptions& options,
                                         const FormatInfo** detected) {
  const FormatInfo* f = from.empty() ? nullptr : &formats().get(from, false);
  ReadOptions opts = options;
  if (opts.convert.path.empty()) opts.convert.path = in.name;
  if (!f) f = &formats().detect(in);
  if (!f->open) throw Error(in.name + ": format " + f->name + " is a directory, not a file");
  if (detected) *detected = f;
  return f->open(std::move(in), opts);
}

} // namespace recssh
