// SPDX-License-Identifier: MIT
#include "record/recorder.hpp"

#include "core/errors.hpp"
#include "record/input_mask.hpp"
#include "core/signals.hpp"
#include "core/terminal.hpp"

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace recssh::record {
namespace {

constexpr std::size_t k_read_size = 64 * 1024;
constexpr Micros k_tick{1'000'000};     // gzip flush and gap markers at least this often
constexpr Micros k_drain_idle{100'000}; // after the child exits, output quiet this long ends it

class Clock {
public:
  Micros now() const {
    return std::chrono::duration_cast<Micros>(std::chrono::steady_clock::now() - m_start);
  }

private:
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

class FileTarget final : public EventTarget {
public:
  explicit FileTarget(RecordingFile& f) : m_file(f) {}
  void emit(Event&& e) override { m_file.write(e); }

private:
  RecordingFile& m_file;
};

// The stages between the loop and the file: coalescing per stream, then the input mask.
// Streams are flushed before anything else is emitted, so events stay in time order.
class Pipeline {
public:
  Pipeline(RecordingFile& file, const RecorderOptions& o)
      : m_file(file), m_target(file), m_out("o", o.coalesce), m_err("e", o.coalesce),
        m_record_input(o.record_input) {
    if (o.record_input && o.mask_input) m_mask.emplace(m_target, o.mask_window);
  }
  void output(Micros t, std::string_view bytes) {
    m_err.flush(next());
    m_out.add(t, bytes, next());
  }
  void error_output(Micros t, std::string_view bytes) {
    m_out.flush(next());
    m_err.add(t, bytes, next());
  }
  void input(Micros t, std::string_view bytes) {
    if (!m_record_input) return;
    flush_outputs();
    next().emit(Event::input(t, std::string(bytes)));
  }
  void other(Event&& e) {
    flush_outputs();
    next().emit(std::move(e));
  }
  // The earliest time something is due.
  Micros deadline(Micros now) const {
    Micros d = now + k_tick;
    for (auto t : {m_out.deadline(), m_err.deadline(), m_mask ? m_mask->deadline() : std::nullopt})
      if (t) d = std::min(d, *t);
    return d;
  }
  void tick(Micros now) {
    if (auto d = m_out.deadline(); d && *d <= now) m_out.flush(next());
    if (auto d = m_err.deadline(); d && *d <= now) m_err.flush(next());
    if (m_mask) m_mask->tick(now);
    if (now >= m_next_file_tick) {
      m_file.tick(now);
      m_next_file_tick = now + k_tick;
    }
  }
  void finish() {
    m_out.finish(next());
    m_err.finish(next());
    if (m_mask) m_mask->finish();
  }

private:
  EventTarget& next() { return m_mask ? static_cast<EventTarget&>(*m_mask) : m_target; }
  void flush_outputs() {
    m_out.flush(next());
    m_err.flush(next());
  }
  RecordingFile& m_file;
  FileTarget m_target;
  Coalescer m_out, m_err;
  std::optional<InputMask> m_mask;
  bool m_record_input;
  Micros m_next_file_tick{0};
};

int poll_timeout_ms(Micros now, Micros due) {
  if (due <= now) return 0;
  return static_cast<int>((due - now).count() / 1000 + 1);
}

// Writes all of buf to a blocking fd; false if the reader is gone.
bool write_all(int fd, const char* p, std::size_t n) {
  while (n) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

bool abort_now(const RecorderOptions& o, const RecordingFile& f) {
  return o.on_error == OnError::abort && f.failed();
}

void side_markers(const RecorderOptions& o, Pipeline& pipe, Micros now) {
  for (auto& m : o.side->take()) pipe.other(Event::marker(now, std::move(m)));
}

// The other threads' last markers (connections closed as ssh went) before the end.
void end_side(const RecorderOptions& o, Pipeline& pipe, Micros now) {
  if (!o.side) return;
  o.side->end();
  side_markers(o, pipe, now);
}

} // namespace

SessionEnd record_pty(const std::vector<std::string>& argv, const EnvList& env, TermSize size,
                      const RecorderOptions& options, RecordingFile& file) {
  Clock clock;
  Pipeline pipe(file, options);
  const bool stdin_tty = ::isatty(0);
  RawModeGuard raw(0);
  SignalFd signals{SIGCHLD, SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  PtyChild pty = spawn_in_pty(argv, raw.saved(), size, env);
  Child& child = pty.process;
  const int master = pty.master.get();
  set_nonblocking(master);

  std::vector<char> buf(k_read_size);
  std::string to_child; // typed bytes the pty has not taken yet
  bool stdin_open = true, stdout_ok = true, master_open = true, aborted = false;
  int received = 0;
  Micros last_output{0};
  TermSize current = size;

  while (master_open) {
    Micros now = clock.now();
    Micros due = pipe.deadline(now);
    if (child.done()) due = std::min(due, last_output + k_drain_idle);
    pollfd fds[4] = {
        {signals.fd(), POLLIN, 0},
        {master, static_cast<short>(POLLIN | (to_child.empty() ? 0 : POLLOUT)), 0},
        {stdin_open && to_child.size() < k_read_size ? 0 : -1, POLLIN, 0},
        {options.side ? options.side->fd() : -1, POLLIN, 0},
    };
    int rc = ::poll(fds, 4, poll_timeout_ms(now, due));
    if (rc < 0 && errno != EINTR) throw Error(std::string("poll: ") + std::strerror(errno));
    now = clock.now();

    if (fds[0].revents & POLLIN) {
      while (auto sig = signals.read()) {
        if (sig->signo == SIGCHLD) {
          if (child.try_reap()) last_output = now; // drain from now on
        } else if (sig->signo == SIGWINCH) {
          auto sz = stdin_tty ? terminal_size(0) : std::nullopt;
          if (sz && !options.forced_size && *sz != current) {
            current = *sz;
            set_terminal_size(master, current);
            pipe.other(Event::resize(now, current));
          }
        } else {
          if (sig->signo == SIGHUP) stdin_open = stdout_ok = false; // our terminal is gone
          if (!received) received = sig->signo;                    // the end marker names it
          child.signal(sig->signo);
        }
      }
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(master, buf.data(), buf.size());
      if (n > 0) {
        last_output = now;
        if (stdout_ok) stdout_ok = write_all(1, buf.data(), static_cast<std::size_t>(n));
        pipe.output(now, {buf.data(), static_cast<std::size_t>(n)});
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        master_open = false; // EIO: every process let go of the pty
      }
    }
    if (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(0, buf.data(), buf.size());
      if (n > 0) {
        pipe.input(now, {buf.data(), static_cast<std::size_t>(n)});
        to_child.append(buf.data(), static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        stdin_open = false;
        if (!stdin_tty) {
          // Piped input ended: end-of-file for the child, as a terminal user would type
          // it (twice when a line is unfinished, the first ^D only sends the line).
          termios t{};
          char eof = ::tcgetattr(master, &t) == 0 ? static_cast<char>(t.c_cc[VEOF]) : '\x04';
          if (!to_child.empty() && to_child.back() != '\n') to_child.push_back(eof);
          to_child.push_back(eof);
        }
      }
    }
    if (fds[3].revents & POLLIN) side_markers(options, pipe, now);
    if (!to_child.empty() && (fds[1].revents & POLLOUT)) {
      ssize_t w = ::write(master, to_child.data(), to_child.size());
      if (w > 0) to_child.erase(0, static_cast<std::size_t>(w));
    }
    pipe.tick(now);
    if (abort_now(options, file)) {
      child.signal(SIGHUP);
      aborted = true;
      break;
    }
    if (child.done() && now >= last_output + k_drain_idle) break; // orphans keep the pty
  }
  ExitStatus status = child.wait();
  end_side(options, pipe, clock.now());
  Micros end = clock.now();
  pipe.finish();
  raw.restore();
  return {status, end, aborted, received};
}

SessionEnd record_pipes(const std::vector<std::string>& argv, const EnvList& env,
                        const RecorderOptions& options, RecordingFile& file) {
  namespace bp = boost::process;
  if (argv.empty()) throw Error("no command to run");
  Clock clock;
  Pipeline pipe(file, options);
  SignalFd signals{SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT};

  bp::pipe out_pipe, err_pipe;
  bp::environment child_env = boost::this_process::environment();
  for (const auto& [k, v] : env) child_env[k] = v;
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  pid_t pid;
  try {
    bp::child c(bp::exe = find_program(argv[0]), bp::args = args, bp::std_out > out_pipe,
                bp::std_err > err_pipe, child_env,
                bp::extend::on_exec_setup = [&options](auto&) {
                  SignalFd::reset_in_child();
                  for (int sig : options.child_ignores) ::signal(sig, SIG_IGN); // kept across exec
                });
    pid = c.id();
    c.detach(); // we reap it ourselves, through the signalfd
  } catch (const bp::process_error& e) {
    throw Error("cannot run " + argv[0] + ": " + e.what());
  }

  struct Stream {
    int fd, pass_to;
    bool open = true;
  } streams[2] = {{out_pipe.native_source(), 1}, {err_pipe.native_source(), 2}};
  std::vector<char> buf(k_read_size);
  bool aborted = false;
  int received = 0;
  Child child(pid);
  Micros last_output{0};

  while (streams[0].open || streams[1].open) {
    Micros now = clock.now();
    Micros due = pipe.deadline(now);
    if (child.done()) due = std::min(due, last_output + k_drain_idle);
    pollfd fds[4] = {{signals.fd(), POLLIN, 0},
                     {streams[0].open ? streams[0].fd : -1, POLLIN, 0},
                     {streams[1].open ? streams[1].fd : -1, POLLIN, 0},
                     {options.side ? options.side->fd() : -1, POLLIN, 0}};
    int rc = ::poll(fds, 4, poll_timeout_ms(now, due));
    if (rc < 0 && errno != EINTR) throw Error(std::string("poll: ") + std::strerror(errno));
    now = clock.now();
    if (fds[0].revents & POLLIN) {
      while (auto sig = signals.read()) {
        if (sig->signo == SIGCHLD) {
          if (child.try_reap()) last_output = now;
        } else {
          if (!received) received = sig->signo; // the end marker names it
          // ^C at the terminal reached the child already (same process group); only
          // signals sent to us alone are passed on. One the child ignores (ssh -f's,
          // child_ignores) would be lost: SIGTERM ends it instead.
          const auto& ign = options.child_ignores;
          const bool ignored = std::find(ign.begin(), ign.end(), sig->signo) != ign.end();
          if (!sig->from_terminal) child.signal(ignored ? SIGTERM : sig->signo);
        }
      }
    }
    if (fds[3].revents & POLLIN) side_markers(options, pipe, now);
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i + 1].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(streams[i].fd, buf.data(), buf.size());
      if (n > 0) {
        last_output = now;
        write_all(streams[i].pass_to, buf.data(), static_cast<std::size_t>(n));
        std::string_view bytes(buf.data(), static_cast<std::size_t>(n));
        if (i == 0)
          pipe.output(now, bytes);
        else
          pipe.error_output(now, bytes);
      } else if (n == 0 || errno != EINTR) {
        streams[i].open = false;
      }
    }
    pipe.tick(now);
    if (abort_now(options, file)) {
      child.signal(SIGHUP);
      aborted = true;
      break;
    }
    if (child.done() && now >= last_output + k_drain_idle) break; // ssh -f left a child behind
  }
  ExitStatus status = child.wait();
  end_side(options, pipe, clock.now());
  Micros end = clock.now();
  pipe.finish();
  return {status, end, aborted, received};
}

} // namespace recssh::record
