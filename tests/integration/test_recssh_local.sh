# recssh's own behaviour with a stand-in for ssh (RECSSH_SSH): arguments passed
# through untouched, safe and unique names, symlink refusal, config files, layouts.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
: "${RECSSH:?}"
R="$WORK/rec"
cat >"$WORK/fake-ssh" <<'SH'
#!/bin/sh
# prints its arguments one per line, then exits with $FAKE_STATUS
for a in "$@"; do printf '%s\n' "$a"; done
exit "${FAKE_STATUS:-0}"
SH
chmod +x "$WORK/fake-ssh"
export RECSSH_SSH="$WORK/fake-ssh"
export RECSSH_SYSTEM_CONFIG="$WORK/no-such-config"
export HOME="$WORK/home"
mkdir -p "$HOME"

# --- every argument reaches ssh unchanged ----------------------------------------------
# (--forwards off: with forwards recorded, recssh stands in -L's path; see below.)
args=(-t -L 8080:localhost:80 -o "ProxyCommand=nc %h %p" -p 2222 -i "$WORK/key file" -J jump@bastion
      -vvv admin@db1 -- ls -la "/tmp/a b" '$HOME' '--dir' '')
"$RECSSH" --dir "$R/a" --forwards off "${args[@]}" </dev/null >"$WORK/got" || fail "passthrough run failed"
printf '%s\n' "${args[@]}" >"$WORK/want"
cmp "$WORK/want" "$WORK/got" || fail "ssh did not get the arguments unchanged: $(diff "$WORK/want" "$WORK/got")"
# Forwards recorded (the default): only the forward's value changes, to a private
# socket in a directory of recssh's own; every other argument is as given.
lport=$(python3 "$HERE/../tools/fwd_peer.py" port)
args[2]="$lport:localhost:80"
"$RECSSH" --dir "$R/a" "${args[@]}" </dev/null >"$WORK/got" || fail "forward run failed"
printf '%s\n' "${args[@]}" >"$WORK/want"
[ "$(diff "$WORK/want" "$WORK/got" | grep -c '^[<>]')" = 2 ] || fail "more than the forward changed: $(diff "$WORK/want" "$WORK/got")"
sed -n 3p "$WORK/got" | matches -E '^/.*/recssh-fwd\.[A-Za-z0-9]+/L1:localhost:80$' || fail "-L not given a private end: $(sed -n 3p "$WORK/got")"
# recssh options after "--" or after the first ssh argument are ssh's, not ours
"$RECSSH" --dir "$R/b" -- --dir x host </dev/null >"$WORK/got"
[ "$(head -n 1 "$WORK/got")" = "--dir" ] || fail "-- did not end recssh's options"
"$RECSSH" --dir "$R/b" host --stdin </dev/null >"$WORK/got"
[ "$(cat "$WORK/got")" = "$(printf 'host\n--stdin')" ] || fail "an option after the host was taken by recssh"

# --- never runs itself: an `ssh -> recssh` symlink earlier in PATH is skipped -------------------
mkdir -p "$WORK/bin1" "$WORK/bin2"
ln -s "$RECSSH" "$WORK/bin1/ssh"
cp "$WORK/fake-ssh" "$WORK/bin2/ssh"
out=$(env -u RECSSH_SSH PATH="$WORK/bin1:$WORK/bin2:$PATH" "$RECSSH" --dir "$R/self" somehost </dev/null)
[ "$out" = somehost ] || fail "recssh did not skip itself in PATH: $out"

# --- never starts itself without end: an ssh script in PATH that runs recssh ---------------
mkdir -p "$WORK/bin3"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$RECSSH" >"$WORK/bin3/ssh"
chmod +x "$WORK/bin3/ssh"
rc=0; env -u RECSSH_SSH PATH="$WORK/bin3:$PATH" timeout 20 "$RECSSH" --dir "$R/loop" somehost true </dev/null \
  >/dev/null 2>"$WORK/loop.err" || rc=$?
