// SPDX-License-Identifier: MIT
// ship/'s pure parts: keys, URL encoding, the canonical query curl signs as given, the
// AWS config and credentials files, and how settings are resolved.
#include "core/errors.hpp"
#include "ship/asciinema_server.hpp"
#include "ship/http.hpp"
#include "ship/names.hpp"
#include "ship/s3.hpp"
#include "ship/settings.hpp"
#include "ship/ship.hpp"
#include "ship/xml.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace recssh;
using namespace recssh::ship;

TEST_CASE("ship target and keys", "[ship]") {
  auto t = parse_target("s3://recs/bastions/eu/");
  CHECK(t.bucket == "recs");
  CHECK(t.prefix == "bastions/eu");
  CHECK(parse_target("s3://recs").prefix.empty());
  CHECK_THROWS_AS(parse_target("https://recs/x"), UsageError);
  CHECK_THROWS_AS(parse_target("s3://UPPER/x"), UsageError);
  CHECK_THROWS_AS(parse_target("s3://ab"), UsageError);
  CHECK_THROWS_AS(parse_target("s3://recs/a//b"), UsageError);

  CHECK(object_key("bastions/eu", "bastion1", "2026-11-22", "101500-alice.cast.gz") ==
        "bastions/eu/bastion1/2026-11-22/101500-alice.cast.gz");
  CHECK(object_key("", "h", "alice/shell", "id.cast") == "h/alice/shell/id.cast");
  CHECK(object_key("/p/", "h", "", "x.cast") == "p/h/x.cast");

  const std::string sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  CHECK(conflict_key("p/h/2026-11-22/101500-a.cast.gz", sha) == "p/h/2026-11-22/101500-a.conflict-0123456789ab.cast.gz");
  CHECK(conflict_key("p/h/d/x.cast", sha) == "p/h/d/x.conflict-0123456789ab.cast");
  CHECK(conflict_key("p/h/d/x_db_5432.pcap.gz", sha) == "p/h/d/x_db_5432.conflict-0123456789ab.pcap.gz");
  // ".cast" inside a directory name is not the file's extension.
  CHECK(conflict_key("p/a.cast.d/x.cast", sha) == "p/a.cast.d/x.conflict-0123456789ab.cast");
}

TEST_CASE("ship URI encoding and the canonical query", "[ship]") {
  CHECK(uri_encode("a b/c~d_e.f-g", true) == "a%20b/c~d_e.f-g");
  CHECK(uri_encode("a/b", false) == "a%2Fb");
  CHECK(uri_encode("é+=&", false) == "%C3%A9%2B%3D%26");
  // curl 7.88 signs the query as written: it must already be sorted and encoded, and a
  // parameter without a value must be written "name=".
  CHECK(canonical_query({{"uploads", ""}}) == "uploads=");
  CHECK(canonical_query({{"uploadId", "a/b+c"}, {"partNumber", "2"}}) == "partNumber=2&uploadId=a%2Fb%2Bc");
  CHECK(canonical_query({{"uploads", ""}, {"prefix", "p/h"}, {"key-marker", "k"}}) == "key-marker=k&prefix=p%2Fh&uploads=");
  CHECK(canonical_query({}).empty());
}

