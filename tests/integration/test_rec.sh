# recast rec: the recorder on a pty without a terminal around it (CI has none), its
# exit statuses, coalescing, reliability (kill -9, write errors, full disk).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
export RECSSH_SYSTEM_CONFIG="$WORK/none" HOME="$WORK/home"
rec() { "$RECAST" rec -q "$@"; }
events() { grep -c "\"$2\"" "$1" || true; }

# exit statuses the way a shell reports them
rc=0; rec -c 'exit 7' s7.cast </dev/null || rc=$?
[ "$rc" = 7 ] || fail "exit 7 gave $rc"
tail -n 1 s7.cast | matches 'status=7 reason=exit' || fail "marker for exit 7"
rc=0; rec -c 'kill -TERM $$' sig.cast </dev/null || rc=$?
[ "$rc" = 143 ] || fail "a child killed by SIGTERM gave $rc, expected 143"
tail -n 1 sig.cast | matches 'status=143 reason=signal signal=15' || fail "marker for a signal: $(tail -n 1 sig.cast)"
expect_fail 1 'already exists \(use --overwrite' "$RECAST" rec -q -c true s7.cast
rec --overwrite -c 'echo again' s7.cast </dev/null >/dev/null
grep -q again s7.cast || fail "--overwrite did not replace the file"
rec --overwrite -c 'echo x' /dev/null </dev/null >/dev/null || fail "recording to /dev/null"
SHELL=/nonexistent/cmd expect_fail 1 'cannot run /nonexistent/cmd' "$RECAST" rec -q x.cast

# header: size, title, idle limit, env, command
rec --cols 90 --rows 20 -t "my title" -i 2.5 -e TERM,NOPE -c 'stty size' h.cast </dev/null
head -n 1 h.cast | matches '"width": 90, "height": 20' || fail "--cols/--rows not in the header"
head -n 1 h.cast | matches '"idle_time_limit": 2.5' || fail "idle limit"
head -n 1 h.cast | matches '"title": "my title"' || fail "title"
head -n 1 h.cast | matches '"NOPE": null' || fail "unset env var should be null"
grep -q '"20 90' h.cast || fail "the pty was not given --cols/--rows"

# a secret in the command is scrubbed from the header and the name; the rest is kept
rec --dir "$WORK/named" -c 'TOKEN=r3cpw; echo hi' </dev/null >/dev/null
f=$(find "$WORK/named" -name '*.cast')
case "$(head -n 1 "$f")$f" in *r3cpw*) fail "rec -c: a secret is in the header or the name: $f" ;; esac
head -n 1 "$f" | matches -F '"command": "TOKEN=***; echo hi"' || fail "rec -c: header command $(head -n 1 "$f")"
case "$f" in *TOKEN_echo_hi.cast) ;; *) fail "rec -c: name $f" ;; esac
MY_API_TOKEN=env5ecret rec -e TERM,MY_API_TOKEN -c true envtok.cast </dev/null >/dev/null
! grep -q env5ecret envtok.cast || fail "--env put a secret's value in the header"
head -n 1 envtok.cast | matches -F '"MY_API_TOKEN": "***"' || fail "--env: a secret's name not kept: $(head -n 1 envtok.cast)"

# piped stdin reaches the child, and its end is an EOF
printf 'echo piped-$((1+1))\nexit 4\n' | { rc=0; rec -c 'bash --norc' p.cast || rc=$?; [ "$rc" = 4 ] || fail "piped: exit $rc"; }
"$RECAST" cat p.cast | matches 'piped-2' || fail "piped input not executed"
printf 'abc' | rec -c 'cat >/dev/null; echo eof-seen' e.cast
grep -q 'eof-seen' e.cast || fail "EOF of a piped stdin did not reach the child"

# output is passed through unchanged (minus the pty's newline translation)
rec -c 'printf "caf\303"; sleep 0.2; printf "\251 \342\202"; sleep 0.2; printf "\254\n"' u.cast >u.out </dev/null
[ "$(tr -d '\r' <u.out)" = "café €" ] || fail "pass-through bytes differ"
"$RECAST" validate u.cast >/dev/null || fail "split UTF-8 produced an invalid cast"
"$RECAST" cat u.cast | tr -d '\r' | matches -x 'café €' || fail "UTF-8 split across reads not kept whole"

