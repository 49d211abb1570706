// SPDX-License-Identifier: MIT
#pragma once
// SHA-256 (OpenSSL's libcrypto: well kept, and uses the CPU's SHA instructions where
// there are any), lowercase hex.
#include <cstddef>
#include <memory>
#include <string>

namespace recssh {

// Incremental: update() with the bytes in order, then hex() once.
class Sha256 {
public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const char* p, std::size_t n);
  std::string hex();

private:
  struct State;
  std::unique_ptr<State> m_state;
};

// Of a file's bytes as stored.
std::string sha256_file(const std::string& path);

} // namespace recssh
