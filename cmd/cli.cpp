// SPDX-License-Identifier: MIT
#include "cmd/cli.hpp"

#include "core/errors.hpp"

#include <csignal>
#include <malloc.h>
#include <cstdio>

namespace recssh::cli {

int run(const std::string& prog, CLI::App& app, int argc, char** argv, const int& status,
        int error_status) {
  set_program_name(prog);
  // A file size limit must be an error we report and clean up after (temporary files
  // removed), not a kill that leaves them behind.
  std::signal(SIGXFSZ, SIG_IGN);
  if (argc <= 1 && !app.get_subcommands({}).empty()) {
    // A bare command never guesses what was meant: it shows what it can do.
    std::fputs(app.help().c_str(), stderr);
    return 2;
  }
  try {
    app.parse(argc, argv);
    return status;
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e); // prints help, version or the parse error
    return rc == 0 ? 0 : 2;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s: error: %s\n", prog.c_str(), e.what());
    return 2;
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: error: %s\n", prog.c_str(), e.what());
    return error_status;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: internal error: %s\n", prog.c_str(), e.what());
    return 70;
  }
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
