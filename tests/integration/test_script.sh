# script(1) -> asciicast through `recast convert`: the real util-linux 2.38 samples,
# sessions recorded here by the real script(1) (classic, advanced -I/-O, -B, -a,
# -q), byte-exact fidelity and exact timing sums on generated sessions, every edge
# case of the accounting (no header, cut, longer data, appended, no timing), bad
# input, and BSD script -r.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
: "${GEN_SCRIPT:?}"
require script
require perl
S=$FIXTURES/script

# body FILE: the typescript minus its header line and its "\nScript done ...\n" footer
body() { perl -0777 -ne 's/\A[^\n]*\n//; s/\n[^\n]*\n\z//s; print' "$1"; }
# last_time CAST: the time of the last event, in microseconds
last_us() { tail -n 1 "$1" | sed -E 's/^\[([0-9.]+),.*/\1/' | awk '{printf "%.0f", $1 * 1000000}'; }
# timing_sum FILE: the sum of a timing file's delays in microseconds
timing_us() { awk '{d = ($1 ~ /^[0-9]/) ? $1 : $2; if ($1 !~ /^H/) s += d} END {printf "%.0f", s * 1000000}' "$1"; }

# 1. the samples, exactly
"$RECAST" convert -v "$S/classic.timing" classic.cast 2>err
grep -q 'format script' err || fail "classic timing not detected: $(cat err)"
cat >want <<'EOF2'
[0.000311, "o", "hello\r\n"]
[0.50148, "o", "\u001b[1mbold\u001b[0m world\r\n"]
[0.50148, "m", "recssh: end: status=0"]
EOF2
tail -n 3 classic.cast | cmp - want || fail "classic sample: $(cat classic.cast)"
head -n 1 classic.cast | matches '"width": 80, "height": 24, "timestamp": 1795310713' || fail "classic header: $(head -n 1 classic.cast)"
head -n 1 classic.cast | matches '"command": "printf \\"hello\\\\n\\"; sleep 0.5' || fail "COMMAND from the header line"
# named by the typescript, the timing is found beside it
"$RECAST" convert "$S/classic.typescript" classic2.cast
tail -n +2 classic2.cast | cmp - <(tail -n +2 classic.cast) || fail "typescript-named conversion differs"
# advanced: -I/-O logs found through the H records; resize, input, exit code
"$RECAST" convert "$S/adv.timing" adv.cast
grep -q '^\[0.303112, "r", "100x30"\]$' adv.cast || fail "SIGWINCH ROWS=30 COLS=100 -> r 100x30"
[ "$(grep -c '^\[[0-9.]*, "i"' adv.cast)" = "$(grep -c '^I' "$S/adv.timing")" ] || fail "one input event per I record"
grep -q '"duration": 1.217924' adv.cast || fail "DURATION into the header"
tail -n 1 adv.cast | matches '"recssh: end: status=0"' || fail "EXIT_CODE marker"
"$RECAST" convert --no-input "$S/adv.timing" adv-noin.cast
! grep -q '^\[[0-9.]*, "i"' adv-noin.cast || fail "--no-input kept input"
"$RECAST" convert "$S/io.timing" io.cast
grep -q '"r", "132x40"' io.cast || fail "io log resize"
"$RECAST" convert "$S/exit3.timing" exit3.cast
tail -n 1 exit3.cast | matches 'status=3' || fail "COMMAND_EXIT_CODE=3 from the footer"
# fidelity on every sample: output bytes = typescript minus header and footer; the
# time of the end = the timing's sum
for t in classic exit3 adv io; do
  data=$S/$t.typescript
  [ "$t" = adv ] && data=$S/adv.out
  [ "$t" = io ] && continue # input and output interleaved: checked below
  "$RECAST" convert --overwrite "$S/$t.timing" s.cast
  "$RECAST" cat s.cast | cmp - <(body "$data") || fail "$t: output bytes differ from the typescript body"
  [ "$(last_us s.cast)" = "$(timing_us "$S/$t.timing")" ] || fail "$t: end time $(last_us s.cast) != timing sum $(timing_us "$S/$t.timing")"
