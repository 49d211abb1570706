# sudo I/O logs, tlog, audit.log TTY records, raw output and BSD-less batch mode
# through `recast convert`: the real samples, recordings made here by the real sudo
# and tlog-rec, our keystroke decoding against the real `aureport --tty`, bad input,
# and `recast convert -r` over a tree.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
require sudo
require tlog-rec
require aureport
require script

# --- sudo I/O logs -----------------------------------------------------------------
SU=$FIXTURES/sudo/io/00/00
"$RECAST" convert -v "$SU/01" sudo1.cast 2>err
grep -q 'format sudo' err || fail "sudo dir not detected: $(cat err)"
head -n 1 sudo1.cast | matches '"width": 80, "height": 24, "timestamp": 1795311727, "command": "sh -c printf' || fail "sudo header: $(head -n 1 sudo1.cast)"
head -n 1 sudo1.cast | matches '"runuser":"nobody"' || fail "log.json details"
grep -q '^\[0.304196, "r", "100x30"\]$' sudo1.cast || fail "winsize lines 30 cols 100 -> 100x30"
"$RECAST" cat sudo1.cast | cmp - <(zcat "$SU/01/ttyout") || fail "sudo: output bytes != ttyout"
"$RECAST" cat --stream i sudo1.cast | cmp - <(zcat "$SU/01/ttyin") || fail "sudo: input bytes != ttyin"
for f in timing ttyout ttyin log.json; do
  h=$( (zcat -f "$SU/01/$f") >/dev/null; sha256sum "$SU/01/$f" | cut -d' ' -f1)
  head -n 1 sudo1.cast | matches "\"sha256\":\"$h\"" || fail "sudo: sha256 of $f missing"
done
# stdout piped (event 1, bare LF shown as CR LF) and stderr on the tty (event 4)
"$RECAST" convert "$SU/02" sudo2.cast
"$RECAST" cat sudo2.cast | cmp - <(printf 'out\r\nerr\r\n') || fail "sudo stdout+ttyout: $(cat sudo2.cast)"
"$RECAST" convert --keep-lf "$SU/02" sudo2lf.cast
"$RECAST" cat sudo2lf.cast | cmp - <(printf 'out\nerr\r\n') || fail "--keep-lf"
# the legacy `log` file only, uncompressed streams, a 1.8.7 log (event numbers +2)
mkdir old && printf '1600000000:alice:root::/dev/pts/4:30:100\n/home/alice\n/usr/bin/id -u\n' >old/log
printf '6 0.5 3\n5 0.25 3\n6 0.1 2\n' >old/timing; printf 'abcde' >old/ttyout; printf 'xyz' >old/ttyin
"$RECAST" convert old old.cast 2>err
grep -q 'sudo 1.8.7' err || fail "1.8.7 numbering not detected: $(cat err)"
cat >want <<'EOF2'
[0.5, "o", "abc"]
[0.75, "i", "xyz"]
[0.85, "o", "de"]
EOF2
tail -n 3 old.cast | cmp - want || fail "1.8.7 log: $(cat old.cast)"
head -n 1 old.cast | matches '"width": 100, "height": 30, "timestamp": 1600000000, "command": "/usr/bin/id -u"' || fail "legacy log header: $(head -n 1 old.cast)"
printf '4 0.1 3\n4 zz 2\n' >old/timing
expect_fail 1 'old/timing:2: bad timing line' "$RECAST" convert old old2.cast
# a live sudo session with log_output (root, as in CI)
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$WORK/sio"
  conf=/etc/sudoers.d/zz-recssh-test-$$
  printf 'Defaults:root log_output, iolog_dir=%s\n' "$WORK/sio" >"$conf"
  chmod 0440 "$conf"
  at_exit "rm -f $conf"
  script -qec "sudo -u nobody sh -c 'printf \"live \\342\\202\\254\\n\"; echo err >&2'" /dev/null </dev/null >/dev/null
  rm -f "$conf"
  d=$(dirname "$(find "$WORK/sio" -name timing -print -quit)")
  [ -d "$d" ] || fail "sudo wrote no I/O log"
  "$RECAST" convert "$d" live.cast
  "$RECAST" cat live.cast | cmp - <(zcat -f "$d/ttyout") || fail "live sudo: bytes"
  "$RECAST" cat live.cast | matches 'live €' || fail "live sudo: text"
fi

