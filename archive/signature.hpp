// SPDX-License-Identifier: MIT
#pragma once
// SSH signatures over a message, through OpenSSH's own ssh-keygen -Y (run with
// Boost.Process; no crypto of ours): keys in ssh-agent work, and allowed-signers and
// revocation files are OpenSSH's formats. The namespace is "recssh", so a signature
// made for anything else (git, a file) does not verify as a recssh seal.
#include <string>
#include <string_view>

namespace recssh::archive {

// The armored signature of `message` with `key` (a private key file, or a public key
// whose private half is in ssh-agent). Throws Error with ssh-keygen's own words.
std::string ssh_sign(std::string_view message, const std::string& key);

struct SignatureCheck {
  enum class Result { good, bad, unknown_signer, revoked } result = Result::bad;
  std::string principal; // who signed, as the allowed-signers file names them
  std::string detail;    // ssh-keygen's words when not good
};
// Checks `armored` over `message` against an allowed-signers file (and a revocation
// list, when not empty). Throws Error only when ssh-keygen cannot be run.
SignatureCheck ssh_verify(std::string_view message, std::string_view armored, const std::string& allowed_signers,
                          const std::string& revoked = {});

} // namespace recssh::archive
