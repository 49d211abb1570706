// SPDX-License-Identifier: MIT
#pragma once
// Small text transformations shared by the converters.
#include <string>
#include <string_view>

namespace recssh::convert {

// What a tty's onlcr does: a LF not preceded by CR becomes CR LF. `last_cr` carries
// whether the previous piece ended with CR.
inline void append_onlcr(std::string& out, std::string_view in, bool& last_cr) {
  std::size_t from = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\n' || (i ? in[i - 1] == '\r' : last_cr)) continue;
    out.append(in.substr(from, i - from));
    out += '\r';
    from = i;
  }
  out.append(in.substr(from));
  if (!in.empty()) last_cr = in.back() == '\r';
}

} // namespace recssh::convert
