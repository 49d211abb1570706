// SPDX-License-Identifier: MIT
#pragma once
// The exception hierarchy. Only cmd/cli.cpp prints them; everything else throws.
#include <functional>
#include <stdexcept>
#include <string>

namespace recssh {

// Something went wrong that the user can act on; printed as "prog: error: what".
class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Malformed input at a known place ("file:line"). `recoverable` means the reader has
// already moved past the bad record, so --skip-bad may continue after it.
class FormatError : public Error {
public:
  FormatError(std::string location, const std::string& what, bool recoverable = true)
      : Error(location + ": " + what), m_location(std::move(location)), m_message(what),
        m_recoverable(recoverable) {}
  const std::string& location() const { return m_location; }
  const std::string& message() const { return m_message; }
  bool recoverable() const { return m_recoverable; }

private:
  std::string m_location;
  std::string m_message;
  bool m_recoverable;
};

// The text of an errno value, for "cannot open X: <text>" messages.
std::string errno_message(int error);
std::string errno_message(); // of the current errno
// Throws Error("what: <errno text>").
[[noreturn]] void throw_errno(const std::string& what);
[[noreturn]] void throw_errno(const std::string& what, int error);

// Bad command line use; exit status 2.
class UsageError : public Error {
public:
  using Error::Error;
};

// Where readers report repairs (a truncated last line, a clamped time, replaced
// invalid UTF-8): they keep going and tell the user. The default prints to stderr.
struct Diagnostics {
  std::function<void(const std::string& location, const std::string& message)> on_warning;
  unsigned long warnings = 0;

  void warn(const std::string& location, const std::string& message);
};

// The process-wide program name used in messages ("recast", "recssh").
void set_program_name(std::string name);
const std::string& program_name();

} // namespace recssh
