// SPDX-License-Identifier: MIT
#pragma once
// What a recording says about itself: the header's `recssh` object (who recorded
// what, where, in which stream and session) and the end marker that closes every
// session ("recssh: end: status=N reason=..."). Built here when recording, written
// into the header, and read back here by rotate, and by review and shipping.
#include "store/layout.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace recssh {
struct Header;
}

namespace recssh::store {

struct Metadata {
  std::string version;           // the recssh version that recorded it
  std::string session_id;
  std::optional<Stream> stream;
  std::string user;              // the local user who ran the session
  std::string host;              // the local host
  std::string target;            // the ssh destination (user@host); empty for local commands
  std::vector<std::string> argv; // what ran (ssh's argv with secrets scrubbed)
  // The port forwards asked for, each as "L 127.0.0.1:5432 -> db:5432 (pcap)": the kind,
  // where it listens, where it goes, and how it is recorded (pcap, meta, off, or why not).
  std::vector<std::string> forwards;

  // The header's "recssh" value. Keys in a fixed order; "target" only when known.
  std::string json() const;
  // nullopt when `json` is not an object; absent or mistyped keys stay empty.
  static std::optional<Metadata> parse(std::string_view json);
};

// The metadata of a recording's header; nullopt when it has none (converted or
// foreign casts). Throws Error / FormatError when the file cannot be read.
std::optional<Metadata> metadata_of(const Header& header);
std::optional<Metadata> read_metadata(const std::string& path);

// How a session ended, as its end marker says.
struct SessionEnd {
  int status = 0;     // 0..255; a signal n as 128+n
  int signal = 0;     // the signal that ended it, or 0
  // exit | signal (the program died of `signal`) | ssh-error (ssh's own 255) |
  // sighup | sigint | sigterm | sigquit (the recorder was sent it, and passed it on) |
  // write-error (--on-error=abort ended the session)
  std::string reason;
  std::uint64_t lost = 0; // bytes of the session that the recording does not hold
};
std::string end_marker(const SessionEnd& end);
std::optional<SessionEnd> parse_end_marker(std::string_view text);

// The end of the last session recorded in `path`; nullopt when it has no end marker
// (still being recorded, killed, or not a recssh recording). A plain cast is read
// from its tail only; a .gz is decompressed in a stream, in flat memory.
std::optional<SessionEnd> read_session_end(const std::string& path);
// The same from the last bytes of a plain cast (its last 64 KiB, as read_session_end
// reads them), for a caller that has read them already.
std::optional<SessionEnd> session_end_in_tail(std::string_view tail);

} // namespace recssh::store
