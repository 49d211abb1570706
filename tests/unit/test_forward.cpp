// SPDX-License-Identifier: MIT
// forward/: ssh's forwarding syntax, the SOCKS watch's split of handshake and data,
// and the PCAP flows read back with libpcap.
#include "forward/capture.hpp"
#include "forward/config_copy.hpp"
#include "forward/config_forwards.hpp"
#include "forward/pcap_file.hpp"
#include "forward/resolver.hpp"
#include "forward/socks.hpp"
#include "forward/spec.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <future>
#include <pcap/pcap.h>
#include <poll.h>
#include <string>
#include <unistd.h>

using namespace recssh;
using namespace recssh::forward;

TEST_CASE("forward specs read as ssh reads them", "[forward]") {
  auto l = parse_forward(Kind::local, "5432:db:5432");
  REQUIRE(l);
  CHECK(l->listen.host.empty());
  // An empty bind address is every address (as "*"), a missing one ssh's default.
  CHECK(parse_forward(Kind::local, ":5432:db:5432")->listen.host == "*");
  CHECK(parse_forward(Kind::dynamic, ":1080")->listen.host == "*");
  CHECK(parse_forward(Kind::remote, ":9000:localhost:22")->listen.text() == "*:9000");
  CHECK(parse_config_dump("localforward []:5432 [db]:5432\n").forwards.at(0).listen.host == "*");
  CHECK(l->listen.port == "5432");
  CHECK(l->target.host == "db");
  CHECK(l->target.port == "5432");
  CHECK(l->relayable());
  CHECK(l->describe() == "L 5432 -> db:5432");

  auto b = parse_forward(Kind::local, "[::1]:8080:[2001:db8::1]:80");
  REQUIRE(b);
  CHECK(b->listen.host == "::1");
  CHECK(b->target.host == "2001:db8::1");
  CHECK(b->describe() == "L [::1]:8080 -> [2001:db8::1]:80");

  auto sock = parse_forward(Kind::local, "/tmp/s:db:5432");
  REQUIRE(sock);
  CHECK(sock->listen.is_socket());
  CHECK_FALSE(sock->relayable());
  auto to_sock = parse_forward(Kind::local, "8080:/run/app.sock");
  REQUIRE(to_sock);
  CHECK(to_sock->target.path == "/run/app.sock");
  CHECK_FALSE(to_sock->relayable());

  auto r = parse_forward(Kind::remote, "0.0.0.0:9000:localhost:80");
  REQUIRE(r);
  CHECK(r->listen.text() == "0.0.0.0:9000");
  CHECK(r->relayable());
  auto rs = parse_forward(Kind::remote, "9000");
  REQUIRE(rs);
  CHECK(rs->remote_socks);
  CHECK_FALSE(rs->relayable());

  auto d = parse_forward(Kind::dynamic, "127.0.0.1:1080");
  REQUIRE(d);
  CHECK(d->describe() == "D 127.0.0.1:1080 (socks)");
  CHECK(d->relayable());

  CHECK_FALSE(parse_forward(Kind::local, "notaport:db:80"));
  CHECK_FALSE(parse_forward(Kind::local, "80:db:99999"));
  CHECK_FALSE(parse_forward(Kind::dynamic, "a:b:c"));
  CHECK_FALSE(parse_forward(Kind::local, "[::1:80:db:80"));

  auto o = parse_forward_option("LocalForward=8080 db:80");
  REQUIRE(o);
  CHECK(o->kind == Kind::local);
  CHECK(o->target.host == "db");
  auto o2 = parse_forward_option("dynamicforward 1080");
  REQUIRE(o2);
  CHECK(o2->kind == Kind::dynamic);
  CHECK_FALSE(parse_forward_option("ProxyJump=x"));
}

