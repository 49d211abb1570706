// SPDX-License-Identifier: MIT
#pragma once
// SHA-256 of a file's bytes as stored (OpenSSL's libcrypto: well kept, and uses the
// CPU's SHA instructions), lowercase hex.
#include <string>

namespace recssh::archive {

std::string sha256_file(const std::string& path);

} // namespace recssh::archive
