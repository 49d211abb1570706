# recast grep through the real binary: what the screen showed (colours inside a
# match, a progress line overwritten by CR is not a hit, backspace edits, a full-screen
# program's rows), typed input with edits resolved and masked input reported, markers,
# an exec session's stderr, .gz and legacy inputs, grep's options and exit codes,
# --json, and the plain line model agreeing with the emulator on a generated recording.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
: "${GEN_CAST:?GEN_CAST must point at the gen_cast tool}"
export HOME="$WORK/home" RECSSH_SYSTEM_CONFIG="$WORK/none" TZ=UTC
mkdir -p "$HOME"
g() { "$RECAST" grep "$@"; }
# expect_out WANT CMD...: CMD prints exactly WANT (and exits 0)
expect_out() {
  local want=$1; shift
  local got
  got=$("$@") || fail "$* exited $?"
  [ "$got" = "$want" ] || fail "$*: got [$got], want [$want]"
}

cat >shell.cast <<'CAST'
{"version": 2, "width": 40, "height": 10, "timestamp": 1764748800, "recssh": {"version": "0.9", "session_id": "s-1", "stream": "shell", "user": "alice", "host": "bastion", "target": "root@db-3", "argv": ["ssh", "root@db-3"]}}
[0.5, "o", "$ "]
[1.0, "i", "rm -rg\u007ff /var/lib/old\r"]
[1.1, "o", "rm -rg\b \bf /var/lib/old\r\n"]
[2.0, "o", "\u001b[1;31mERR\u001b[0mOR: disk full\r\n"]
[3.0, "o", "copy  10%\r"]
[3.5, "o", "copy  50%\r"]
[4.0, "o", "copy 100% done\r\n$ "]
[5.0, "i", "secret\u0015top\r"]
[5.2, "o", "top\r\n"]
[6.0, "o", "\u001b[?1049h\u001b[H\u001b[2J\u001b[1;1HPID USER COMMAND\u001b[2;1H4242 mysql mysqld\u001b[10;1H"]
[7.0, "o", "\u001b[?1049l$ "]
[7.5, "m", "recssh: input masked (not echoed)"]
[7.6, "i", "********"]
[8.0, "m", "deploy start"]
[9.0, "o", "exit\r\n"]
[9.1, "m", "recssh: end: status=3 reason=exit"]
CAST

# Screen lines, with the time the line became complete.
expect_out 'shell.cast:00:00:01.100: $ rm -rf /var/lib/old' g 'rm -rf' shell.cast
expect_out 'shell.cast:00:00:02.000: ERROR: disk full' g ERROR shell.cast
expect_out 'shell.cast:00:00:04.000: copy 100% done' g copy shell.cast
expect_out 'shell.cast:00:00:06.000: 4242 mysql mysqld' g mysqld shell.cast
expect_out 'shell.cast:00:00:06.000: PID USER COMMAND' g -w PID shell.cast
# zgrep sees none of the first two (a backspace and a colour inside them).
[ "$(grep -c -e 'rm -rf' -e ERROR shell.cast)" = 0 ] || fail "the fixture's hits are findable raw"
# The progress line at 10% was never complete on screen: no hit, exit 1.
rc=0; g '10%' shell.cast >out || rc=$?
[ "$rc" = 1 ] && [ ! -s out ] || fail "an overwritten progress line was a hit (rc $rc): $(cat out)"
# The same lines through the emulator alone.
g -c . shell.cast >plain.count
g --emulate -c . shell.cast >emu.count
cmp -s plain.count emu.count || fail "plain and emulated counts differ: $(cat plain.count) vs $(cat emu.count)"