TEST_CASE("the SOCKS watch finds the destination and where the data starts", "[forward]") {
  SECTION("SOCKS 5 with a host name, in pieces, early data after the request") {
    SocksWatch w;
    std::string greet("\x05\x01\x00", 3);
    std::string req = std::string("\x05\x01\x00\x03\x0b", 5) + "example.com" + std::string("\x00\x50", 2);
    CHECK(w.up(greet.substr(0, 2)) == 2);
    CHECK(w.up(greet.substr(2)) == 1);
    CHECK(w.down(std::string("\x05\x00", 2)) == 2);
    CHECK(w.up(req + "GET /") == req.size()); // the rest is the application's
    CHECK(w.has_destination());
    CHECK(w.destination().host == "example.com");
    CHECK(w.destination().port == "80");
    std::string reply("\x05\x00\x00\x01\x7f\x00\x00\x01\x1f\x90", 10);
    CHECK(w.state() == SocksWatch::State::handshake);
    CHECK(w.down(reply + "HTTP") == reply.size());
    CHECK(w.state() == SocksWatch::State::established);
    CHECK(w.up("more") == 0);
  }
  SECTION("SOCKS 4a, refused") {
    SocksWatch w;
    std::string req = std::string("\x04\x01\x01\xbb\x00\x00\x00\x01", 8) + "me" + std::string("\0", 1) + "db.internal" +
                      std::string("\0", 1);
    CHECK(w.up(req) == req.size());
    CHECK(w.destination().host == "db.internal");
    CHECK(w.destination().port == "443");
    CHECK(w.down(std::string("\x00\x5b\x00\x00\x00\x00\x00\x00", 8)) == 8);
    CHECK(w.state() == SocksWatch::State::refused);
  }
  SECTION("SOCKS 5 with an IPv6 address") {
    SocksWatch w;
    w.up(std::string("\x05\x01\x00", 3));
    w.down(std::string("\x05\x00", 2));
    std::string req("\x05\x01\x00\x04", 4);
    req += std::string(15, '\0') + "\x01" + std::string("\x00\x16", 2);
    CHECK(w.up(req) == req.size());
    CHECK(w.destination().host == "::1");
    CHECK(w.destination().port == "22");
  }
  SECTION("not SOCKS") {
    SocksWatch w;
    w.up("GET / HTTP/1.1\r\n");
    CHECK(w.state() == SocksWatch::State::not_socks);
  }
}

namespace {

struct Packets {
  int count = 0, syn = 0, fin = 0, rst = 0;
  std::string up, down;
};

Packets read_back(const std::string& path) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(path.c_str(), err);
  REQUIRE(p);
  Packets out;
  pcap_pkthdr* h;
  const u_char* d;
  while (pcap_next_ex(p, &h, &d) == 1) {
    ++out.count;
    REQUIRE(h->caplen >= 40);
    const u_char flags = d[33];
    out.syn += (flags & 0x02) != 0;
    out.fin += (flags & 0x01) != 0;
    out.rst += (flags & 0x04) != 0;
    std::string payload(reinterpret_cast<const char*>(d) + 40, h->caplen - 40);
    const bool up = d[12] == 10; // the test's client address is 10.0.0.1
    (up ? out.up : out.down) += payload;
  }
  pcap_close(p);
  return out;
}

} // namespace

TEST_CASE("a capture holds each direction's bytes, and a gap where bytes were lost", "[forward]") {
  char dir[] = "/tmp/recssh-unit-pcap.XXXXXX";
  REQUIRE(::mkdtemp(dir));
  const std::string path = std::string(dir) + "/x.pcap";
  std::string big(200000, 'x');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  {
    Capture cap(
        [&](const Destination&) {
          return std::make_unique<PcapFile>(Fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600)), path, false);
        },
        [](const std::string& e) { FAIL(e); });
    auto f = cap.open_flow({"db", "5432"}, 0x0A000001, 40000);
    cap.data(f, Direction::up, "hello");
    cap.data(f, Direction::down, big); // over one IPv4 datagram: split
    cap.close(f, Direction::up);
    cap.close(f, Direction::down);
    cap.end_flow(f);
    CHECK(cap.finish() == std::vector<std::string>{path});
  }
  auto p = read_back(path);
  CHECK(p.up == "hello");
  CHECK(p.down == big);
  CHECK(p.syn == 2); // SYN, SYN-ACK
  CHECK(p.fin == 2);
  CHECK(p.rst == 0);

  // A queue bound smaller than the data: the bytes that did not fit are counted.
  const std::string path2 = std::string(dir) + "/y.pcap";
  {
    Capture cap(
        [&](const Destination&) {
          return std::make_unique<PcapFile>(Fd(::open(path2.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600)), path2,
                                            false);
        },
        [](const std::string& e) { FAIL(e); }, 1000);
    auto f = cap.open_flow({"db", "5432"}, 0x0A000001, 40001);
    cap.data(f, Direction::down, big);
    CHECK(cap.lost(f) == big.size());
    cap.end_flow(f);
    cap.finish();
  }
  // While the session goes on: what was handed over is in the file (readable by
  // tcpdump) soon after it was, with no more data coming to push it out.
  const std::string path3 = std::string(dir) + "/z.pcap";
  {
    Capture cap(
        [&](const Destination&) {
          return std::make_unique<PcapFile>(Fd(::open(path3.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600)), path3,
                                            false);
        },
        [](const std::string& e) { FAIL(e); });
    auto f = cap.open_flow({"db", "5432"}, 0x0A000001, 40002);
    cap.data(f, Direction::up, "still open");
    bool seen = false;
    for (int i = 0; i < 200 && !seen; ++i) { // (up to 10 s on a loaded machine)
      ::usleep(50000);
      seen = std::filesystem::file_size(path3) > 24 && read_back(path3).up == "still open"; // (past the file header)
    }
    CHECK(seen);
    cap.end_flow(f);
    cap.finish();
  }
  ::unlink(path.c_str());
  ::unlink(path2.c_str());
  ::unlink(path3.c_str());
  ::rmdir(dir);
}