# --append: the file's timeline continues; a second session is joined with a marker
rec --append -c 'echo first-part' ap.cast </dev/null >/dev/null
rec --append --cols 100 --rows 30 -c 'echo second-part' ap.cast </dev/null >/dev/null
"$RECAST" validate ap.cast >/dev/null || fail "--append produced an invalid cast"
[ "$("$RECAST" cat ap.cast | tr -d '\r')" = "$(printf 'first-part\nsecond-part')" ] || fail "--append content"
grep -q '"m", "recssh: join: ' ap.cast || fail "--append: no join marker"
grep -q '"r", "100x30"' ap.cast || fail "--append: no resize at the join"
[ "$(head -n 1 ap.cast | grep -c first-part)" = 1 ] || fail "--append rewrote the header"
ls -a | matches '\.ap\.cast\.append-' && fail "--append left its temporary file"
expect_fail 2 'append needs FILE' "$RECAST" rec -q --append -c true

# --raw
rec --raw -c 'echo raw-out' r.raw </dev/null
[ "$(tr -d '\r' <r.raw)" = raw-out ] || fail "--raw wrote more than the output: $(cat -A r.raw)"

# coalescing: a spinner writing 1 byte per ms becomes few events; nothing is lost
# (one process that sleeps 1 ms between bytes: a shell loop forks sleep(1) per byte,
# which on a loaded machine spaces the bytes wider than the window and tests the load)
rec -c "perl -e '\$|=1; for (1..300) { print q(.); select(undef, undef, undef, 0.001) }'" spin.cast </dev/null
n=$(events spin.cast o)
[ "$n" -lt 150 ] || fail "spinner not coalesced: $n events"
[ "$("$RECAST" cat spin.cast | tr -cd . | wc -c)" = 300 ] || fail "coalescing lost output"
rec --coalesce-ms 0 -c 'printf a; sleep 0.05; printf b' nc.cast </dev/null
[ "$(events nc.cast o)" -ge 2 ] || fail "--coalesce-ms 0 still merged events"

# kill -9 of the recorder leaves a valid cast up to the last line
"$RECAST" rec -q -c 'i=0; while :; do echo line $i; i=$((i+1)); sleep 0.002; done' k.cast </dev/null >/dev/null &
pid=$!
sleep 1.5
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
"$RECAST" validate k.cast >/dev/null 2>v.err || fail "cast after kill -9 is invalid: $(cat v.err)"
[ "$(events k.cast o)" -gt 5 ] || fail "cast after kill -9 has too few events"

# write errors: the session goes on, a gap marker with the byte count follows
RECSSH_FAULT_WRITES=3:4 rec -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo out-$i; sleep 0.05; done' g.cast </dev/null 2>g.err
"$RECAST" validate g.cast >/dev/null || fail "cast with failed writes is invalid"
grep -qE '"m", "recssh: gap: [0-9]+ bytes of recording lost \(No space left on device\)"' g.cast || fail "no gap marker: $(cat g.cast)"
grep -q 'out-12' g.cast || fail "recording did not continue after the write errors"
grep -q 'bytes of the recording were lost' g.err || fail "no warning on stderr"
# --on-error=abort ends the session instead
rc=0; RECSSH_FAULT_WRITES=2:1000 "$RECAST" rec -q --on-error abort -c 'echo start; sleep 5' a.cast </dev/null >/dev/null 2>a.err || rc=$?
[ "$rc" = 1 ] || fail "--on-error=abort exited $rc"
grep -q 'on-error=abort' a.err || fail "abort message: $(cat a.err)"
# a real limit: RLIMIT_FSIZE (the file cannot grow); the command still completes
rc=0; (ulimit -f 4; "$RECAST" rec -q -c 'head -c 20000 /dev/zero | tr "\0" y; echo; touch done.flag' f.cast </dev/null >/dev/null 2>f.err) || rc=$?
[ "$rc" = 0 ] || fail "recording into a full file changed the exit status to $rc"
[ -e done.flag ] || fail "the session did not complete under RLIMIT_FSIZE"
"$RECAST" validate f.cast >/dev/null || fail "cast under RLIMIT_FSIZE is invalid"
grep -q 'were lost' f.err || fail "no loss warning under RLIMIT_FSIZE: $(cat f.err)"
[ "$(stat -c %s f.cast)" -le 4096 ] || fail "file grew past the limit"
tail -n 1 f.cast | matches -E 'recssh: end: status=0 reason=exit lost=[0-9]+' ||
  fail "the end marker under RLIMIT_FSIZE hides the loss: $(tail -n 1 f.cast)"