TEST_CASE("ship encodings", "[ship]") {
  CHECK(base64("") == "");
  CHECK(base64("f") == "Zg==");
  CHECK(base64("fo") == "Zm8=");
  CHECK(base64("foo") == "Zm9v");
  // The SHA-256 of "" as x-amz-checksum-sha256 writes it.
  CHECK(hex_to_base64(k_empty_sha256) == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  CHECK(metadata_value("alice@host") == "alice@host");
  CHECK(metadata_value("ä%\n") == "%C3%A4%25%0A");
  CHECK(parse_bytes("64M") == (64ull << 20));
  CHECK(parse_bytes("512k") == (512ull << 10));
  CHECK(parse_bytes("100") == 100u);
  CHECK_FALSE(parse_bytes("M"));
  CHECK_FALSE(parse_bytes("5T"));
  CHECK_FALSE(parse_bytes("-1"));
  CHECK(parse_iso8601("2026-12-03T07:54:03.000Z") == 1796284443);
  CHECK_FALSE(parse_iso8601("yesterday"));
}

TEST_CASE("ship part sizes stay within S3's limits", "[ship]") {
  CHECK(part_size_for(100ull << 20, 8ull << 20) == (8ull << 20));
  CHECK(part_size_for(100ull << 20, 1) == k_min_part_size);
  // 1 TiB in 64 MiB parts would be 16384 parts: grown to at most 10000.
  auto p = part_size_for(1ull << 40, 64ull << 20);
  CHECK((1ull << 40) / p < 10000);
  CHECK(p % (1u << 20) == 0);
}

TEST_CASE("ship XML", "[ship]") {
  std::string body = "<ListPartsResult><PartNumberMarker>0</PartNumberMarker>"
                     "<Part><PartNumber>1</PartNumber><ETag>&quot;abc&quot;</ETag><Size>5</Size></Part>"
                     "<Part><PartNumber>2</PartNumber><ETag>\"def\"</ETag><Size>3</Size></Part>"
                     "<IsTruncated>false</IsTruncated></ListPartsResult>";
  auto parts = xml_elements(body, "Part");
  REQUIRE(parts.size() == 2); // not <PartNumberMarker>
  CHECK(xml_text(parts[0], "ETag") == "\"abc\"");
  CHECK(xml_text(parts[1], "Size") == "3");
  CHECK(xml_text("<Error><Code>NoSuchBucket</Code><Message>a &amp; b&#33;</Message></Error>", "Message") == "a & b!");
  CHECK(xml_escape("<a&\"b>") == "&lt;a&amp;&quot;b&gt;");
}

TEST_CASE("ship reads AWS ini files as the AWS tools do", "[ship]") {
  std::istringstream in("# comment\n"
                        "[default]\n"
                        "aws_access_key_id = AKIDEFAULT\n"
                        "aws_secret_access_key=secret-default\n"
                        "; another comment\n"
                        "[profile ci]\n"
                        "region = eu-west-1\n"
                        "s3 =\n"
                        "  addressing_style = path\n"
                        "  endpoint_url = http://127.0.0.1:9000\n"
                        "output = json\n");
  auto ini = parse_ini(in);
  CHECK(ini["default"]["aws_access_key_id"] == "AKIDEFAULT");
  CHECK(ini["default"]["aws_secret_access_key"] == "secret-default");
  CHECK(ini["profile ci"]["region"] == "eu-west-1");
  CHECK(ini["profile ci"]["s3.addressing_style"] == "path");
  CHECK(ini["profile ci"]["s3.endpoint_url"] == "http://127.0.0.1:9000");
  CHECK(ini["profile ci"]["output"] == "json"); // the nested block ended at the unindented line
  CHECK(ini["profile ci"].count("addressing_style") == 0);
}

namespace {

struct AwsFiles {
  std::string dir;
  AwsFiles() {
    char tmpl[] = "/tmp/recssh-ship-unit.XXXXXX";
    dir = ::mkdtemp(tmpl);
    std::ofstream(dir + "/credentials") << "[default]\naws_access_key_id = AKIDEFAULT\naws_secret_access_key = s1\n"
                                           "[ci]\naws_access_key_id = AKIDCI\naws_secret_access_key = s2\n"
                                           "aws_session_token = tok\n";
    std::ofstream(dir + "/config") << "[default]\nregion = us-west-2\n"
                                      "[profile ci]\nregion = eu-central-1\nendpoint_url = http://127.0.0.1:9/\n"
                                      "s3 =\n  addressing_style = virtual\n"
                                      "[profile only-config]\naws_access_key_id = AKIDCONF\naws_secret_access_key = s3\n";
  }
  ~AwsFiles() {
    std::remove((dir + "/credentials").c_str());
    std::remove((dir + "/config").c_str());
    ::rmdir(dir.c_str());
  }
  Getenv env(std::map<std::string, std::string> vars) const {
    vars.emplace("AWS_SHARED_CREDENTIALS_FILE", dir + "/credentials");
    vars.emplace("AWS_CONFIG_FILE", dir + "/config");
    return [vars](const std::string& name) -> std::optional<std::string> {
      auto it = vars.find(name);
      return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  }
};

} // namespace

TEST_CASE("ship settings: environment, profiles, recssh config", "[ship]") {
  AwsFiles f;
  store::Config none;

  auto s = resolve_settings({}, none, f.env({}));
  CHECK(s.access_key_id == "AKIDEFAULT");
  CHECK(s.secret_access_key == "s1");
  CHECK(s.region == "us-west-2");
  CHECK(s.endpoint == "https://s3.us-west-2.amazonaws.com");
  CHECK(s.addressing == Addressing::automatic);

  s = resolve_settings({}, none, f.env({{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "senv"},
                                        {"AWS_SESSION_TOKEN", "tenv"}, {"AWS_REGION", "ap-south-1"},
                                        {"AWS_ENDPOINT_URL", "http://a:1"}, {"AWS_ENDPOINT_URL_S3", "http://b:2/"}}));
  CHECK(s.access_key_id == "AKIDENV");
  CHECK(s.session_token == "tenv");
  CHECK(s.region == "ap-south-1");
  CHECK(s.endpoint == "http://b:2"); // the S3-specific variable wins; no trailing '/'
  CHECK(s.credentials_from == "the environment");

  // --profile wins over keys in the environment, as with the AWS CLI.
  SettingsRequest ci;
  ci.profile = "ci";
  s = resolve_settings(ci, none, f.env({{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "senv"}}));
  CHECK(s.access_key_id == "AKIDCI");
  CHECK(s.session_token == "tok");
  CHECK(s.region == "eu-central-1");
  CHECK(s.endpoint == "http://127.0.0.1:9");
  CHECK(s.addressing == Addressing::virtual_host);

  // recssh's keys come after the environment, before the profile.
  store::Config conf;
  conf.s3_profile = "only-config";
  conf.s3_region = "sa-east-1";
  conf.s3_endpoint = "http://minio:9000";
  conf.s3_addressing = "path";
  s = resolve_settings({}, conf, f.env({}));
  CHECK(s.access_key_id == "AKIDCONF"); // keys found in the config file's profile
  CHECK(s.region == "sa-east-1");
  CHECK(s.endpoint == "http://minio:9000");
  CHECK(s.addressing == Addressing::path);

  SettingsRequest missing;
  missing.profile = "nope";
  CHECK_THROWS_WITH(resolve_settings(missing, none, f.env({})), Catch::Contains("'nope'"));
  SettingsRequest bad;
  bad.endpoint = "ftp://x";
  CHECK_THROWS_AS(resolve_settings(bad, none, f.env({})), UsageError);
  // No keys anywhere: the error says where they were looked for, and holds no secret.
  auto empty_env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "HOME") return "/nonexistent";
    return std::nullopt;
  };
  CHECK_THROWS_WITH(resolve_settings({}, none, empty_env), Catch::Contains("AWS_ACCESS_KEY_ID"));
}