TEST_CASE("config forwards: ssh -G's arguments without the forwards, and its dump read") {
  using recssh::forward::ArgPlace;
  const std::vector<std::string> args{"-F", "cfg", "-NL5432:db:5432", "-L", "80:web:80", "-o", "LocalForward=1 a:1",
                                      "-D1080", "host", "ls", "-l"};
  // the places as record/ssh_args gives them: (arg, offset of the value)
  const std::vector<ArgPlace> at{{2, 3}, {4, 0}, {6, 0}, {7, 2}};
  CHECK(recssh::forward::args_for_config_query(args, at, 9) == std::vector<std::string>{"-F", "cfg", "-N", "host"});
  const auto got = recssh::forward::parse_config_dump("user root\n"
                                                      "localforward [127.0.0.1]:3456 [c]:80\n"
                                                      "localforward [::1]:99 [::2]:100\n"
                                                      "remoteforward 9000 [localhost]:22\n"
                                                      "remoteforward 7000 [socks]:0\n"
                                                      "dynamicforward 1080\n"
                                                      "forwardagent no\n"
                                                      "gatewayports yes\n")
                       .forwards;
  REQUIRE(got.size() == 5);
  CHECK(recssh::forward::parse_config_dump("gatewayports yes\n").gateway_ports);
  // A forward whose path has a space is not guessed at: counted as unread.
  const auto spaced = recssh::forward::parse_config_dump("user op\nlocalforward /run/my sock [db]:5432\nport 22\n");
  CHECK(spaced.forwards.empty());
  CHECK(spaced.unread == 1);
  CHECK(spaced.others == "user op\nport 22\n");
  CHECK(spaced.value("port") == "22");
  CHECK(spaced.value("user") == "op");
  CHECK_FALSE(spaced.value("use"));      // a whole key, not a prefix
  CHECK_FALSE(spaced.value("localforward")); // (not among the others)
  CHECK(recssh::forward::parse_config_dump("controlpath /tmp/a b\nsessiontype none").value("sessiontype") == "none");
  CHECK_FALSE(recssh::forward::parse_config_dump("gatewayports no\n").gateway_ports);
  CHECK(got[0].describe() == "L 127.0.0.1:3456 -> c:80");
  CHECK(got[1].listen.host == "::1");
  CHECK(got[1].target.host == "::2");
  CHECK(got[2].describe() == "R 9000 -> localhost:22");
  CHECK(got[3].remote_socks);
  CHECK(got[4].kind == recssh::forward::Kind::dynamic);
}

TEST_CASE("config forwards: ssh -G only when a config file ssh reads, or one it includes, has a forward") {
  char tmpl[] = "/tmp/recssh-cfg.XXXXXX";
  REQUIRE(::mkdtemp(tmpl));
  const std::string home = tmpl;
  REQUIRE(std::system(("mkdir -p " + home + "/.ssh/conf.d").c_str()) == 0);
  auto put = [](const std::string& path, const std::string& text) {
    FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f);
    std::fputs(text.c_str(), f);
    std::fclose(f);
  };
  put(home + "/.ssh/config", "Host a\n  User x\nInclude conf.d/*.conf\n");
  put(home + "/.ssh/conf.d/one.conf", "Host b\n  ForwardAgent yes\n");
  CHECK_FALSE(recssh::forward::config_may_forward(home + "/.ssh/config", {home, home}));
  put(home + "/.ssh/conf.d/two.conf", "Host c\n  localforward=5432 db:5432\n");
  CHECK(recssh::forward::config_may_forward(home + "/.ssh/config", {home, home}));
  CHECK_FALSE(recssh::forward::config_may_forward("none", {home, home}));
  put(home + "/.ssh/conf.d/two.conf", "Host c\n  ForkAfterAuthentication yes\n"); // ssh -f
  CHECK(recssh::forward::config_may_forward(home + "/.ssh/config", {home, home}));
  // A pipe (-F <(...)) is ssh's to read, once: not looked into.
  REQUIRE(::mkfifo((home + "/fifo").c_str(), 0600) == 0);
  CHECK_FALSE(recssh::forward::config_may_forward(home + "/fifo", {home, home}));
  REQUIRE(std::system(("rm -rf " + home).c_str()) == 0);
}

