// SPDX-License-Identifier: MIT
#include "archive/sha256.hpp"

#include "core/errors.hpp"
#include "core/fd.hpp"
#include "core/io.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <openssl/evp.h>
#include <vector>

namespace recssh::archive {

std::string sha256_file(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) throw Error("cannot read " + path + ": " + std::strerror(errno));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) throw Error("SHA-256 unavailable");
  struct HashSink final : ByteSink {
    EVP_MD_CTX* ctx;
    explicit HashSink(EVP_MD_CTX* c) : ctx(c) {}
    void write(const char* p, std::size_t n) override { EVP_DigestUpdate(ctx, p, n); }
  } sink(ctx.get());
  copy_fd(fd.get(), sink, path);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 15]);
  }
  return out;
}

} // namespace recssh::archive