# grep's options.
expect_out 'shell.cast:2' g -c -E 'ERROR|mysqld' shell.cast
expect_out 'shell.cast' g -l -i 'error' shell.cast
expect_out 'shell.cast:00:00:02.000: ERROR: disk full' g -m 1 -E 'ERROR|mysqld' shell.cast
expect_out 'shell.cast:00:00:06.000: PID USER COMMAND' g -v -E '[a-z]' shell.cast
printf '%s\n' 'shell.cast-00:00:01.100- $ rm -rf /var/lib/old' 'shell.cast:00:00:02.000: ERROR: disk full' \
  'shell.cast-00:00:04.000- copy 100% done' >want
g -C 1 ERROR shell.cast >got && cmp -s want got || fail "context: $(cat got)"
expect_out 'shell.cast:2025-12-03 08:00:02.000: ERROR: disk full' g --wall ERROR shell.cast
g --play-hint ERROR shell.cast >got
sed -n 2p got | matches -x '  recast play shell.cast --at 00:00:02.000' || fail "play hint: $(cat got)"
# The hint plays to the hit: --at accepts the time as printed.
"$RECAST" play --no-wait --at 00:00:02.000 --until 00:00:02.000 shell.cast >/dev/null || fail "the hint's command fails"
g --json ERROR shell.cast >got
python3 - got <<'PY' || fail "json: $(cat got)"
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["file"] == "shell.cast" and o["time"] == "00:00:02.000" and o["seconds"] == 2.0, o
assert o["wall"] == "2025-12-03 08:00:02.000" and o["line"] == "ERROR: disk full" and o["stream"] == "o", o
assert o["user"] == "alice" and o["host"] == "bastion" and o["target"] == "root@db-3" and o["session"] == "s-1", o
PY
g --color=always ERROR shell.cast | matches -F $'\e[01;31mERROR\e[m' || fail "--color=always does not colour the match"
g --color=auto ERROR shell.cast | matches -v $'\e' || fail "--color=auto coloured a pipe"

# Typed input, edits resolved; masked input said to be unsearchable.
expect_out 'shell.cast:00:00:01.000: rm -rf /var/lib/old' g --input 'rm -rf' shell.cast
rc=0; g --input secret shell.cast >out 2>err || rc=$?
[ "$rc" = 1 ] || fail "--input found what Ctrl-U erased (rc $rc): $(cat out)"
matches 'shell.cast: 1 span of typed input masked by the recorder: not searchable' err || fail "masked input not reported: $(cat err)"
expect_out 'shell.cast:00:00:05.000: top' g --input '^top$' shell.cast
expect_out 'shell.cast:00:00:08.000: deploy start' g --markers deploy shell.cast

# An exec session's stdout and stderr never went to a terminal: bare LF ends a line.
cat >exec.cast <<'CAST'
{"version": 2, "width": 10, "height": 5, "recssh": {"version": "0.9", "session_id": "s-2", "stream": "exec", "user": "bob", "host": "bastion", "argv": ["ssh", "db-3", "backup"]}}
[0.1, "o", "dumping a table with a long name\n"]
[0.2, "e", "warning: low space\nsecond line\n"]
CAST
expect_out 'exec.cast:00:00:00.200: second line' g second exec.cast
expect_out 'exec.cast:00:00:00.100: dumping a table with a long name' g 'table with' exec.cast
g --json low exec.cast | matches '"stream":"e"' || fail "stderr hit not marked as stream e"

# .gz, stdin, legacy formats through the registry.
gzip -c shell.cast >shell.cast.gz
expect_out 'shell.cast.gz:00:00:02.000: ERROR: disk full' g ERROR shell.cast.gz
expect_out '-:00:00:02.000: ERROR: disk full' g ERROR - <shell.cast
S=${SAMPLES:-/work/shared/samples}
[ -d "$S" ] || S="$FIXTURES"
tt=$(find "$S" "$FIXTURES" -name '*.ttyrec' | head -n 1)
[ -n "$tt" ] && { g -c . "$tt" | matches -E ':[1-9][0-9]*$' || fail "nothing read from $tt"; }
ts=$(find "$S" "$FIXTURES" -name 'classic.typescript' | head -n 1)
[ -n "$ts" ] && { g -c . "$ts" | matches -E ':[1-9][0-9]*$' || fail "nothing read from $ts"; }