TEST_CASE("config copy: forward lines commented out, Include arguments read as ssh reads them") {
  std::vector<std::string> asked;
  auto include = [&](const std::string& pattern) {
    asked.push_back(pattern);
    if (pattern == "none/*") return std::vector<std::string>{};
    return std::vector<std::string>{"/c/" + std::to_string(asked.size()) + ".conf", "/c/x\"y.conf"};
  };
  const std::string in = "Host db\n"
                         "  LocalForward 5432 db:5432\n"
                         "\tremoteforward=9000 localhost:22\n"
                         "  DynamicForward = 1080\n"
                         "  LocalForwardX 1\n"
                         "# LocalForward 1 a:1\n"
                         "Include \"my dir/*.conf\" 'b c' d\\ e # f\n"
                         "include=none/*\n"
                         "User op";
  CHECK(strip_forwards(in, include) == "Host db\n"
                                       "# (recssh: given to ssh on its command line)   LocalForward 5432 db:5432\n"
                                       "# (recssh: given to ssh on its command line) \tremoteforward=9000 localhost:22\n"
                                       "# (recssh: given to ssh on its command line)   DynamicForward = 1080\n"
                                       "  LocalForwardX 1\n"
                                       "# LocalForward 1 a:1\n"
                                       "Include \"/c/1.conf\" \"/c/x\\\"y.conf\" \"/c/2.conf\" \"/c/x\\\"y.conf\" "
                                       "\"/c/3.conf\" \"/c/x\\\"y.conf\"\n"
                                       "# (recssh: matched no file) include=none/*\n"
                                       "User op");
  CHECK(asked == std::vector<std::string>{"my dir/*.conf", "b c", "d e", "none/*"});
  CHECK(split_args("\"a b\\\" c\" d#e #f") == std::vector<std::string>{"a b\" c", "d#e"});
  // Trailing blanks (a CR, a form feed) go before the line is read, as ssh drops them.
  asked.clear();
  CHECK(strip_forwards("Include x\r\nLocalForward 1 a:1\f\n", include).find("\"/c/1.conf\"") != std::string::npos);
  CHECK(asked == std::vector<std::string>{"x"});
  CHECK_THROWS_AS(strip_forwards("Include \"open\n", include), recssh::Error);
  // ~user of no such user matches nothing, as ssh's glob has it.
  CHECK(include_matches("~no-such-user-recssh/x", "/etc/ssh", "/root").empty());
}