# --- tlog --------------------------------------------------------------------------
T=$FIXTURES/tlog
"$RECAST" convert -v "$T/input-and-binary.json" tlog.cast 2>err
grep -q 'format tlog' err || fail "tlog not detected"
grep -q '^\[0.302, "r", "100x30"\]$' tlog.cast || fail "tlog window change"
"$RECAST" cat tlog.cast | tail -c 18 | cmp - <(printf '\r\n\357\277\275\357\277\275 bin \342\202\254\r\n') || fail "tlog out_bin bytes -> U+FFFD"
[ "$("$RECAST" cat --stream i tlog.cast | wc -m)" = 20 ] || fail "tlog: 20 input characters"
"$RECAST" convert "$T/multi-message.json" tlog2.cast
[ "$(grep -c '"o"' tlog2.cast)" = 6 ] || fail "tlog: 6 output records in 2 messages"
grep -q '^\[0.807, "o", ' tlog2.cast || fail "tlog pos of message 2 (807 ms)"
head -n 1 "$T/multi-message.json" >gap.json; tail -n 1 "$T/multi-message.json" | sed 's/"id":2,/"id":4,/' >>gap.json
"$RECAST" convert gap.json gap.cast 2>err
grep -q 'missing' err && grep -q '"recssh: gap: tlog messages' gap.cast || fail "tlog id gap not reported"
touch /run/utmp 2>/dev/null || true
script -qec "tlog-rec --writer=file --file-path=$WORK/live.json sh -c 'printf \"t\\303\\251\\n\"; sleep 0.2; printf \"done\\n\"'" /dev/null </dev/null >/dev/null
[ -s live.json ] || fail "tlog-rec wrote nothing"
"$RECAST" convert live.json livet.cast
"$RECAST" cat livet.cast | cmp - <(printf 'té\r\ndone\r\n') || fail "live tlog: $(cat livet.cast)"
# two recordings in one file: the first, with a warning; another with --session
sed 's/"rec":"[^"]*"/"rec":"other"/' "$T/input-and-binary.json" >two.json
cat "$T/multi-message.json" >>two.json
"$RECAST" convert two.json two.cast 2>err
grep -q 'messages of other recordings' err || fail "tlog: other recordings not reported: $(cat err)"
"$RECAST" convert --session a23674eacbf24ad3a5e92072d2542b03-3466-b7fe two.json two2.cast
"$RECAST" cat two2.cast | cmp - <("$RECAST" cat tlog2.cast) || fail "tlog --session REC"
printf '{"ver":"2.3","rec":"x","id":1,"pos":0,"timing":"=80x24>2?","in_txt":"","in_bin":[],"out_txt":"ab","out_bin":[]}\n' >bad.json
expect_fail 1 "bad.json:1: unknown timing record '\\?'" "$RECAST" convert bad.json bad.cast

# --- audit.log (pam_tty_audit) -----------------------------------------------------
A=$FIXTURES/audit/audit.log
# our decoding of every record = the real aureport --tty's
TZ=UTC aureport --tty -if "$A" >theirs.txt
TZ=UTC "$RECAST" convert --list --records "$A" >ours.txt 2>err
diff ours.txt theirs.txt >&2 || fail "decoded keystrokes differ from aureport --tty"
grep -q "$(basename "$A"):7: not an audit record" err || fail "garbage line not reported with file:line: $(cat err)"
"$RECAST" convert --list "$A" >list.txt 2>/dev/null
[ "$(tail -n +2 list.txt | wc -l)" = 4 ] || fail "4 sessions expected: $(cat list.txt)"
grep -q '^web01-ses7-tty136_3 .*1001 .*alice .*pts/3 .* 4 ' list.txt || fail "session list: $(cat list.txt)"
# several sessions: refused into one file, one cast each into a directory
expect_fail 2 '4 audit sessions' "$RECAST" convert "$A" all.cast
mkdir sessions
"$RECAST" convert "$A" sessions 2>/dev/null
[ "$(ls sessions | wc -l)" = 4 ] || fail "one cast per session: $(ls sessions)"
S7=sessions/web01-ses7-tty136_3.cast
"$RECAST" validate "$S7" >/dev/null
grep -q '"timing":"approximate' "$S7" && grep -q '"m", "recssh: audit TTY records: input only' "$S7" || fail "timing not marked approximate"
grep -q '^\[2.333, "i", "id\\r"\]$' "$S7" || fail "TIOCSTI record as input at its flush time: $(cat "$S7")"
grep -q 'evil TIOCSTI' "$S7" || fail "TIOCSTI not shown"
grep -q '^\[3.877, "i", "exit 7\\r"\]$' "$S7" || fail "enriched record (0x1D trailer cut)"
"$RECAST" cat "$S7" | grep -aqF $'exit 7\e[7m<ret>' || fail "readable echo with named keys"
# filters, and the session as a single file
"$RECAST" convert --user alice "$A" alice.cast 2>/dev/null
grep -q '"user":"alice"' alice.cast || fail "--user by name (enriched AUID)"
"$RECAST" convert --user 0 "$A" root.cast 2>/dev/null
"$RECAST" cat --stream i root.cast | cmp - <(printf 'su mrb3n\nmrb3n_Ac@d3my!\n') || fail "--user 0: $(cat root.cast)"
"$RECAST" convert --session 762 "$A" s762.cast 2>/dev/null && fail "--session 762 matches two tty keys: should be refused" || true
"$RECAST" convert --session ses762-tty136_0 "$A" s762.cast 2>/dev/null
"$RECAST" cat --stream i s762.cast >s762.in
head -c 4 s762.in | cmp - <(printf 'eh\177\177') || fail "--session by name"
# rotated copies (.1 plain, .2.gz), CRLF line ends, invalid hex
head -n 6 "$A" | gzip >audit.log.2.gz
sed -n '7,9p' "$A" >audit.log.1
sed -n '10,$p' "$A" | sed 's/$/\r/' >audit.log
sed -i 's/data=69640D/data=69640DZ/' audit.log
"$RECAST" convert --list audit.log audit.log.1 audit.log.2.gz >rot.txt 2>err
grep -q 'data= is neither hex nor quoted' err || fail "invalid hex not reported: $(cat err)"
[ "$(tail -n +2 rot.txt | wc -l)" = 4 ] || fail "rotated files: $(cat rot.txt)"
mkdir rot
"$RECAST" convert audit.log audit.log.1 audit.log.2.gz rot 2>/dev/null
"$RECAST" cat --stream i rot/web01-ses7-tty136_3.cast | cmp - <(printf 'ls -la \r\033[A\033[B\033OP\033[15~\t\303\251\303\240\342\202\254\rwhoami''exit 7\r') || fail "rotated + CRLF: $(cat rot/web01-ses7-tty136_3.cast)"