# Exit 2 on an error, and the files that could be read are still searched.
rc=0; g ERROR missing.cast shell.cast >out 2>err || rc=$?
[ "$rc" = 2 ] || fail "a missing file: rc $rc"
matches -F 'shell.cast:00:00:02.000: ERROR: disk full' out || fail "other files not searched after an error"
matches '^recast: error: .*missing.cast' err || fail "error not reported: $(cat err)"
expect_fail 2 'bad pattern' g 'a\(' shell.cast
expect_fail 2 'exclude each other' g -E -F x shell.cast

# An archive: directories searched recursively, in path order then time, whatever
# finishes first; filters on the recordings' metadata.
mkdir -p arch/2025-12-03 arch/2025-12-04/deep
cp shell.cast arch/2025-12-03/080000-root-db-3.cast
sed 's/"timestamp": 1764748800/"timestamp": 1764838800/; s/"alice"/"carol"/; s/db-3/web-1/g; s/status=3/status=0/' shell.cast \
  >arch/2025-12-04/090000-root-web-1.cast
gzip -c exec.cast >arch/2025-12-04/deep/100000-db-3.cast.gz
sed 's/"alice"/"dave"/; s/db-3/app-9/g; s/ERROR/NOTHING/; s/status=3/status=0/' shell.cast >other.cast
for i in $(seq 1 20); do cp other.cast "arch/2025-12-04/deep/x$i.cast"; done
g -c ERROR arch >a
g -c ERROR arch >b
cmp -s a b || fail "archive output not stable"
head -n 3 a | cut -d: -f1 | tr '\n' ' ' | matches -x 'arch/2025-12-03/080000-root-db-3.cast arch/2025-12-04/090000-root-web-1.cast arch/2025-12-04/deep/100000-db-3.cast.gz ' ||
  fail "archive order: $(head -n 3 a)"
[ "$(wc -l <a)" = 23 ] || fail "archive: $(wc -l <a) files"
expect_out 'arch/2025-12-04/090000-root-web-1.cast' g -l --user carol ERROR arch
expect_out 'arch/2025-12-04/090000-root-web-1.cast' g -l --host web-1 ERROR arch
expect_out 'arch/2025-12-04/090000-root-web-1.cast' g -l --host root@web-1 ERROR arch
expect_out 'arch/2025-12-04/deep/100000-db-3.cast.gz' g -l --stream exec . arch
expect_out 'arch/2025-12-03/080000-root-db-3.cast' g -l --failed --until 2025-12-03 ERROR arch
expect_out 'arch/2025-12-04/090000-root-web-1.cast' g -l --since 2025-12-04T08:00Z --until '2025-12-04 10:00' ERROR arch
rc=0; g -l --user nobody ERROR arch >out || rc=$?
[ "$rc" = 1 ] || fail "a filter that leaves nothing: rc $rc"
expect_fail 2 'not a date' g --since yesterday x arch

# Legacy recordings in a directory are searched as well, each as convert -r finds it:
# a sudo I/O log directory, a typescript through its timing file (named as the
# typescript), tlog, and every session of an audit.log.
mkdir -p legacy/sudo legacy/script
cp -r "$FIXTURES/sudo/io" legacy/sudo/
cp "$FIXTURES/script/classic.typescript" "$FIXTURES/script/classic.timing" legacy/script/
cp "$FIXTURES/tlog/input-and-binary.json" "$FIXTURES/audit/audit.log" legacy/
cp shell.cast legacy/
g -c . legacy >got 2>/dev/null
cut -d: -f1 got | tr '\n' ' ' | matches -x 'legacy/audit.log\[ses762\] legacy/audit.log\[ses762-tty136_0\] legacy/audit.log\[ses1-tty4_1\] legacy/audit.log\[web01-ses7-tty136_3\] legacy/input-and-binary.json legacy/script/classic.typescript legacy/shell.cast legacy/sudo/io/00/00/01 legacy/sudo/io/00/00/02 ' ||
  fail "legacy recordings in a directory: $(cat got)"
