// SPDX-License-Identifier: MIT
#pragma once
// The one CLI runner: it owns parse errors, exceptions and exit codes, so no other
// code prints errors or calls exit().
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace recssh::cli {

// Parses argv with `app` (subcommand callbacks run inside) and returns the process
// exit status: `status` as the callbacks set it; 1 after an Error, 2 after a usage
// error, 70 after an internal error. `error_status` replaces 1 (recssh uses 255, as ssh
// does for its own failures, so scripts see a connection-level error).
int run(const std::string& prog, CLI::App& app, int argc, char** argv, const int& status,
        int error_status = 1);

// Number checks for options: finite (nan and inf are refused: they would end up in a
// header as text that is not JSON), and in range; the message names the value, not
// the type's limits.
CLI::Validator positive_number();     // > 0
CLI::Validator non_negative_number(); // >= 0

// The one candidate that `word` abbreviates, else the one closest by edit distance
// when it is close enough to be a likely typo; empty otherwise.
std::string closest(const std::string& word, const std::vector<std::string>& candidates);

// For commands that open thousands of files (merge, rotate): reuse big buffers.
void tune_malloc_for_many_files();

} // namespace recssh::cli

namespace recssh::search {
struct RecordingFilter;
}

namespace recssh::cli {

// The recording filters grep and ls share (--user --host --since --until --failed
// --stream), checked; throws UsageError.
search::RecordingFilter recording_filter(const std::string& user, const std::string& host, const std::string& since,
                                         const std::string& until, bool failed, const std::string& stream);

// The subcommands of recast, one file each.
void add_cat(CLI::App& app, int& status);
void add_play(CLI::App& app, int& status);
void add_info(CLI::App& app, int& status);
void add_validate(CLI::App& app, int& status);
void add_convert(CLI::App& app, int& status);
void add_formats(CLI::App& app, int& status);
void add_rec(CLI::App& app, int& status);
void add_append(CLI::App& app, int& status);
void add_merge(CLI::App& app, int& status);
void add_rotate(CLI::App& app, int& status);
void add_seal(CLI::App& app, int& status);
void add_verify(CLI::App& app, int& status);
void add_ship(CLI::App& app, int& status);
void add_upload(CLI::App& app, int& status);
void add_auth(CLI::App& app, int& status);
void add_grep(CLI::App& app, int& status);
void add_ls(CLI::App& app, int& status);

} // namespace recssh::cli
