// SPDX-License-Identifier: MIT
#include "archive/rotate_journal.hpp"

#include "core/errors.hpp"
#include "core/fd.hpp"
#include "core/io.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace recssh::archive {
namespace {
constexpr const char* magic = "recast-rotate-journal 2";
}

void write_journal(const std::string& path, const MergeJournal& j) {
  AtomicFile file(path, Overwrite::no, 0600);
  FdSink fd_sink(file.fd(), path);
  ByteSink& sink = fd_sink;
  sink.write(std::string(magic) + "\ndir " + j.dir + "\nmerge " + j.final_name + "\nstaging " + j.staging + "\n");
  for (const auto& in : j.inputs)
    sink.write("input " + std::to_string(in.id.dev) + " " + std::to_string(in.id.ino) + " " + in.name + "\n");
  sink.flush();
  file.commit();
}

std::optional<MergeJournal> read_journal(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::nullopt;
    throw Error(path + ": cannot open the journal: " + errno_message() + " (inspect it, then remove it)");
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 022))
    throw Error(path + ": not written by this rotate (not a private file of this user); ignored, never acted on "
                       "(inspect it, then remove it)");
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd.get(), buf, sizeof buf)) > 0;) {
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > (64u << 20)) throw Error(path + ": journal too large (inspect it, then remove it)");
  }
  auto bad = [&](const std::string& why) {
    return Error(path + ": invalid journal: " + why + "; ignored, never acted on (inspect it, then remove it)");
  };
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != magic) throw bad("no '" + std::string(magic) + "' line");
  MergeJournal j;
  while (std::getline(in, line)) {
    if (line.rfind("dir ", 0) == 0) j.dir = line.substr(4);
    else if (line.rfind("merge ", 0) == 0) j.final_name = line.substr(6);
    else if (line.rfind("staging ", 0) == 0) j.staging = line.substr(8);
    else if (line.rfind("input ", 0) == 0) {
      std::istringstream f(line.substr(6));
      unsigned long long dev = 0, ino = 0;
      std::string name;
      if (!(f >> dev >> ino) || f.get() != ' ' || !std::getline(f, name)) throw bad("malformed input line");
      if (!store::is_plain_name(name)) throw bad("input '" + name + "' is not a plain file name");
      j.inputs.push_back({name, {static_cast<dev_t>(dev), static_cast<ino_t>(ino)}});
    } else
      throw bad("unknown line '" + line + "'");
  }
  if (!store::is_plain_relative(j.dir)) throw bad("dir '" + j.dir + "' is not a plain path below the root");
  if (!store::is_plain_name(j.final_name)) throw bad("merge '" + j.final_name + "' is not a plain file name");
  if (!store::is_plain_name(j.staging) || j.staging != "." + j.final_name + ".staging.cast")
    throw bad("staging '" + j.staging + "' is not the merge's staging name");
  return j;
}

} // namespace recssh::archive
