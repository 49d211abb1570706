// SPDX-License-Identifier: MIT
#include "archive/signature.hpp"

#include "core/errors.hpp"

#include <boost/process.hpp>

#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace recssh::archive {

namespace {
namespace bp = boost::process;

std::string keygen_program() {
  // Tests point this at a wrapper; everyone else gets the ssh-keygen in PATH.
  if (const char* p = std::getenv("RECSSH_SSH_KEYGEN"); p && *p) return p;
  auto found = bp::search_path("ssh-keygen");
  if (found.empty()) throw Error("ssh-keygen not found (install openssh-client)");
  return found.string();
}

struct Ran {
  int status = 0;
  std::string out, err;
};

// Runs ssh-keygen with `message` on its stdin. The message is small (one seal
// record), so writing it all before reading cannot fill a pipe both ways.
Ran run_keygen(const std::vector<std::string>& args, std::string_view message) {
  bp::opstream in;
  bp::ipstream out, err;
  Ran r;
  try {
    bp::child c(bp::exe = keygen_program(), bp::args = args, bp::std_in < in, bp::std_out > out,
                bp::std_err > err);
    in.write(message.data(), static_cast<std::streamsize>(message.size()));
    in.flush();
    in.pipe().close();
    std::string line;
    while (std::getline(out, line)) r.out += line + "\n";
    while (std::getline(err, line)) r.err += line + "\n";
    c.wait();
    r.status = c.exit_code();
  } catch (const bp::process_error& e) {
    throw Error(std::string("cannot run ssh-keygen: ") + e.what());
  }
  // ssh-keygen's messages end in "\r\n" (it writes them for a terminal).
  for (auto* s : {&r.err, &r.out})
    std::erase(*s, '\r');
  while (!r.err.empty() && r.err.back() == '\n') r.err.pop_back();
  return r;
}

// A private directory for the signature file that ssh-keygen -Y verify wants to
// read; removed with everything in it.
class TempDir {
public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    m_path = std::string(base && *base ? base : "/tmp") + "/recast-sig.XXXXXX";
    if (!::mkdtemp(m_path.data())) throw_errno("cannot create a directory in " + m_path);
  }
  ~TempDir() {
    for (const auto& f : m_files) ::unlink(f.c_str());
    ::rmdir(m_path.c_str());
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string write(const std::string& name, std::string_view bytes) {
    std::string p = m_path + "/" + name;
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw_errno("cannot create " + p);
    m_files.push_back(p);
    bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
    ::close(fd);
    if (!ok) throw_errno("cannot write " + p);
    return p;
  }

private:
  std::string m_path;
  std::vector<std::string> m_files;
};
} // namespace

std::string ssh_sign(std::string_view message, const std::string& key) {
  Ran r = run_keygen({"-Y", "sign", "-q", "-f", key, "-n", "recssh"}, message);
  if (r.status != 0 || r.out.find("-----BEGIN SSH SIGNATURE-----") == std::string::npos)
    throw Error("cannot sign with " + key + ": " + (r.err.empty() ? "ssh-keygen failed" : r.err));
  return r.out;
}

SignatureCheck ssh_verify(std::string_view message, std::string_view armored, const std::string& allowed_signers,
                          const std::string& revoked) {
  SignatureCheck check;
  TempDir dir;
  std::string sig = dir.write("seal.sig", armored);
  Ran who = run_keygen({"-Y", "find-principals", "-s", sig, "-f", allowed_signers}, "");
  if (who.status != 0 || who.out.empty()) {
    check.result = SignatureCheck::Result::unknown_signer;
    check.detail = who.err.empty() ? "no principal in " + allowed_signers + " has this key" : who.err;
    return check;
  }
  check.principal = who.out.substr(0, who.out.find('\n'));
  std::vector<std::string> args{"-Y", "verify", "-f", allowed_signers, "-I", check.principal, "-n", "recssh",
                                "-s", sig};
  Ran r = run_keygen(args, message);
  if (r.status != 0) {
    check.result = SignatureCheck::Result::bad;
    check.detail = !r.err.empty() ? r.err : !r.out.empty() ? r.out.substr(0, r.out.find('\n')) : "ssh-keygen -Y verify failed";
    return check;
  }
  // ssh-keygen says only "Could not verify signature" for a revoked key: a signature
  // that is good without the list and fails with it is a revoked key's.
  if (!revoked.empty()) {
    args.push_back("-r");
    args.push_back(revoked);
    if (run_keygen(args, message).status != 0) {
      check.result = SignatureCheck::Result::revoked;
      return check;
    }
  }
  check.result = SignatureCheck::Result::good;
  return check;
}

} // namespace recssh::archive