done
"$RECAST" cat --stream i io.cast | tr -d '\n' | matches '^echo yoexit$' || fail "io log input: $("$RECAST" cat --stream i io.cast | od -c | head)"
# the inputs' SHA-256 in the header
for f in classic.timing classic.typescript; do
  h=$(sha256sum "$S/$f" | cut -d' ' -f1)
  head -n 1 classic.cast | matches "\"sha256\":\"$h\"" || fail "sha256 of $f not in the header"
done

# 2. sessions recorded here by the real script(1)
script -q -T c.tm -c 'printf "h\303\251llo \342\202\254\n"; sleep 0.2; printf "\033[1mworld\033[0m\n"; exit 4' c.ts </dev/null >/dev/null || true
"$RECAST" convert c.tm c.cast
"$RECAST" cat c.cast | cmp - <(body c.ts) || fail "real classic: bytes differ"
[ "$(last_us c.cast)" = "$(timing_us c.tm)" ] || fail "real classic: timing sum"
tail -n 1 c.cast | matches 'status=4' || fail "real classic: exit 4"
printf 'abc\nexit\n' | script -q -I a.in -O a.out -T a.tm -c 'sh -c "read x; echo got \$x"' >/dev/null
"$RECAST" convert a.tm a.cast
"$RECAST" cat a.cast | cmp - <(body a.out) || fail "real -I/-O: output bytes"
"$RECAST" cat --stream i a.cast | cmp - <(body a.in) || fail "real -I/-O: input bytes"
printf 'q\n' | script -q -B io.log -T io.tm -c 'sh -c "read x; echo got \$x"' >/dev/null
"$RECAST" convert io.tm iob.cast
"$RECAST" cat iob.cast | matches 'got q' || fail "real -B"
# -a: two sessions in one typescript, timing for the second only
script -q -T app.tm -c 'echo first session' app.ts </dev/null >/dev/null
script -q -a -T app.tm -c 'echo second session' app.ts </dev/null >/dev/null
"$RECAST" convert app.ts app.cast 2>err
grep -q 'appended typescript' err || fail "no warning for an appended typescript: $(cat err)"
grep -q '"recssh: untimed: ' app.cast || fail "no marker before the untimed part"
"$RECAST" cat app.cast | matches 'first session' || fail "the earlier session was dropped"
"$RECAST" cat app.cast | tail -c 17 | matches 'second session' || fail "the timed session is not last"
[ "$(last_us app.cast)" = "$(timing_us app.tm)" ] || fail "appended: timing sum"

# 3. generated sessions, characters cut across chunks: exact bytes, exact sums
for mode in classic advanced io; do
  size=2; [ $mode = classic ] && size=64 # one large session
  "$GEN_SCRIPT" g $size 3 $mode
  "$RECAST" convert --overwrite g.timing g.cast
  "$RECAST" validate g.cast >/dev/null || fail "$mode: invalid cast"
  "$RECAST" cat g.cast | cmp - g.body || fail "$mode: output bytes differ"
  [ "$(last_us g.cast)" = "$(cat g.total)" ] || fail "$mode: end time $(last_us g.cast) != $(cat g.total)"
done
# gzip'd typescript, named with --timing
gzip -c g.typescript >gz.typescript.gz
"$RECAST" convert --timing g.timing gz.typescript.gz gz.cast
"$RECAST" cat gz.cast | cmp - g.body || fail "gzip'd typescript"