! matches -E ':0$' got || fail "a legacy recording with no lines: $(cat got)"
expect_out 'legacy/script/classic.typescript:00:00:00.501: bold world' g 'bold world' legacy
expect_out 'legacy/sudo/io/00/00/01:00:00:00.706: got hi' g 'got hi' legacy
g -c . legacy/audit.log 2>/dev/null | matches -x 'legacy/audit.log\[ses762-tty136_0\]:[1-9][0-9]*' ||
  fail "an audit.log named: every session searched"
expect_out 'legacy/sudo/io/00/00/01:3' g -c . legacy/sudo/io/00/00/01
# convert -r with another writer: outputs named for it (NAME.txt), one per session too.
"$RECAST" convert -r legacy -o legacy-text --to text >/dev/null 2>&1 || fail "convert -r --to text"
[ -f legacy-text/script/classic.txt ] && [ -f legacy-text/sudo/io/00/00/01.txt ] &&
  [ -f legacy-text/audit.log.sessions/ses762-tty136_0.txt ] || fail "convert -r --to text: $(find legacy-text)"
"$RECAST" convert --to text legacy/sudo/io/00/00/01 - | cmp -s - legacy-text/sudo/io/00/00/01.txt ||
  fail "convert -r --to text differs from convert --to text"
# --to raw: what recast cat prints, as a file.
"$RECAST" convert --to raw shell.cast shell.out
"$RECAST" cat shell.cast | cmp -s - shell.out || fail "--to raw differs from recast cat"

# A recording still being written (its recorder holds the lock) and one whose
# recorder died (no end marker, a partial last line): both searched and listed.
head -n 6 shell.cast >arch/2025-12-04/deep/crashed.cast
printf '[9.5, "o", "half' >>arch/2025-12-04/deep/crashed.cast
cp shell.cast arch/2025-12-04/live.cast
flock -o arch/2025-12-04/live.cast sleep 20 >/dev/null 2>&1 &
locker=$!
at_exit "kill $locker"
sleep 0.3
g -l ERROR arch/2025-12-04/live.cast arch/2025-12-04/deep/crashed.cast 2>/dev/null >out || true
[ "$(wc -l <out)" = 2 ] || fail "live or crashed recordings not searched: $(cat out)"

# recast ls: one line per recording sorted by start, exit status from the end marker
# (- without one, live while recorded), totals; the same filters; --json.
"$RECAST" ls arch >ls.out 2>ls.err || true
matches -E '^2025-12-03 08:00:00  0:00:09  alice  root@db-3  shell  3  [0-9]+  arch/2025-12-03/080000-root-db-3.cast$' ls.out ||
  fail "ls line: $(cat ls.out)"
matches -E '  carol  root@web-1  shell  0  .*090000-root-web-1.cast$' ls.out || fail "ls exit 0: $(cat ls.out)"
matches -E '  -  [0-9.]+[KB]?  arch/2025-12-04/deep/crashed.cast$' ls.out || fail "ls crashed: $(cat ls.out)"
matches -E '  live  [0-9.]+[KB]?  arch/2025-12-04/live.cast$' ls.out || fail "ls live: $(cat ls.out)"
matches -E '  bob  -  exec  -  .*100000-db-3.cast.gz$' ls.out || fail "ls exec: $(cat ls.out)"
tail -n 1 ls.out | matches -E '^25 recordings, [0-9]+:[0-9]{2}:[0-9]{2}, [0-9.]+K$' || fail "ls totals: $(tail -n 1 ls.out)"
# sorted by start: the recordings without a timestamp last
head -n 1 ls.out | matches '080000-root-db-3.cast$' || fail "ls order: $(head -n 3 ls.out)"
expect_out "$(printf '%s\n%s' "$(grep web-1 ls.out)" '1 recording, 0:00:09, '"$(grep web-1 ls.out | awk '{print $(NF-1)}')")" \
  "$RECAST" ls --user carol arch