TEST_CASE("asciinema-server: server URL and install ID", "[ship]") {
  auto env = [](std::map<std::string, std::string> vars) {
    return [vars](const std::string& name) -> std::optional<std::string> {
      auto it = vars.find(name);
      return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  };
  CHECK(server_url(std::nullopt, env({})) == "https://asciinema.org");
  CHECK(server_url(std::nullopt, env({{"ASCIINEMA_API_URL", "http://a/"}})) == "http://a");
  CHECK(server_url(std::nullopt, env({{"ASCIINEMA_API_URL", "http://a"}, {"ASCIINEMA_SERVER_URL", "http://b"}})) == "http://b");
  CHECK(server_url(std::string("https://c//"), env({{"ASCIINEMA_SERVER_URL", "http://b"}})) == "https://c");
  CHECK_THROWS_AS(server_url(std::string("c.example"), env({})), UsageError);

  CHECK(valid_install_id("11111111-2222-4333-8444-555555555555"));
  CHECK_FALSE(valid_install_id("11111111-2222-4333-8444-55555555555A")); // upper case
  CHECK_FALSE(valid_install_id("11111111222243338444555555555555"));
  CHECK_FALSE(valid_install_id(""));

  char tmpl[] = "/tmp/recssh-ship-id.XXXXXX";
  std::string home = ::mkdtemp(tmpl);
  auto id = install_id(env({{"HOME", home}}), true);
  CHECK(id.created);
  CHECK(valid_install_id(id.id));
  CHECK(id.from == home + "/.local/state/asciinema/install-id");
  auto again = install_id(env({{"HOME", home}}), false);
  CHECK(again.id == id.id);
  CHECK_FALSE(again.created);
  CHECK(install_id(env({{"HOME", home}, {"ASCIINEMA_INSTALL_ID", "x"}}), false).id == "x");
  std::remove(id.from.c_str());
  CHECK_THROWS_WITH(install_id(env({{"HOME", home}}), false), Catch::Contains("recast auth"));
  ::rmdir((home + "/.local/state/asciinema").c_str());
  ::rmdir((home + "/.local/state").c_str());
  ::rmdir((home + "/.local").c_str());
  ::rmdir(home.c_str());
}

TEST_CASE("ship URLs: path-style and virtual-hosted addressing", "[ship]") {
  Settings s;
  s.region = "eu-west-1";
  s.endpoint = "http://127.0.0.1:9000";
  // auto: path style for any endpoint but AWS's.
  CHECK(Connection(s, "recs", {}).url_of("a/b.cast") == "http://127.0.0.1:9000/recs/a/b.cast");
  CHECK(Connection(s, "recs", {}).url_of("", "uploads=") == "http://127.0.0.1:9000/recs?uploads=");
  s.addressing = Addressing::virtual_host;
  CHECK(Connection(s, "recs", {}).url_of("a/b.cast") == "http://recs.127.0.0.1:9000/a/b.cast");
  CHECK(Connection(s, "recs", {}).url_of("", "uploads=") == "http://recs.127.0.0.1:9000/?uploads=");
  s.addressing = Addressing::automatic;
  s.endpoint = "https://s3.eu-west-1.amazonaws.com";
  CHECK(Connection(s, "recs", {}).url_of("k") == "https://recs.s3.eu-west-1.amazonaws.com/k");
  // A bucket name with dots would not match AWS's wildcard certificate: path style.
  CHECK(Connection(s, "my.recs", {}).url_of("k") == "https://s3.eu-west-1.amazonaws.com/my.recs/k");
  s.addressing = Addressing::path;
  CHECK(Connection(s, "recs", {}).url_of("k") == "https://s3.eu-west-1.amazonaws.com/recs/k");
}

TEST_CASE("ship: a journaled recording asks nothing; one replaced after the walk is left pending", "[ship]") {
  char tmpl[] = "/tmp/recssh-shipj-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  const std::string day = dir + "/root/2026-11-22";
  REQUIRE(::system(("mkdir -p " + day).c_str()) == 0);
  auto make = [](const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
    std::string cmd = "touch -d '-2 hours' " + path;
    REQUIRE(::system(cmd.c_str()) == 0);
  };
  make(day + "/a.cast", "{\"version\": 2, \"width\": 80, \"height\": 24}\n");
  make(day + "/b.cast", "{\"version\": 2, \"width\": 80, \"height\": 24}\n[0.1, \"o\", \"b\"]\n");
  // Nothing listens there: any request would fail.
  Settings settings;
  settings.endpoint = "http://127.0.0.1:1";
  settings.region = "us-east-1";
  settings.access_key_id = "AKIAUNIT000000000000";
  settings.secret_access_key = "unit";
  Options options;
  options.target = parse_target("s3://recs/p");
  options.host = "h";
  options.retry.attempts = 1;
  store::ShippedJournal journal(dir + "/state/shipped.journal", true);
  options.journal = &journal;
  struct stat st {};
  REQUIRE(::stat((day + "/a.cast").c_str(), &st) == 0);
  store::ShipEntry e;
  e.state = store::ShipState::shipped;
  e.id = store::identity_of(st);
  e.target = "s3://recs/p";
  e.endpoint = settings.endpoint;
  e.key = "p/h/2026-11-22/a.cast";
  e.path = day + "/a.cast";
  e.sha256 = "ab";
  journal.record(e);

  std::map<std::string, Result> results;
  auto report = [&](const Result& r) { results[r.path.substr(r.path.rfind('/') + 1)] = r; };
  auto candidates = collect({dir + "/root"}, options, report);
  REQUIRE(candidates.size() == 2);
  // b.cast replaced by another file under the same name after the walk (made first,
  // so that it cannot get the old inode).
  make(day + "/.b.new", "{\"version\": 2, \"width\": 80, \"height\": 24}\n[0.1, \"o\", \"other\"]\n");
  REQUIRE(::rename((day + "/.b.new").c_str(), (day + "/b.cast").c_str()) == 0);
  ship::ship(candidates, settings, options, {report, nullptr});
  CHECK(results["a.cast"].outcome == Outcome::present);
  CHECK(results["a.cast"].from_journal);
  CHECK(results["a.cast"].key == "p/h/2026-11-22/a.cast");
  CHECK(results["b.cast"].outcome == Outcome::pending);
  CHECK(results["b.cast"].message.find("replaced since it was listed") != std::string::npos);
  REQUIRE(::system(("rm -rf " + dir).c_str()) == 0);
}