# 4. accounting edge cases
"$GEN_SCRIPT" e 1 4 classic
# no header line (2.25/2.26 -q)
tail -n +2 e.typescript >nh.typescript; cp e.timing nh.timing
"$RECAST" convert nh.typescript nh.cast
"$RECAST" cat nh.cast | cmp - e.body || fail "no header: bytes"
# killed: data cut short -> warning, what is there, a gap marker
head -c 300000 e.typescript >cut.typescript; cp e.timing cut.timing
"$RECAST" convert cut.typescript cut.cast 2>err
grep -q 'only .* are there' err || fail "cut: no warning: $(cat err)"
grep -q '"recssh: gap: ' cut.cast || fail "cut: no gap marker"
"$RECAST" cat cut.cast | cmp - <(tail -n +2 cut.typescript) || fail "cut: bytes"
# more data than timing -> kept at the end behind a marker
{ head -c -$(( $(tail -n 1 e.typescript | wc -c) + 1 )) e.typescript; printf 'EXTRA\r\n'; tail -c $(( $(tail -n 1 e.typescript | wc -c) + 1 )) e.typescript; } >long.typescript
cp e.timing long.timing
"$RECAST" convert long.typescript long.cast 2>err
grep -q 'data is longer than the' err || fail "longer: no warning: $(cat err)"
"$RECAST" cat long.cast | cmp - <(cat e.body; printf 'EXTRA\r\n') || fail "longer: bytes"
# no timing file at all: untimed, framed, --rate
cp "$S/classic.typescript" lone.typescript
"$RECAST" convert lone.typescript lone.cast 2>err
grep -q 'no timing file found' err || fail "no timing: no warning"
"$RECAST" cat lone.cast | cmp - <(body lone.typescript) || fail "no timing: bytes"
"$RECAST" convert --rate 4 lone.typescript lone4.cast 2>/dev/null
grep -q '^\[0.25, "o", ' lone4.cast || fail "--rate 4: second line at 0.25 s: $(cat lone4.cast)"
# util-linux <= 2.24 semantics: each chunk's time is the next line's delay later
"$RECAST" convert --legacy-timing "$S/classic.timing" legacy.cast
grep -q '^\[0.50148, "o", "hello' legacy.cast || fail "--legacy-timing: $(cat legacy.cast)"
[ "$(last_us legacy.cast)" = "$(timing_us "$S/classic.timing")" ] || fail "--legacy-timing changes the sum"
# CRLF timing lines
sed 's/$/\r/' "$S/classic.timing" >crlf.timing; cp "$S/classic.typescript" crlf
"$RECAST" convert crlf.timing crlf.cast
tail -n +2 crlf.cast | cmp - <(tail -n +2 classic.cast) || fail "CRLF timing"

# 5. bad input: file:line, nothing written
{ head -n 1 "$S/classic.timing"; echo '0.5 x7'; } >bad.timing; cp "$S/classic.typescript" bad
expect_fail 1 'bad.timing:2: bad timing line "0.5 x7": expected a byte count' "$RECAST" convert bad.timing bad.cast
{ echo 'O 0.1 5'; echo 'Q 0.2 1'; } >badadv.timing; cp "$S/classic.typescript" badadv
expect_fail 1 'badadv.timing:2: .*expected a record type' "$RECAST" convert --log-out badadv badadv.timing badadv.cast
[ ! -e bad.cast ] && [ ! -e badadv.cast ] || fail "a failed conversion left an output"
printf '0.1 5\n0.2 3' >trunc.timing; printf 'Script started on x\nabcdefgh\n' >trunc
"$RECAST" convert trunc.timing trunc.cast 2>err || fail "an unterminated last timing line that parses was refused"
expect_fail 2 'must be a file' "$RECAST" convert --timing - "$S/classic.typescript" x.cast

# 6. BSD script -r: records s, o (split UTF-8), i, o, e; and big-endian
perl -e 'sub r { my ($d, $s, $u, $p, $be) = @_;
  my $h = $be ? pack("Q>Q>NN", length($p), $s, $u, ord($d)) : pack("Q<Q<VV", length($p), $s, $u, ord($d)); print $h, $p }
  my $be = $ARGV[0];
  r("s", 1700000000, 0, "", $be); r("o", 1700000000, 500000, "h\xc3", $be); r("o", 1700000001, 0, "\xa9!\r\n", $be);
  r("i", 1700000001, 250000, "ls\r", $be); r("e", 1700000002, 0, "", $be);' 0 >bsd.raw