TEST_CASE("config copy: the files ssh would read, without forwards, includes followed, removed after") {
  char tmpl[] = "/tmp/recssh-cfg.XXXXXX";
  REQUIRE(::mkdtemp(tmpl));
  const std::string home = tmpl;
  REQUIRE(std::system(("mkdir -p " + home + "/.ssh/conf.d " + home + "/run").c_str()) == 0);
  auto put = [](const std::string& path, const std::string& text) {
    FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f);
    std::fputs(text.c_str(), f);
    std::fclose(f);
  };
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  };
  put(home + "/my_config", "Host a\n  LocalForward 1 a:1\nInclude conf.d/*.conf\n");
  put(home + "/.ssh/conf.d/2.conf", "Host b\n  DynamicForward 1080\n");
  put(home + "/.ssh/conf.d/1.conf", "Host c\n  User op\n");
  ::setenv("XDG_RUNTIME_DIR", (home + "/run").c_str(), 1);
  std::string dir;
  {
    ConfigCopy copy(home + "/my_config", {home, home});
    dir = copy.path().substr(0, copy.path().rfind('/'));
    CHECK(dir.rfind(home + "/run/recssh-conf.", 0) == 0);
    struct stat st {};
    REQUIRE(::stat(dir.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    const std::string top = read(copy.path());
    // -F's file, with the relative Include resolved against ~/.ssh, in glob's order.
    const auto inc = top.find("Include \"");
    REQUIRE(inc != std::string::npos);
    CHECK(top.find("# (recssh: given to ssh on its command line)   LocalForward 1 a:1") != std::string::npos);
    const std::string line = top.substr(inc, top.find('\n', inc) - inc);
    const auto first = line.find('"') + 1, second = line.find('"', line.find('"', first) + 1) + 1;
    const std::string one = line.substr(first, line.find('"', first) - first);
    const std::string two = line.substr(second, line.find('"', second) - second);
    CHECK(read(one) == "Host c\n  User op\n");
    CHECK(read(two) == "Host b\n# (recssh: given to ssh on its command line)   DynamicForward 1080\n");
  }
  CHECK(::access(dir.c_str(), F_OK) != 0); // removed with its files
  // A file that cannot be read: no copy, and nothing left behind.
  // Without -F: the user's file from the password database's home, then the system's;
  // a relative Include in the user's file against ~/.ssh with ~ as ssh's glob has it.
  {
    const std::string other = home + "/other";
    REQUIRE(std::system(("mkdir -p " + other + "/.ssh/conf.d").c_str()) == 0);
    put(home + "/.ssh/config", "Include conf.d/*.conf\n");
    put(other + "/.ssh/conf.d/x.conf", "Host x\n  LocalForward 9 x:9\n");
    ConfigCopy copy("", {home, other});
    const std::string top = read(copy.path());
    CHECK(top.rfind("Include \"", 0) == 0);
    CHECK(top.find("\nInclude \"") != std::string::npos); // then /etc/ssh/ssh_config's copy
    const std::string user = top.substr(9, top.find('"', 9) - 9);
    const std::string line = read(user);
    const std::string x = line.substr(9, line.find('"', 9) - 9);
    CHECK(read(x) == "Host x\n# (recssh: given to ssh on its command line)   LocalForward 9 x:9\n");
    CHECK(recssh::forward::config_may_forward("", {home, other}));
    CHECK_FALSE(recssh::forward::config_may_forward("", {home, home + "/nowhere"}));
  }
  // Includes that never end (ssh stops at 16 levels too): no copy, nothing left behind.
  put(home + "/loop_config", "Include /nonexistent-dir/x.conf " + home + "/loop_config\n");
  CHECK_THROWS_AS(ConfigCopy(home + "/loop_config", {home, home}), recssh::Error);
  CHECK(std::filesystem::is_empty(home + "/run"));
  ::unsetenv("XDG_RUNTIME_DIR");
  REQUIRE(std::system(("rm -rf " + home).c_str()) == 0);
}

TEST_CASE("resolver: -R targets looked up off the relay's loop, a slow lookup holding up no other") {
  using recssh::forward::Address;
  using recssh::forward::Resolver;
  // The "slow" lookup does not return until the test has both others' results.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Resolver r([released](const std::string& host, const std::string&) {
    if (host == "slow") released.wait();
    Address a;
    a.family = host == "slow" ? AF_INET6 : AF_INET;
    return host == "nowhere" ? std::vector<Address>{} : std::vector<Address>{a};
  });
  r.lookup(1, "slow", "22");
  r.lookup(2, "fast", "22");
  r.lookup(3, "nowhere", "22");
  std::vector<Resolver::Result> got;
  auto wait = [&] {
    pollfd p{r.fd(), POLLIN, 0};
    if (::poll(&p, 1, 100) == 1)
      for (auto& x : r.take()) got.push_back(std::move(x));
  };
  for (int i = 0; i < 600 && got.size() < 2; ++i) wait();
  REQUIRE(got.size() == 2);
  for (const auto& x : got) {
    CHECK(x.tag != 1);
    CHECK(x.addresses.size() == (x.tag == 2 ? 1u : 0u));
  }
  release.set_value();
  for (int i = 0; i < 600 && got.size() < 3; ++i) wait();
  REQUIRE(got.size() == 3);
  CHECK(got[2].tag == 1);
  CHECK(got[2].addresses.at(0).family == AF_INET6);
  // The system's lookup: localhost is loopback.
  auto local = Resolver::system_lookup("localhost", "22");
  REQUIRE_FALSE(local.empty());
  CHECK((local[0].family == AF_INET || local[0].family == AF_INET6));
}
