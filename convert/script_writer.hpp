// SPDX-License-Identifier: MIT
#pragma once
// `recast convert --to typescript`: a util-linux script(1) recording, the data log
// (OUT) and its timing file (the "timing" companion, OUT.timing unless named), as
// util-linux 2.38 writes them, so that the real scriptreplay plays it back:
// - the data log: "Script started on DATE [COMMAND=".." TERM=".." COLUMNS=".." LINES=".."]",
//   the recorded output bytes, "\nScript done on DATE [COMMAND_EXIT_CODE="N"]";
// - classic timing ("SECONDS.USEC BYTES" per output chunk) when the cast has no
//   input; as soon as it has input, the advanced format of `script --log-io`: H
//   records, then "O"/"I" chunks interleaved in the one data log, and "S ... SIGWINCH
//   ROWS=r COLS=c" for resizes.
// Streaming: timing entries are spooled (flat memory) until the first input decides
// the format, or the end does.
#include "core/event_writer.hpp"
#include "core/format.hpp"

#include <memory>

namespace recssh::convert {

std::unique_ptr<EventWriter> make_script_writer(const WriterOutputs& out);

} // namespace recssh::convert