"$RECAST" convert -v bsd.raw bsd.cast 2>err
grep -q 'format bsd-script' err || fail "BSD script -r not detected: $(cat err)"
cat >want <<'EOF2'
[0.5, "o", "h"]
[1.0, "o", "é!\r\n"]
[1.25, "i", "ls\r"]
EOF2
tail -n 3 bsd.cast | cmp - want || fail "BSD script -r events: $(cat bsd.cast)"
# --- the other way: --to typescript, which the real scriptreplay plays -------------
# Without input: classic timing; its replay is the recorded output byte for byte
# (scriptreplay adds one LF at its end, as it does for script's own files).
"$GEN_CAST" exp.all.cast 2 5 >/dev/null && grep -v '"i", ' exp.all.cast >exp.cast
"$RECAST" convert --to typescript exp.cast exp.ts || fail "--to typescript"
head -c 17 exp.ts | matches '^Script started on' || fail "no header line: $(head -n 1 exp.ts)"
tail -n 1 exp.ts | matches '^Script done on ' || fail "no footer: $(tail -n 1 exp.ts)"
grep -q '^[0-9]*\.[0-9]\{6\} [0-9]*$' exp.ts.timing && ! grep -q '^[A-Z] ' exp.ts.timing || fail "not classic timing"
scriptreplay -t exp.ts.timing -s exp.ts -d 1000 -m 0.001 >exp.replay || fail "scriptreplay failed"
[ "$(tail -c 1 exp.replay | od -An -c | tr -d ' ')" = '\n' ] || fail "scriptreplay's last byte"
"$RECAST" cat exp.cast >exp.out
head -c -1 exp.replay | cmp -s - exp.out || fail "scriptreplay's output differs from the recording's"
# ... and read back by recast, the same output at the same times (to the µs)
"$RECAST" convert exp.ts.timing exp.back.cast || fail "reading our typescript back"
"$RECAST" cat exp.back.cast | cmp -s - exp.out || fail "the typescript read back differs"
# With input: the advanced format of script --log-io (one data log, O/I/S records)
cat >io.cast <<'EOF2'
{"version": 2, "width": 80, "height": 24, "timestamp": 1795000000, "env": {"TERM": "xterm-256color", "SHELL": "/bin/sh"}}
[0.1, "o", "$ "]
[0.2, "r", "100x30"]
[0.3, "i", "l"]
[0.31, "o", "l"]
[0.4, "i", "s\r"]
[0.41, "o", "s\r\nfile \u4e2d\r\n$ "]
[1.0, "m", "recssh: end: status=3 reason=exit"]
EOF2
"$RECAST" convert --to typescript io.cast io.ts || fail "--to typescript with input"
grep -qx 'S 0.100000 SIGWINCH ROWS=30 COLS=100' io.ts.timing && grep -qx 'I 0.100000 1' io.ts.timing &&
  grep -qx 'H 0.000000 EXIT_CODE 3' io.ts.timing || fail "advanced timing: $(cat io.ts.timing)"
scriptreplay -t io.ts.timing -B io.ts -d 1000 | head -c -1 | cmp -s - <("$RECAST" cat io.cast) ||
  fail "scriptreplay -B: the output differs"
[ "$(scriptreplay -t io.ts.timing -B io.ts -d 1000 --stream in | head -c 2)" = ls ] || fail "scriptreplay: the input stream"
"$RECAST" convert io.ts.timing io.back.cast || fail "reading the advanced typescript back"
python3 - io.cast io.back.cast <<'PY' || fail "the advanced typescript read back: $(cat io.back.cast)"
import json, sys
a, b = ([json.loads(l) for l in open(f, encoding="utf-8").read().splitlines()[1:7]] for f in sys.argv[1:3])
sys.exit(0 if a == b else "%r != %r" % (a, b))
PY
echo ok
