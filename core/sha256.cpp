// SPDX-License-Identifier: MIT
#include "core/sha256.hpp"

#include "core/errors.hpp"
#include "core/fd.hpp"
#include "core/io.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <openssl/evp.h>

namespace recssh {

struct Sha256::State {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
};

Sha256::Sha256() : m_state(std::make_unique<State>()) {
  if (!m_state->ctx || EVP_DigestInit_ex(m_state->ctx.get(), EVP_sha256(), nullptr) != 1)
    throw Error("SHA-256 unavailable");
}

Sha256::~Sha256() = default;

void Sha256::update(const char* p, std::size_t n) { EVP_DigestUpdate(m_state->ctx.get(), p, n); }

std::string Sha256::hex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(m_state->ctx.get(), md, &len);
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(digits[md[i] >> 4]);
    out.push_back(digits[md[i] & 15]);
  }
  return out;
}

std::string sha256_file(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) throw Error("cannot read " + path + ": " + std::strerror(errno));
  Sha256 hash;
  struct HashSink final : ByteSink {
    Sha256& h;
    explicit HashSink(Sha256& s) : h(s) {}
    void write(const char* p, std::size_t n) override { h.update(p, n); }
  } sink(hash);
  copy_fd(fd.get(), sink, path);
  return hash.hex();
}

} // namespace recssh
