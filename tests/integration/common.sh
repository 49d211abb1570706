# Shared by the integration tests: strict mode, a scratch directory, and helpers.
set -euo pipefail
# A command that fails under -e ends the test: say which, where (else the log of a
# failure that happens only under load says nothing). Not from a subshell: one that
# a failure ends is a failed command of its parent's, said there, and a command
# substitution (a `diff` in a failure's message) fails without ending anything.
set -E
trap '_err_rc=$?; [ "$BASH_SUBSHELL" -gt 0 ] || echo "FAIL: ${BASH_SOURCE[0]##*/}:$LINENO: exited $_err_rc: $BASH_COMMAND" >&2' ERR
: "${RECAST:?RECAST must point at the recast binary}"
WORK=$(mktemp -d /tmp/recssh-it.XXXXXX)
# Helpers register teardown commands (stop sshd, tmux) with at_exit; they all run, even
# if one fails, and the scratch directory goes last.
AT_EXIT=()
at_exit() { AT_EXIT+=("$1"); }
run_at_exit() {
  set +e
  trap - ERR # (teardown commands may fail: a session already gone)
  local c
  for c in "${AT_EXIT[@]}"; do eval "$c" >/dev/null 2>&1; done
  rm -rf "$WORK"
}
trap run_at_exit EXIT
cd "$WORK"

fail() { echo "FAIL: $*" >&2; exit 1; }

# matches [GREP-OPTS] PATTERN: grep -q that reads its whole input. Under pipefail,
# `producer | grep -q` fails when grep exits at the first hit and the producer then
# dies of SIGPIPE writing the rest (seen: a completion with 3 candidates).
matches() { grep "$@" >/dev/null; }

# A component the test needs. Missing outside CI: skip (exit 77). Missing in CI: fail,
# because CI installs everything and a silent skip would hide a broken setup.
require() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "${CI:-}" = "true" ]; then fail "$1 is required in CI but is not installed"; fi
  echo "SKIP: $1 not installed" >&2
  exit 77
}

# expect_fail STATUS PATTERN CMD...: CMD exits STATUS and its stderr matches PATTERN.
expect_fail() {
  local want=$1 pattern=$2; shift 2
  local rc=0
  "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
  [ "$rc" = "$want" ] || fail "$* exited $rc, expected $want; stderr: $(cat "$WORK/err")"
  grep -qE -- "$pattern" "$WORK/err" || fail "$*: stderr does not match /$pattern/: $(cat "$WORK/err")"
}

# Runs asciinema 2.2's cat, which needs a controlling terminal, inside a pty; its
# stdout goes to a file so the pty's newline translation does not touch the bytes.
asciinema_cat() {
  local in=$1 out=$2
  setsid script -qec "asciinema cat '$in' > '$out'" /dev/null </dev/null >/dev/null
}
