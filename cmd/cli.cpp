// SPDX-License-Identifier: MIT
#include "cmd/cli.hpp"
#include "core/printable.hpp"

#include "core/errors.hpp"
#include "core/signals.hpp"
#include "core/time.hpp"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <malloc.h>
#include <cstdio>

namespace recssh::cli {

int run(const std::string& prog, CLI::App& app, int argc, char** argv, const int& status,
        int error_status) {
  set_program_name(prog);
  // A file size limit must be an error we report and clean up after (temporary files
  // removed), not a kill that leaves them behind.
  std::signal(SIGXFSZ, SIG_IGN);
  // ^C or a kill during a conversion removes the temporary output it was writing.
  remove_temp_files_on_signals();
  // CLI11's own messages quote what was typed: escaped like ours (core/printable.hpp).
  app.failure_message([](const CLI::App* a, const CLI::Error& e) {
    std::string text = CLI::FailureMessage::simple(a, e), what = std::string(e.what()) + "\n";
    if (text.rfind(what, 0) == 0) text = printable(e.what()) + "\n" + text.substr(what.size());
    return text;
  });
  auto commands = app.get_subcommands({});
  if (argc <= 1 && !commands.empty()) {
    // A bare command never guesses what was meant: it shows what it can do.
    std::fputs(app.help().c_str(), stderr);
    return 2;
  }
  try {
    std::vector<std::string> names;
    for (const auto* c : commands) names.push_back(c->get_name());
    if (!names.empty() && argv[1][0] != '-' && std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      std::string list, near = closest(argv[1], names);
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw UsageError("unknown command '" + std::string(argv[1]) + "'" +
                       (near.empty() ? "" : " (did you mean " + near + "?)") + "; commands: " + list);
    }
    app.parse(argc, argv);
    return status;
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e); // prints help, version or the parse error
    return rc == 0 ? 0 : 2;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s: error: %s\n", prog.c_str(), printable(e.what()).c_str());
    return 2;
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: error: %s\n", prog.c_str(), printable(e.what()).c_str());
    return error_status;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: internal error: %s\n", prog.c_str(), printable(e.what()).c_str());
    return 70;
  }
}

namespace {

CLI::Validator number_check(bool zero_allowed) {
  return CLI::Validator(
      [zero_allowed](std::string& text) -> std::string {
        char* end = nullptr;
        double v = std::strtod(text.c_str(), &end);
        // The bound is the one every time read obeys (core/time.hpp): a value past it
        // would be written into a header that no reader accepts.
        if (text.empty() || *end || !std::isfinite(v) || v < 0 || (!zero_allowed && v == 0) || v > k_max_seconds)
          return std::string("expected a number ") + (zero_allowed ? ">= 0" : "> 0") + " and " + max_time_text() +
                 ", got '" + text + "'";
        return {};
      },
      zero_allowed ? "NUMBER >= 0" : "NUMBER > 0");
}

} // namespace

CLI::Validator positive_number() { return number_check(false); }
CLI::Validator non_negative_number() { return number_check(true); }

std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  // An abbreviation of exactly one candidate (--form for --format) is that one; of
  // several (--fo: --format, --forwards), all of them are named.
  std::string prefixed;
  int prefix_count = 0;
  for (const auto& c : candidates)
    if (word.size() >= 3 && c.size() > word.size() && c.compare(0, word.size(), word) == 0 &&
        prefixed.find(c) == std::string::npos) {
      prefixed += (prefixed.empty() ? "" : " or ") + c;
      ++prefix_count;
    }
  if (prefix_count >= 1 && prefix_count <= 3) return prefixed;
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& c : candidates) {
    // Levenshtein distance, one row at a time.
    std::vector<std::size_t> row(c.size() + 1);
    for (std::size_t j = 0; j <= c.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      std::size_t diag = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= c.size(); ++j) {
        std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (word[i - 1] == c[j - 1] ? 0 : 1)});
        diag = up;
      }
    }
    if (row[c.size()] < best_d) {
      best_d = row[c.size()];
      best = c;
    }
  }
  // Close enough to be a typo: at most a third of the word wrong (one letter in short words).
  return best_d <= std::max<std::size_t>(1, word.size() / 3) ? best : std::string();
}

void tune_malloc_for_many_files() {
  // Readers and writers use 1 MiB buffers, one set per file; merge and rotate go
  // through thousands of files. Above glibc's default 128 KiB threshold each would be
  // a fresh mmap, page-faulted and zeroed by the kernel every time: keep them on the
  // heap, where freed buffers are reused, and do not hand them back after every file.
  // (Not for the recorder: there it would only raise the peak RSS.)
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 64 << 20);
}

} // namespace recssh::cli
