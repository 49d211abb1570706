// SPDX-License-Identifier: MIT
#include "record/ssh_args.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace recssh::record {
namespace {

// ssh(1) of OpenSSH 9: options that take an argument, and those that do not.
constexpr std::string_view k_with_arg = "BbcDEeFIiJLlmOoPpQRSWw";
constexpr std::string_view k_flags = "46AaCfGgKkMNnqsTtVvXxYy";

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool secret_name(std::string_view key) {
  std::string k = lower(key);
  while (!k.empty() && k.front() == '-') k.erase(0, 1);
  for (std::string_view w : {"pass", "pwd", "secret", "token", "apikey", "api_key", "api-key", "auth",
                             "credential", "private_key", "private-key"})
    if (k.find(w) != std::string::npos) return true;
  return false;
}

bool mysql_like(std::string_view word) {
  auto slash = word.rfind('/');
  if (slash != std::string_view::npos) word.remove_prefix(slash + 1);
  for (std::string_view m : {"mysql", "mysqldump", "mysqladmin", "mariadb", "mariadb-dump", "mysqlimport"})
    if (word == m) return true;
  return false;
}

// user:pass@host inside a URL-like word.
std::string scrub_url(std::string word) {
  auto scheme = word.find("://");
  if (scheme == std::string::npos) return word;
  auto at = word.find('@', scheme + 3);
  auto colon = word.find(':', scheme + 3);
  if (at != std::string::npos && colon != std::string::npos && colon < at &&
      word.find('/', scheme + 3) > at)
    word.replace(colon + 1, at - colon - 1, "***");
  return word;
}

} // namespace

SshCommandLine parse_ssh_args(const std::vector<std::string>& args) {
  SshCommandLine cl;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    for (std::size_t j = 1; j < a.size(); ++j) {
      char c = a[j];
      if (k_with_arg.find(c) != std::string_view::npos) {
        std::string value = j + 1 < a.size() ? std::string(a.substr(j + 1))
                                              : (i + 1 < args.size() ? args[++i] : std::string());
        if (c == 'l') cl.user = value;
        if (c == 'p') cl.port = value;
        if (c == 'Q') cl.info_only = true;
        break;
      }
      if (c == 't') cl.force_tty = true;
      if (c == 'T') cl.no_tty = true;
      if (c == 'N') cl.no_command = true;
      if (c == 'f') cl.background = true;
      if (c == 'V' || c == 'G') cl.info_only = true;
      (void)k_flags;
    }
  }
  if (i < args.size()) {
    cl.destination = args[i++];
    std::string rest = cl.destination;
    if (rest.rfind("ssh://", 0) == 0) {
      rest.erase(0, 6);
      if (auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
      if (auto colon = rest.rfind(':'); colon != std::string::npos && rest.find(']', colon) == std::string::npos &&
                                        rest.rfind('@') < colon) {
        cl.port = rest.substr(colon + 1);
        rest.resize(colon);
      }
    }
    if (auto at = rest.rfind('@'); at != std::string::npos) {
      cl.user = rest.substr(0, at);
      rest.erase(0, at + 1);
    }
    if (rest.size() > 2 && rest.front() == '[' && rest.back() == ']') rest = rest.substr(1, rest.size() - 2);
    cl.host = rest;
  }
  cl.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  return cl;
}

std::vector<std::string> scrub_secrets(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  out.reserve(args.size());
  bool hide_next = false, after_mysql = false;
  for (const auto& arg : args) {
    if (hide_next) {
      out.push_back("***");
      hide_next = false;
      continue;
    }
    std::string word = scrub_url(arg);
    if (auto eq = word.find('='); eq != std::string::npos && eq > 0 && secret_name(word.substr(0, eq))) {
      word = word.substr(0, eq + 1) + "***";
    } else if (word.size() > 2 && word.rfind("--", 0) == 0 && secret_name(word)) {
      hide_next = true; // --password VALUE
    } else if (after_mysql && word.size() > 2 && word.rfind("-p", 0) == 0) {
      word = "-p***"; // mysql -pSECRET
    }
    if (mysql_like(arg)) after_mysql = true;
    out.push_back(std::move(word));
  }
  return out;
}

std::string describe_target(const SshCommandLine& cl) {
  std::string s = cl.user.empty() ? cl.host : cl.user + "@" + cl.host;
  if (!cl.port.empty()) s += "_" + cl.port;
  for (const auto& w : cl.command) s += " " + w;
  return s;
}

} // namespace recssh::record