# --- raw output --------------------------------------------------------------------
printf 'one\ntwo\r\nthree' >raw.txt
"$RECAST" convert --from raw --rate 2 raw.txt raw.cast
cat >want <<'EOF2'
[0.0, "o", "one\r\n"]
[0.5, "o", "two\r\n"]
[1.0, "o", "three"]
EOF2
tail -n 3 raw.cast | cmp - want || fail "raw --rate: $(cat raw.cast)"
"$RECAST" convert --from raw raw.txt raw0.cast
[ "$(tail -n +2 raw0.cast)" = '[0.0, "o", "one\r\ntwo\r\nthree"]' ] || fail "raw at t=0: $(cat raw0.cast)"
awk 'BEGIN{for(i=0;i<3;i++){for(j=0;j<150;j++)printf "x"; printf "\n"}}' >wide.txt
"$RECAST" convert --from raw wide.txt wide.cast
head -n 1 wide.cast | matches '"width": 150, "height": 24' || fail "width guessed from the widest line"
"$RECAST" convert --from raw --cols 100 --rows 50 wide.txt wide2.cast
head -n 1 wide2.cast | matches '"width": 100, "height": 50' || fail "--cols/--rows"
head -c 3000000 /dev/zero | tr '\0' 'y' >huge.txt
"$RECAST" convert --from raw huge.txt huge.cast
"$RECAST" cat huge.cast | cmp - huge.txt || fail "a 3 MB line"

# --- batch: -r DIR -o OUTDIR -------------------------------------------------------
mkdir -p tree/a/b tree/s
cp "$FIXTURES"/script/classic.* "$FIXTURES"/script/adv.* tree/a/
cp "$T"/*.json tree/a/b/
cp -r "$FIXTURES/sudo/io" tree/s/
cp "$FIXTURES/ttyrec/hello-bold.ttyrec" tree/
cp "$A" tree/a/audit.log
echo notes >tree/notes.txt
printf '0.1 5\nnot timing\n' >tree/broken.timing; printf 'Script started on x\nabcde\n' >tree/broken
rc=0
"$RECAST" convert -r tree -o conv 2>err || rc=$?
[ "$rc" = 1 ] || fail "a failed file must make the batch exit 1 (got $rc)"
grep -q 'failed tree/broken.timing: .*broken.timing:2' err || fail "failure reason: $(cat err)"
grep -q '8 converted, 0 skipped, 1 failed' err || fail "summary: $(cat err)"
for f in a/classic.cast a/adv.cast a/b/input-and-binary.cast a/b/multi-message.cast s/io/00/00/01.cast s/io/00/00/02.cast hello-bold.cast; do
  [ -s "conv/$f" ] || fail "batch: conv/$f missing ($(find conv -type f))"
done
[ "$(ls conv/a/audit.log.sessions | wc -l)" = 4 ] || fail "batch: audit sessions"
"$RECAST" cat conv/a/classic.cast | cmp - <("$RECAST" cat "$WORK/sudo1.cast" >/dev/null; perl -0777 -ne 's/\A[^\n]*\n//; s/\n[^\n]*\n\z//s; print' tree/a/classic.typescript) || fail "batch: classic bytes"

"$RECAST" convert -r tree -o conv 2>err || true
grep -q '0 converted, 8 skipped, 1 failed' err || fail "second run must skip: $(cat err)"
# on a terminal: a progress line (files, bytes, ETA)
script -qec "'$RECAST' convert -r tree -o conv" /dev/null </dev/null >tty.out 2>&1 || true
grep -q 'files .*MiB.* ETA' tty.out || fail "no progress line on a terminal: $(cat -v tty.out | head -5)"
rm tree/broken.timing
"$RECAST" convert -r tree -o conv --force 2>err || fail "--force: $(cat err)"
grep -q '9 converted, 0 skipped, 0 failed' err || fail "--force summary: $(cat err)"
echo ok
