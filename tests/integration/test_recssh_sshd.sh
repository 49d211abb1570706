# recssh against a real sshd on 127.0.0.1: an interactive session driven through a
# real terminal (tmux), the exec stream, and ssh's own errors.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
. "$HERE/sshd.sh"
. "$HERE/pty.sh"
: "${RECSSH:?}"
start_sshd
R="$WORK/rec"
day() { date +%Y-%m-%d; }
only_cast() { # the one cast under $1
  local n; n=$(find "$1" -name '*.cast*' | wc -l)
  [ "$n" = 1 ] || fail "expected one cast under $1, found $n: $(find "$1")"
  find "$1" -name '*.cast*'
}

# --- interactive: shell stream through a pty --------------------------------------
tmux_start 100 30 "sh -c '\"$RECSSH\" --dir \"$R/i\" --stdin -F \"$SSH_CONFIG\" testhost; echo \$? > \"$WORK/status\"'"
wait_for_text "[#$] *$" 20
keys 'echo hello-$((6*7))' Enter
wait_for_text 'hello-42'
resize 120 40
sleep 0.5
keys 'stty size' Enter
wait_for_text '^40 120'
keys 'read -s -p "Password: " pw; echo got-${#pw}' Enter
wait_for_text 'Password:'
keys 'hunter2' Enter
wait_for_text 'got-7'
keys 'ls /' Enter
sleep 0.3
keys 'exit 7' Enter
wait_for_file "$WORK/status"
[ "$(cat "$WORK/status")" = 7 ] || fail "recssh exited $(cat "$WORK/status"), expected 7 (the remote shell's exit)"
cast=$(only_cast "$R/i")
case "$cast" in "$R/i/$(day)/"[0-9][0-9][0-9][0-9][0-9][0-9]-*testhost.cast) ;; *) fail "unexpected name $cast" ;; esac
[ "$(stat -c %a "$cast")" = 600 ] || fail "cast mode $(stat -c %a "$cast"), expected 600"
[ "$(stat -c %a "$R/i/$(day)")" = 700 ] || fail "day dir mode is not 700"
"$RECAST" validate "$cast" >/dev/null || fail "recorded cast does not validate"
"$RECAST" cat "$cast" | matches 'hello-42' || fail "typed command's output missing from the cast"
grep -q '"r", "120x40"' "$cast" || fail "no resize event 120x40"
grep -q '40 120' "$cast" || fail "the remote side did not see the new size"
! grep -q 'hunter2' "$cast" || fail "the password typed at read -s is in the cast"
grep -q '"m", "recssh: input masked (not echoed)"' "$cast" || fail "no mask marker"
"$RECAST" cat --stream i "$cast" | matches 'ls /' || fail "echoed input (ls /) was not kept"
tail -n 1 "$cast" | matches '"m", "recssh: end: status=7 reason=exit"' || fail "end marker: $(tail -n 1 "$cast")"
head -n 1 "$cast" | matches '"stream":"shell"' || fail "header lacks the shell stream"
head -n 1 "$cast" | matches '"width": 100, "height": 30' || fail "header size is not the terminal's"

# --- exec: stdout, stderr and the exit code kept apart -----------------------------
rc=0
"$RECSSH" --dir "$R/e" -F "$SSH_CONFIG" testhost 'echo out-1; echo err-1 >&2; exit 3' </dev/null >"$WORK/o" 2>"$WORK/e" || rc=$?
[ "$rc" = 3 ] || fail "exec: exit status $rc, expected 3"
[ "$(cat "$WORK/o")" = out-1 ] || fail "exec: stdout passed through wrong: $(cat "$WORK/o")"
[ "$(cat "$WORK/e")" = err-1 ] || fail "exec: stderr passed through wrong: $(cat "$WORK/e")"
cast=$(only_cast "$R/e")
grep -q '"o", "out-1\\n"' "$cast" || fail "exec: stdout not recorded as o"
grep -q '"e", "err-1\\n"' "$cast" || fail "exec: stderr not recorded as e"
grep -q '"stream":"exec"' "$cast" || fail "exec: header stream"
tail -n 1 "$cast" | matches 'status=3 reason=exit' || fail "exec: end marker $(tail -n 1 "$cast")"
case "$cast" in *-root_testhost_echo_out-1_echo_err-1_2_exit_3.cast | *testhost_echo*) ;; *) fail "exec name: $cast" ;; esac

# stdin reaches the remote command
echo "piped-data" | "$RECSSH" --dir "$R/s" -F "$SSH_CONFIG" testhost 'cat; exit 0' >"$WORK/o" || fail "stdin exec failed"
[ "$(cat "$WORK/o")" = piped-data ] || fail "stdin did not reach the remote command"

# ssh's own failure: 255, and the marker says so
rc=0
"$RECSSH" --dir "$R/f" -F "$SSH_CONFIG" -o ConnectTimeout=3 -p 1 testhost true </dev/null 2>/dev/null || rc=$?
[ "$rc" = 255 ] || fail "connection refused gave $rc, expected 255"
tail -n 1 "$(only_cast "$R/f")" | matches 'status=255 reason=ssh-error' || fail "no ssh-error marker"

# v3 output gets an exit event
"$RECSSH" --dir "$R/v3" --format v3 -F "$SSH_CONFIG" testhost 'exit 5' </dev/null || [ $? = 5 ] || fail "v3 exit"
grep -q '"x", "5"' "$(only_cast "$R/v3")" || fail "v3: no x event"
echo "ok"
