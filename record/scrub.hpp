// SPDX-License-Identifier: MIT
#pragma once
// Keeps secrets written on a command line out of recordings' headers and names, and
// keeps everything else: a command is read into words the way a shell would (quotes,
// backslashes, $(...), operators such as ; && | kept as separators), the values that
// are secrets are found per word, and only their source text is replaced by "***".
// What is a secret: the value of KEY=VALUE when KEY names a password, token, secret,
// credential or auth (also inside SetEnv=, URL queries, `export`); the word after
// --password, --token, -passin and the like; the password in user:pass@ of URLs; the
// value of an Authorization (or *token*, *api-key*, Cookie) header; -pSECRET after
// mysql clients; sshpass -p; redis-cli -a; curl -u user:pass. Expansions ($VAR,
// $(cmd), `cmd`) inside a value are kept: they are not the secret, and a command
// hidden in a value must stay visible for audit. Nothing is ever executed.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace recssh::record {

// A word or an operator of a shell command line.
struct ShellToken {
  bool op = false;              // ; & | && || |& ( ) or a newline
  std::string text;             // a word after quote removal; an operator as written
  std::size_t begin = 0;        // [begin, end) in the source
  std::size_t end = 0;
  std::vector<std::size_t> src; // word only: for each char of text, its index in the source
};

// Splits like sh(1) without expanding anything. Unbalanced quotes run to the end.
std::vector<ShellToken> split_shell(std::string_view line);

// `line` with the source text of every secret value replaced by "***".
std::string scrub_command(std::string_view line);

// Words that are joined with spaces and read by a shell (ssh's remote command): each
// scrubbed, as one command line, so a program named in one word (mysql) applies to the
// next (-pSECRET). The result has as many words as `words`.
std::vector<std::string> scrub_command_words(const std::vector<std::string>& words);

// user:password@ (a destination, user:pass@host or ssh://user:pass@host:port) with the
// password replaced; a word without one is returned unchanged.
std::string scrub_userinfo(std::string_view word);

// Whether a KEY (an environment variable, an option name) names a secret.
bool secret_name(std::string_view key);

} // namespace recssh::record
