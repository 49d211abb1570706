// SPDX-License-Identifier: MIT
#include "archive/rotate_journal.hpp"

#include "core/errors.hpp"
#include "core/io.hpp"

#include <fstream>

namespace recssh::archive {

void write_journal(const std::string& path, const MergeJournal& j) {
  AtomicFile file(path, Overwrite::no, 0600);
  FdSink fd_sink(file.fd(), path);
  ByteSink& sink = fd_sink;
  sink.write("merge " + j.final_path + "\nstaging " + j.staging + "\n");
  for (const auto& p : j.inputs) sink.write("input " + p + "\n");
  sink.flush();
  file.commit();
}

std::optional<MergeJournal> read_journal(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  MergeJournal j;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("merge ", 0) == 0) j.final_path = line.substr(6);
    else if (line.rfind("staging ", 0) == 0) j.staging = line.substr(8);
    else if (line.rfind("input ", 0) == 0) j.inputs.push_back(line.substr(6));
  }
  if (j.final_path.empty() || j.staging.empty()) throw Error(path + ": unreadable journal (inspect it, then remove it)");
  return j;
}

} // namespace recssh::archive
