// SPDX-License-Identifier: MIT
#pragma once
// ssh's configuration without its forwards, so that recssh can stand in the path of
// the forwards the configuration asks for. ssh binds a LocalForward, RemoteForward or
// DynamicForward itself, and ClearAllForwardings would clear the command line's too;
// so recssh gives ssh a copy of the files it would read (-F COPY) with those lines
// commented out, and the forwards themselves, as `ssh -G` resolved them, on the
// command line, where recssh rewrites them like any -L/-R/-D.
//
// The copy keeps ssh's reading order and meaning: without -F, a top file includes the
// copy of ~/.ssh/config, then that of /etc/ssh/ssh_config (an Include restores the
// Host/Match state after it, as two separate files start); with -F FILE, the copy of
// FILE. Every Include is followed the way ssh follows it (~ and ~user, a relative
// path against ~/.ssh in the user's files and /etc/ssh in the system's, globs in
// glob(3)'s order, 16 levels deep) and points at the copies of what it matched.
// Differences that remain: ssh reads every copy as a user file (an IdentityFile from
// the system file that does not exist is then mentioned at LogLevel INFO, not DEBUG),
// and a file is read when the session starts, not when ssh gets to it.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace recssh::forward {

// The arguments of an Include line (after the keyword) as ssh splits them (its
// argv_split: quotes, backslashes, a '#' ends them).
std::vector<std::string> split_args(std::string_view s);
// The files an Include pattern names, as ssh finds them: ~ and ~user (`home` for ~),
// else relative to `base` (~/.ssh for the user's files, /etc/ssh for the system's),
// then glob(3), whose order ssh reads them in.
std::vector<std::string> include_matches(const std::string& pattern, const std::string& base, const std::string& home);

// `text` (one config file) with each forward line commented out and each Include's
// patterns replaced by the paths `include` gives for them (quoted; an Include with
// none left becomes a comment). Keywords as ssh reads them: any case, then spaces
// or '='; Include's arguments split as ssh splits them (quotes, backslashes, '#').
std::string strip_forwards(std::string_view text,
                           const std::function<std::vector<std::string>(const std::string& pattern)>& include);

// The copies, in a fresh 0700 directory ($XDG_RUNTIME_DIR, else /tmp), removed with
// it. Throws recssh::Error when a file cannot be read or nests too deep: the caller
// then leaves ssh's configuration alone.
class ConfigCopy {
public:
  // config_file: the value of ssh's -F ("" for the default files); home: the user's
  // home directory as ssh finds it (the password database's).
  ConfigCopy(const std::string& config_file, const std::string& home);
  ~ConfigCopy();
  ConfigCopy(const ConfigCopy&) = delete;
  ConfigCopy& operator=(const ConfigCopy&) = delete;
  // What to give ssh as -F.
  const std::string& path() const { return m_top; }

private:
  std::string copy(const std::string& source, const std::string& base, int depth);
  std::string write(const std::string& text);
  void remove();
  std::string m_home, m_dir, m_top;
  std::vector<std::string> m_files;
};

} // namespace recssh::forward