"$RECAST" ls --json --long --host db-3 --failed arch/2025-12-03 >ls.json
python3 - ls.json <<'PY' || fail "ls --json: $(cat ls.json)"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 1, rows
r = rows[0]
assert r["exit"] == 3 and r["user"] == "alice" and r["target"] == "root@db-3" and r["duration"] == 9.1, r
assert r["start"] == 1764748800 and r["markers"] == 2 and r["session"] == "s-1" and r["format"] == "v2", r
PY
kill "$locker" 2>/dev/null || true

# Text export: the transcript as the screen showed it, what grep searches.
"$RECAST" convert --to text shell.cast shell.txt
printf '%s\n' '$ rm -rf /var/lib/old' 'ERROR: disk full' 'copy 100% done' '$ top' 'PID USER COMMAND' \
  '4242 mysql mysqld' '$ exit' >want
cmp -s want shell.txt || fail "text export: $(diff want shell.txt)"
# --timestamps / --wall: the times grep prints for the same lines.
"$RECAST" convert --to text --timestamps shell.cast - | sed -n 2p >got
[ "$(cat got)" = '00:00:02.000 ERROR: disk full' ] || fail "text --timestamps: $(cat got)"
"$RECAST" convert --to text --wall shell.cast - | sed -n 2p >got
[ "$(cat got)" = '2025-12-03 08:00:02.000 ERROR: disk full' ] || fail "text --wall: $(cat got)"
"$RECAST" convert --to text --timestamps shell.cast - | cut -d' ' -f2- | cmp -s - shell.txt ||
  fail "text --timestamps changes the lines"
[ "$(g -c . shell.cast | cut -d: -f2)" = "$(wc -l <shell.txt)" ] || fail "text export and grep disagree"
"$RECAST" convert --to text exec.cast - | matches -x 'second line' || fail "text export of an exec recording"
gzip -dc shell.cast.gz | "$RECAST" convert --to text - - | cmp -s - shell.txt || fail "text export from stdin"
if [ -n "$ts" ]; then
  "$RECAST" convert --to text "$ts" legacy.txt || fail "text export of a legacy recording"
  [ "$(g -c . "$ts" | cut -d: -f2)" = "$(wc -l <legacy.txt)" ] || fail "text export and grep disagree on $ts"
fi

# The plain model and the emulator agree on a generated recording (colours, UTF-8,
# long outputs, resizes: the plain model follows them).
mb=3; [ "${CI:-}" = true ] && mb=1
"$GEN_CAST" gen.cast "$mb" 16 >/dev/null
# (More resizes than the generator makes: one after every 30th event, narrower and
# wider, fewer and more rows, at that event's time.)
awk -F'[[,]' 'NR > 1 && NR % 30 == 0 { print; n++; printf "[%s, \"r\", \"%dx%d\"]\n", $2, 40 + (n * 37) % 160, 5 + (n * 11) % 50; next } { print }' \
  gen.cast >big.cast
[ "$(grep -c '"r", "' big.cast)" -gt 5 ] || fail "the generated recording has too few resizes"
"$RECAST" validate -q big.cast || fail "the recording with resizes is not valid"
for p in '.' 'e' '[0-9][0-9]' 'ssh'; do
  g -c "$p" big.cast >a || true
  g --emulate -c "$p" big.cast >b || true
  cmp -s a b || fail "pattern $p: plain $(cat a), emulated $(cat b)"
done
g 'drwx.*ssh' big.cast >a || true
g --emulate 'drwx.*ssh' big.cast >b || true
cmp -s a b || fail "hits differ between the plain model and the emulator: $(diff a b | head)"
[ "$(wc -l <a)" -gt 10 ] || fail "too few hits to compare: $(wc -l <a)"
echo "ok"
