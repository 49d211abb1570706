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
// glob(3)'s order, 16 levels deep, one fewer without -F for the top file) and points
// at the copies of what it matched. The caller checks with `ssh -G` that ssh reads the
// copy as it reads the files. Differences that remain: ssh reads every copy as a user
// file (an IdentityFile or CertificateFile of the system file that does not exist is
// then mentioned at LogLevel INFO, not DEBUG); a file is read when the session starts,
// not when ssh gets to it; a ProxyJump's ssh is given the copy with -F too.
#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <vector>

namespace recssh::forward {

// One line of an ssh config file as ssh reads it: trailing blanks (CR, form feed)
// dropped, the keyword after leading blanks up to a blank or '=' (lower-cased), and
// the rest after the blanks and the one '=' that follow it.
struct ConfigLine {
  std::string key;
  std::string_view rest;
};
ConfigLine read_config_line(std::string_view line);

// Where recssh makes a private directory of its own: $XDG_RUNTIME_DIR when it is
// writable and its path is plain characters (ssh puts -F's path into a ProxyJump's
// shell command unquoted; none that glob reads as a pattern), else /tmp.
std::string private_dir_base();

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

// Where ssh looks for the user's files: ~/.ssh/config in the password database's home;
// ~ in an Include as its glob expands it ($HOME when set and not setuid, else that).
struct SshHomes {
  std::string passwd, tilde;
  static SshHomes of_this_user();
};

// The copies, in a fresh 0700 directory ($XDG_RUNTIME_DIR when its path is plain,
// else /tmp), removed with it (the files also by a fatal signal). Throws
// recssh::Error when a file cannot be read or nests too deep: the caller then leaves
// ssh's configuration alone.
class ConfigCopy {
public:
  // config_file: the value of ssh's -F ("" for the default files).
  ConfigCopy(const std::string& config_file, const SshHomes& homes);
  ~ConfigCopy();
  ConfigCopy(const ConfigCopy&) = delete;
  ConfigCopy& operator=(const ConfigCopy&) = delete;
  // What to give ssh as -F.
  const std::string& path() const { return m_top; }

private:
  std::string copy(const std::string& source, const std::string& base, int depth);
  std::string write(const std::string& text);
  void remove();
  struct File {
    std::string path;
    int slot; // core/signals' remember_temp_file
  };
  std::string m_home, m_dir, m_top;
  std::list<File> m_files; // (a list: the signal handler holds pointers into it)
};

} // namespace recssh::forward
