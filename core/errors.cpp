// SPDX-License-Identifier: MIT
#include "core/errors.hpp"
#include "core/printable.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace recssh {

namespace {
std::string& program_name_storage() {
  static std::string name = "recssh";
  return name;
}
} // namespace

std::string errno_message(int error) { return std::strerror(error); }
std::string errno_message() { return std::strerror(errno); }
void throw_errno(const std::string& what) { throw Error(what + ": " + std::strerror(errno)); }
void throw_errno(const std::string& what, int error) { throw Error(what + ": " + std::strerror(error)); }

void set_program_name(std::string name) { program_name_storage() = std::move(name); }
const std::string& program_name() { return program_name_storage(); }

void Diagnostics::warn(const std::string& location, const std::string& message) {
  ++warnings;
  if (on_warning) {
    on_warning(location, message);
    return;
  }
  std::fprintf(stderr, "%s: warning: %s: %s\n", program_name().c_str(), printable(location).c_str(),
               printable(message).c_str());
}

} // namespace recssh
