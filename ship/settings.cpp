// SPDX-License-Identifier: MIT
#include "ship/settings.hpp"

#include "core/errors.hpp"

#include <cstdlib>
#include <fstream>

namespace recssh::ship {
namespace {

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r");
  auto e = s.find_last_not_of(" \t\r");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

std::optional<std::string> non_empty(std::optional<std::string> v) {
  if (v && v->empty()) return std::nullopt;
  return v;
}

template <class... T> std::optional<std::string> first_of(T... candidates) {
  std::optional<std::string> found;
  ((found = found ? found : non_empty(candidates)), ...);
  return found;
}

std::optional<IniFile> read_ini(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  return parse_ini(in);
}

std::optional<std::string> lookup(const std::optional<IniFile>& ini, const std::string& section,
                                  const std::string& key) {
  if (!ini) return std::nullopt;
  auto s = ini->find(section);
  if (s == ini->end()) return std::nullopt;
  auto k = s->second.find(key);
  return k == s->second.end() ? std::nullopt : non_empty(k->second);
}

} // namespace

IniFile parse_ini(std::istream& in) {
  IniFile ini;
  std::string line, section, nested;
  bool in_section = false;
  while (std::getline(in, line)) {
    bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      section = trim(std::string_view(t).substr(1, t.size() - 2));
      in_section = true;
      nested.clear();
      ini[section];
      continue;
    }
    auto eq = t.find('=');
    if (!in_section || eq == std::string::npos) continue; // the AWS tools ignore such lines too
    std::string key = trim(std::string_view(t).substr(0, eq)), value = trim(std::string_view(t).substr(eq + 1));
    if (indented && !nested.empty()) {
      ini[section][nested + "." + key] = value;
      continue;
    }
    nested = value.empty() ? key : std::string();
    ini[section][key] = value;
  }
  return ini;
}

std::optional<Addressing> parse_addressing(const std::string& text) {
  if (text == "auto") return Addressing::automatic;
  if (text == "path") return Addressing::path;
  if (text == "virtual") return Addressing::virtual_host;
  return std::nullopt;
}

Getenv process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
}

Settings resolve_settings(const SettingsRequest& request, const store::Config& config, const Getenv& env) {
  Settings s;
  s.profile = first_of(request.profile, env("AWS_PROFILE"), config.s3_profile).value_or("default");
  bool profile_named = non_empty(request.profile) || non_empty(env("AWS_PROFILE")) || non_empty(config.s3_profile);

  std::string home = env("HOME").value_or("");
  std::string cred_path = first_of(env("AWS_SHARED_CREDENTIALS_FILE")).value_or(home + "/.aws/credentials");
  std::string conf_path = first_of(env("AWS_CONFIG_FILE")).value_or(home + "/.aws/config");
  auto creds = read_ini(cred_path);
  auto conf = read_ini(conf_path);
  // In the config file every profile but the default is "[profile NAME]".
  std::string conf_section = s.profile == "default" ? "default" : "profile " + s.profile;
  bool profile_exists = (creds && creds->count(s.profile)) || (conf && conf->count(conf_section));

  s.region = first_of(request.region, env("AWS_REGION"), env("AWS_DEFAULT_REGION"), config.s3_region,
                      lookup(conf, conf_section, "region"))
                 .value_or("us-east-1");
  auto endpoint = first_of(request.endpoint, env("AWS_ENDPOINT_URL_S3"), env("AWS_ENDPOINT_URL"), config.s3_endpoint,
                           lookup(conf, conf_section, "s3.endpoint_url"), lookup(conf, conf_section, "endpoint_url"));
  s.endpoint = endpoint.value_or("https://s3." + s.region + ".amazonaws.com");
  while (!s.endpoint.empty() && s.endpoint.back() == '/') s.endpoint.pop_back();
  if (s.endpoint.rfind("http://", 0) != 0 && s.endpoint.rfind("https://", 0) != 0)
    throw UsageError("the endpoint '" + s.endpoint + "' is not an http:// or https:// URL");

  auto addressing = first_of(request.addressing, config.s3_addressing,
                             lookup(conf, conf_section, "s3.addressing_style"));
  if (addressing) {
    std::string a = *addressing == "virtual" || *addressing == "path" || *addressing == "auto" ? *addressing : "";
    if (auto parsed = parse_addressing(a)) s.addressing = *parsed;
    else throw UsageError("addressing is path, virtual or auto, not '" + *addressing + "'");
  }

  auto key_id = non_empty(env("AWS_ACCESS_KEY_ID")), secret = non_empty(env("AWS_SECRET_ACCESS_KEY"));
  if (key_id && secret && !non_empty(request.profile)) {
    s.access_key_id = *key_id;
    s.secret_access_key = *secret;
    s.session_token = non_empty(env("AWS_SESSION_TOKEN")).value_or("");
    s.credentials_from = "the environment";
    return s;
  }
  if (profile_named && !profile_exists)
    throw Error("the AWS profile '" + s.profile + "' is in neither " + cred_path + " nor " + conf_path);
  for (const auto& [ini, section, path] :
       {std::tuple{&creds, s.profile, cred_path}, std::tuple{&conf, conf_section, conf_path}}) {
    auto id = lookup(*ini, section, "aws_access_key_id"), sk = lookup(*ini, section, "aws_secret_access_key");
    if (id && sk) {
      s.access_key_id = *id;
      s.secret_access_key = *sk;
      s.session_token = lookup(*ini, section, "aws_session_token").value_or("");
      s.credentials_from = path + " [" + section + "]";
      return s;
    }
  }
  throw Error("no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give the profile '" + s.profile +
              "' keys in " + cred_path);
}

} // namespace recssh::ship
