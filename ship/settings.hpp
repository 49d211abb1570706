// SPDX-License-Identifier: MIT
#pragma once
// Where and as whom to talk S3, in the conventions users already have: the AWS_*
// environment variables, ~/.aws/credentials and ~/.aws/config profiles, and recssh's
// own config keys (store/config.hpp). Secrets are read here and handed to curl in
// process only: never put in an argv, a message or a log.
#include "store/config.hpp"

#include <functional>
#include <istream>
#include <map>
#include <optional>
#include <string>

namespace recssh::ship {

// An INI file as the AWS tools write it: [section], key = value, '#' or ';' comments,
// and nested values (`s3 =` followed by indented `addressing_style = path`), stored as
// "s3.addressing_style". Sections keep their names as written ("profile ci").
using IniFile = std::map<std::string, std::map<std::string, std::string>>;
IniFile parse_ini(std::istream& in);

enum class Addressing { automatic, path, virtual_host };

struct Settings {
  std::string endpoint;  // scheme://host[:port], no trailing '/'
  std::string region;
  Addressing addressing = Addressing::automatic;
  std::string profile;   // the profile read, for messages
  std::string access_key_id;
  std::string secret_access_key; // never shown
  std::string session_token;     // never shown
  std::string credentials_from;  // "environment", "~/.aws/credentials [ci]": for messages
};

// What the command line says; empty means "not given".
struct SettingsRequest {
  std::optional<std::string> profile, endpoint, region, addressing;
};

// The environment and home directory are parameters so that tests can give their own.
using Getenv = std::function<std::optional<std::string>(const std::string& name)>;
Getenv process_env();

// Resolves each setting from the first source that has it:
//   endpoint: --endpoint, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, s3-endpoint, the
//             profile's endpoint_url, else https://s3.REGION.amazonaws.com
//   region:   --region, AWS_REGION, AWS_DEFAULT_REGION, s3-region, the profile's
//             region, else us-east-1
//   profile:  --profile, AWS_PROFILE, s3-profile, else "default"
//   keys:     AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), else the
//             profile in the credentials file (AWS_SHARED_CREDENTIALS_FILE or
//             ~/.aws/credentials), else in the config file (AWS_CONFIG_FILE or
//             ~/.aws/config)
// Throws Error when no keys are found or a named profile does not exist.
Settings resolve_settings(const SettingsRequest& request, const store::Config& config, const Getenv& env);

std::optional<Addressing> parse_addressing(const std::string& text);

} // namespace recssh::ship
