// SPDX-License-Identifier: MIT
#pragma once
// recast upload and recast auth: asciinema-server's API as its 3.x CLI speaks it.
// POST {server}/api/v1/recordings with the cast as the multipart field "file", HTTP
// Basic auth with the user name ($USER, else empty) and the install ID as password,
// Accept: application/json. The install ID is the asciinema CLI's own (shared, so an
// account linked with either tool stays linked) and is a credential: never printed
// except by `auth`, whose whole point is the link that holds it.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace recssh::ship {

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// --server-url, else ASCIINEMA_SERVER_URL (3.x), else ASCIINEMA_API_URL (2.x), else
// https://asciinema.org; without a trailing '/'.
std::string server_url(const std::optional<std::string>& flag, const EnvLookup& env);

// Where the install ID is looked for, in order: ASCIINEMA_INSTALL_ID; 3.x's
// $XDG_STATE_HOME/asciinema/install-id (~/.local/state/...); 2.x's
// $ASCIINEMA_CONFIG_HOME/install-id, else $XDG_CONFIG_HOME/asciinema/install-id
// (~/.config/...). None: a new UUIDv4 is written (0600) at 3.x's place when `create`.
struct InstallId {
  std::string id;
  std::string from; // the file or variable, for messages
  bool created = false;
};
InstallId install_id(const EnvLookup& env, bool create);

// Is `id` what the server accepts (lower-case UUID)?
bool valid_install_id(const std::string& id);

struct UploadLimits {
  std::uint64_t max_bytes = 8u << 20; // asciinema-server's default UPLOAD_SIZE_LIMIT
  int attempts = 3;                   // on 5xx and no answer
};

struct UploadResult {
  long status = 0;
  std::string text; // the server's message, else its url
};

// Checks `path` the way the server would (an asciicast v1/v2/v3 with at least one
// event, not compressed, not over the limit) and throws Error saying what to do
// before anything is sent; then uploads it. Throws Error with the server's message
// for 4xx answers (401, 403, 404, 413, 422 ...) and after the last 5xx attempt.
UploadResult upload_recording(const std::string& path, const std::string& server, const InstallId& id,
                              const std::string& user, const UploadLimits& limits,
                              const std::function<void(const std::string&)>& on_retry);

} // namespace recssh::ship