# A really full disk, many times (the loss falls at a different place each run): the end
# marker is always written (room is kept for it) and always names the loss; never a
# clean-looking end after lost output.
full_disk_runs() { # DIR: a small filesystem
  local i last
  for i in 1 2 3 4 5 6 7 8; do
    rm -f "$1"/*.cast
    "$RECAST" rec -q -c 'head -c 2200000 /dev/urandom | base64 -w 100' "$1/x.cast" </dev/null >/dev/null 2>"$WORK/full.err" ||
      fail "full disk run $i: the recorder failed: $(cat "$WORK/full.err")"
    "$RECAST" validate "$1/x.cast" >"$WORK/full.val" || fail "full disk run $i: invalid cast"
    matches -E 'ok, [0-9]+ events; incomplete: [0-9]+ bytes of the session were lost' "$WORK/full.val" ||
      fail "full disk run $i: validate calls it complete: $(cat "$WORK/full.val")"
    last=$(tail -n 1 "$1/x.cast")
    matches -E 'recssh: end: status=0 reason=exit lost=[0-9]+' <<<"$last" ||
      fail "full disk run $i: the end marker does not name the loss: $last"
  done
  # --on-error=abort says so in the end marker too
  rm -f "$1"/*.cast
  "$RECAST" rec -q --on-error abort -c 'head -c 2200000 /dev/urandom | base64 -w 100; sleep 2' "$1/a.cast" \
    </dev/null >/dev/null 2>/dev/null && fail "--on-error=abort on a full disk exited 0"
  tail -n 1 "$1/a.cast" | matches -E 'reason=write-error( signal=[0-9]+)? lost=[0-9]+' || fail "abort: end marker $(tail -n 1 "$1/a.cast")"
}
mkdir -p small
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=1m tmpfs small 2>/dev/null; then
  full_disk_runs small
  umount small
else
  echo "note: cannot mount a small tmpfs here; the full disk is RLIMIT_FSIZE" >&2
  (ulimit -f 1024; full_disk_runs small)
fi

# The end marker names a signal the recorder was sent, not what the shell made of it.
for sig in TERM HUP INT; do
  "$RECAST" rec -q -c 'trap "exit 3" '$sig'; echo ready; sleep 20 & wait' "sig$sig.cast" </dev/null >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 50); do grep -q "\"o\", \"ready" "sig$sig.cast" 2>/dev/null && break; sleep 0.1; done
  kill -"$sig" "$pid"
  wait "$pid" || true
  lower=$(tr A-Z a-z <<<"$sig")
  tail -n 1 "sig$sig.cast" | matches "status=3 reason=sig$lower\"" || fail "SIG$sig: end marker $(tail -n 1 "sig$sig.cast")"
done

# --append to something that is not a v2/v3 cast is refused before the session runs
echo 'not a cast' >notcast.txt
expect_fail 1 'notcast.txt: unknown format' "$RECAST" rec -q --append -c 'touch ran.flag' notcast.txt
[ ! -e ran.flag ] || fail "--append to a non-cast ran the session before refusing"
[ "$(cat notcast.txt)" = 'not a cast' ] || fail "--append changed the non-cast"

# the file is locked while recording (rotate and merge skip it)
"$RECAST" rec -q -c 'sleep 1' lk.cast </dev/null &
pid=$!
sleep 0.4
flock -n lk.cast true && fail "the recording is not locked while in progress"
wait "$pid"
flock -n lk.cast true || fail "the lock outlived the recording"
echo ok