[ "$rc" = 255 ] || fail "an ssh wrapper that runs recssh: rc $rc, want 255 (124: it ran without end): $(cat "$WORK/loop.err")"
matches 'started recssh again.*RECSSH_SSH' "$WORK/loop.err" || fail "the loop error names no way out: $(cat "$WORK/loop.err")"
# --- inside a recorded session: ssh runs, nothing is recorded twice -------------------------
out=$(RECSSH_SESSION=outer-1 "$RECSSH" --dir "$R/nested" host echo hi </dev/null 2>"$WORK/nested.err")
[ "$out" = "$(printf 'host\necho\nhi')" ] || fail "inside a session: ssh did not run as asked: $out"
[ -z "$(find "$R/nested" -type f 2>/dev/null)" ] || fail "inside a session: recorded a second time"
matches 'inside recorded session outer-1' "$WORK/nested.err" || fail "inside a session: no note"

# --stdin on the exec stream (pipes, no terminal) is said, not silently ignored
"$RECSSH" --dir "$R/stdin-exec" --stdin host echo x </dev/null >/dev/null 2>"$WORK/stdin.err"
matches 'runs on pipes' "$WORK/stdin.err" || fail "--stdin on exec: no note: $(cat "$WORK/stdin.err")"

# --- exit status is ssh's --------------------------------------------------------------
for st in 0 1 42 255; do
  rc=0; FAKE_STATUS=$st "$RECSSH" --dir "$R/s" host </dev/null >/dev/null || rc=$?
  [ "$rc" = "$st" ] || fail "ssh exited $st, recssh exited $rc"
done
grep -h -q 'status=42 reason=exit' "$R"/s/*/*.cast || fail "no end marker for status 42"
grep -h -q 'status=255 reason=ssh-error' "$R"/s/*/*.cast || fail "255 is not reported as ssh's own error"
# recssh itself sent SIGTERM or SIGHUP (a closed bastion connection): ssh exits 255, and the
# end marker names the signal, not "ssh-error"
cat >"$WORK/slow-ssh" <<'SH'
#!/bin/sh
trap 'exit 255' TERM HUP
echo connected
sleep 20 &
wait
SH
chmod +x "$WORK/slow-ssh"
for sig in TERM HUP; do
  RECSSH_SSH="$WORK/slow-ssh" "$RECSSH" --dir "$R/sig$sig" host </dev/null >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 50); do grep -qs connected "$R/sig$sig"/*/*.cast && break; sleep 0.1; done
  kill -"$sig" "$pid"
  rc=0; wait "$pid" || rc=$?
  [ "$rc" = 255 ] || fail "SIG$sig: recssh exited $rc, want ssh's 255"
  lower=$(tr A-Z a-z <<<"$sig")
  grep -h 'recssh: end:' "$R/sig$sig"/*/*.cast | matches "status=255 reason=sig$lower\"" ||
    fail "SIG$sig: end marker $(grep -h 'recssh: end:' "$R/sig$sig"/*/*.cast)"
done

# --- hostile arguments give safe names, inside ROOT ------------------------------------
long=$(printf 'x%.0s' $(seq 500))
for target in '../../etc' '[::1]:22' 'user@[::1]' 'a b c' 'hôte-ünïcode' "$long" '.hidden' '-oProxy' '/abs/path' '..'; do
  "$RECSSH" --dir "$R/h" "$target" 'cat /etc/passwd; rm -rf ../..' </dev/null >/dev/null || fail "recssh failed on '$target'"
done
n=$(find "$R/h" -type f | wc -l)
[ "$n" = 10 ] || fail "expected 10 recordings, got $n"
find "$WORK" -name '*.cast' | grep -v "^$R/" && fail "a recording escaped ROOT"
for f in "$R"/h/*/*; do
  b=$(basename "$f")
  [[ "$b" =~ ^[0-9]{6}-[A-Za-z0-9][A-Za-z0-9._-]*\.cast$ ]] || fail "unsafe name: $b"
  [ ${#b} -le 100 ] || fail "name too long (${#b}): $b"
done

# --- 50 concurrent starts, 50 distinct files ---------------------------------------------
pids=()
for i in $(seq 50); do "$RECSSH" --dir "$R/c" samehost uptime </dev/null >/dev/null & pids+=($!); done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent recssh failed"; done
n=$(find "$R/c" -name '*.cast' | wc -l)
[ "$n" = 50 ] || fail "50 concurrent sessions gave $n files"
for f in "$R"/c/*/*.cast; do "$RECAST" validate "$f" >/dev/null || fail "$f invalid"; done

