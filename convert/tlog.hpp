// SPDX-License-Identifier: MIT
#pragma once
// tlog (Scribery) JSON messages as its file writer writes them, one per line: the
// timing mini-language over in_txt/in_bin/out_txt/out_bin, window records, message
// positions in ms. One recording ("rec") per conversion: the first one found, or the
// one named with --session (rec id or audit session number).
#include "core/event_reader.hpp"
#include "core/io.hpp"

#include <memory>

namespace recssh::convert {

bool probe_tlog(std::string_view head);
std::unique_ptr<EventReader> open_tlog(Input in, const ReadOptions& options);

} // namespace recssh::convert
