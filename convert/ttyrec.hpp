// SPDX-License-Identifier: MIT
#pragma once
// ttyrec (ttyrec 1.0.8, termrec, ovh-ttyrec): frames of a 12-byte little-endian header
// (seconds, microseconds, length) and that many bytes of output. No file header, no
// size (a leading ESC [ 8 ; rows ; cols t, as termrec writes, is honoured), no input.
// The NetHack Learning Environment's ttyrec2/ttyrec3 (13-byte headers with a channel
// byte) are recognised and refused with a clear message.
#include "core/event_reader.hpp"
#include "core/io.hpp"

namespace recssh::convert {

// True when the first bytes look like ttyrec frames.
bool probe_ttyrec(std::string_view head);
// True when they look like the 13-byte-header variants instead.
bool probe_ttyrec2(std::string_view head);

std::unique_ptr<EventReader> open_ttyrec(Input in, const ReadOptions& options);

} // namespace recssh::convert