# --- a planted symlink is refused, never followed ------------------------------------------
mkdir -p "$R/l" "$WORK/elsewhere"
ln -s "$WORK/elsewhere" "$R/l/$(date +%Y-%m-%d)"
expect_fail 255 'symlink: refusing to follow' "$RECSSH" --dir "$R/l" host true
[ -z "$(ls -A "$WORK/elsewhere")" ] || fail "recssh wrote through a symlinked day directory"
rm "$R/l/$(date +%Y-%m-%d)"
mkdir -m 700 "$R/l/$(date +%Y-%m-%d)"
# a symlink where the file will go (this second and the next 30: a loaded machine can
# take seconds to start recssh), counted from one reading of the clock: read at each
# step, a second that began during the loop was skipped (the flaky failure of stop 27)
now=$(date +%s)
for d in $(seq 0 30); do
  mkdir -p -m 700 "$R/l/$(date -d "@$((now + d))" +%Y-%m-%d)" # (past midnight: tomorrow's)
  ln -s "$WORK/elsewhere/victim" "$R/l/$(date -d "@$((now + d))" +%Y-%m-%d)/$(date -d "@$((now + d))" +%H%M%S)-planted.cast"
done
expect_fail 255 'symlink: refusing to follow' "$RECSSH" --dir "$R/l" planted
[ ! -e "$WORK/elsewhere/victim" ] || fail "recssh followed a planted file symlink"

# --- modes ---------------------------------------------------------------------------------
"$RECSSH" --dir "$R/m" host </dev/null >/dev/null
[ "$(stat -c %a "$R/m")" = 700 ] || fail "new ROOT is not 0700"
f=$(find "$R/m" -name '*.cast')
[ "$(stat -c %a "$f")" = 600 ] || fail "cast is not 0600"

# --- ROOT from RECSSH_DIR, config files, layout user, gzip, v3 -------------------------------
RECSSH_DIR="$R/env" "$RECSSH" host </dev/null >/dev/null
[ -n "$(find "$R/env" -name '*.cast')" ] || fail "RECSSH_DIR not used"
mkdir -p "$HOME/.config/recssh"
printf '# test\ndir = %s\nlayout = user\ngzip = yes\n' "$R/conf" >"$HOME/.config/recssh/config"
"$RECSSH" host </dev/null >/dev/null
f=$(find "$R/conf" -name '*.cast.gz')
case "$f" in "$R/conf/$(id -un)/exec/"*T*Z-*.cast.gz) ;; *) fail "user layout/gzip path wrong: $f" ;; esac
"$RECAST" cat --stream o "$f" | matches -x host || fail "gzip cast unreadable"
printf 'dir = %s\nbogus = 1\n' "$R/conf" >"$HOME/.config/recssh/config"
expect_fail 255 "config:2: unknown key 'bogus'" "$RECSSH" host
rm "$HOME/.config/recssh/config"
printf 'dir = %s\n' "$R/sys" >"$WORK/sys.conf"
RECSSH_SYSTEM_CONFIG="$WORK/sys.conf" "$RECSSH" host </dev/null >/dev/null
[ -n "$(find "$R/sys" -name '*.cast')" ] || fail "system config dir not used"
"$RECSSH" --dir "$R/v3" --format v3 host </dev/null >/dev/null
f=$(find "$R/v3" -name '*.cast'); "$RECAST" validate "$f" >/dev/null || fail "v3 invalid"
grep -q '"x", "0"' "$f" || fail "v3: no x event"

# --- secrets scrubbed from the header and the name ---------------------------------------------
"$RECSSH" --dir "$R/sec" db1 mysql -uroot -pS3cretPW --password hunter2 'PGPASSWORD=xyzzy' 'https://bob:pa55@example.com/' </dev/null >/dev/null
f=$(find "$R/sec" -name '*.cast')
head -n 1 "$f" | matches -E 'S3cretPW|hunter2|xyzzy|pa55' && fail "a secret is in the header: $(head -n 1 "$f")"
case "$f" in *S3cret* | *hunter2* | *xyzzy* | *pa55*) fail "a secret is in the name: $f" ;; esac
head -n 1 "$f" | matches '"-p\*\*\*"' || fail "mysql -p not scrubbed to -p***"

# only the secret values go, the rest of the command stays; the target and the name
# come from the same scrubbed arguments (issue 14 C2, C3)
"$RECSSH" --dir "$R/sec2" 'bob:pa55w0rd@db1' 'TOKEN=t0ps3cret; rm -rf /important' </dev/null >/dev/null
f=$(find "$R/sec2" -name '*.cast')
h=$(head -n 1 "$f")
case "$h$f" in *pa55w0rd* | *t0ps3cret*) fail "a secret is in the header or the name: $f $h" ;; esac
grep -qF 'TOKEN=***; rm -rf /important' <<<"$h" || fail "the command after a secret was dropped: $h"
grep -qF '"target":"bob:***@db1"' <<<"$h" || fail "target not scrubbed: $h"
case "$(basename "$f")" in *-bob_db1_TOKEN_rm_-rf_important.cast) ;; *) fail "name: $f" ;; esac
"$RECSSH" --dir "$R/sec3" -o 'SetEnv=PASSWORD=s3tenv' -o 'ProxyCommand=sshpass -p pr0xy ssh -W %h:%p j' \
  'ssh://root:ur1pass@db2:2222' 'curl -u a:cur1pw -H "Authorization: Bearer b3arer" x; mysql -pmy5ql' </dev/null >/dev/null
f=$(find "$R/sec3" -name '*.cast')
h=$(head -n 1 "$f")
for secret in s3tenv pr0xy ur1pass cur1pw b3arer my5ql; do
  case "$h$f" in *"$secret"*) fail "$secret is in the header or the name: $f $h" ;; esac
done
grep -qF '"target":"root:***@db2"' <<<"$h" || fail "ssh:// target not scrubbed: $h"
grep -qF 'curl -u a:*** -H \"Authorization: Bearer ***\" x; mysql -p***' <<<"$h" || fail "command not kept: $h"

# --- --append FILE: every session into one cast ---------------------------------------------
"$RECSSH" --append "$WORK/all.cast" host one </dev/null >/dev/null
"$RECSSH" --append "$WORK/all.cast" host two </dev/null >/dev/null
"$RECAST" validate "$WORK/all.cast" >/dev/null || fail "recssh --append: invalid cast"
[ "$(grep -c 'recssh: end: status=0' "$WORK/all.cast")" = 2 ] || fail "recssh --append: two sessions expected"

# --- no arguments: usage error; ssh -V: runs ssh, records nothing ---------------------------------
expect_fail 2 'no ssh arguments' "$RECSSH" --dir "$R/u"
# ssh has no long options: a mistyped recssh option is named, not passed to ssh.
expect_fail 2 'unknown recssh option --fromat \(did you mean --format\?\)' "$RECSSH" --dir "$R/u" --fromat v3 host true
expect_fail 2 'unknown recssh option --form \(did you mean --format\?\)' "$RECSSH" --dir "$R/u" --form v3 host true
expect_fail 2 'unknown recssh option --fo \(did you mean --format or --forwards\?\)' "$RECSSH" --dir "$R/u" --fo v3 host true
[ ! -e "$R/u" ] || fail "a mistyped option still recorded"
# --stdin on a session without a terminal: said, not silently ignored.
"$RECSSH" --dir "$R/s" --stdin host true </dev/null 2>"$WORK/err" >/dev/null
grep -q 'note: --stdin records what is typed in interactive sessions' "$WORK/err" || fail "--stdin on exec: no note"
"$RECSSH" --dir "$R/V" -V >/dev/null
[ ! -e "$R/V" ] || fail "ssh -V was recorded"
echo ok
