# Every malformed fixture gets a clear error naming the file (and line), exit 1:
# never a crash (exit >= 128), a hang, or an internal error (70).
. "$(dirname "$0")/common.sh"
C=$FIXTURES/cast
check() { # FIXTURE PATTERN
  for cmd in cat info validate; do
    expect_fail 1 "$1(:[0-9]+)?: .*$2" timeout 20 "$RECAST" $cmd "$C/$1"
  done
  expect_fail 1 "$1" timeout 20 "$RECAST" convert "$C/$1" out.cast
  [ ! -e out.cast ] || fail "convert of $1 left an output file"
}
check bad-json-line3.cast "malformed JSON"
check negative-time.cast "negative time -0.5"
check huge-time.cast "invalid time 1e999"
check nan-time.cast "invalid time"
check missing-field.cast "event has 2 elements"
check wrong-type-code.cast "event code must be a string"
check wrong-type-time.cast "event time must be a number"
check bad-resize.cast "invalid resize"
check bad-header-type.cast "must be a number"
check missing-width.cast "no \"width\""
check empty.cast "empty file"
check garbage.bin "unknown format"

# Repairs are warnings for readers, problems for validate.
"$RECAST" cat "$C/truncated-last-line.cast" > t.out 2> t.err
[ "$(cat t.out)" = one ] || fail "truncated: output before the cut"
grep -q "truncated-last-line.cast:3: truncated last line" t.err || fail "truncated: no warning"
expect_fail 1 "truncated-last-line.cast:3" "$RECAST" validate "$C/truncated-last-line.cast"
"$RECAST" cat "$C/invalid-utf8.cast" 2> u.err | matches $'ok \xef\xbf\xbd' || fail "invalid utf-8 not replaced"
grep -q "invalid-utf8.cast:2: invalid UTF-8 replaced" u.err || fail "utf-8 warning"

# --skip-bad skips and reports; --all reports every problem.
"$RECAST" cat --skip-bad "$C/bad-json-line3.cast" > s.out 2> s.err
[ "$(cat s.out)" = onethree ] || fail "skip-bad output"
printf '{"version": 2, "width": 80, "height": 24}\n[1, "o", "a"]\nnope\n[2, "o"]\n[3, "r", "x"]\n[4, "o", "b"]\n' > many.cast
rc=0; "$RECAST" validate --all many.cast 2> all.err || rc=$?
[ $rc = 1 ] && [ "$(grep -c 'many.cast:[345]:' all.err)" = 3 ] || fail "validate --all: $(cat all.err)"

# A 100 MB single line of garbage and one 100 MB event: errors or output, no hang.
head -c 100000000 /dev/zero | tr '\0' 'x' > oneline.bin
expect_fail 1 "oneline.bin: unknown format" timeout 60 "$RECAST" cat oneline.bin
{ printf '{"version": 2, "width": 80, "height": 24}\n[0.5, "o", "'; head -c 100000000 /dev/zero | tr '\0' 'y'; printf '"]\n'; } > bigline.cast
expect_fail 1 "bigline.cast:2: line longer than 64 MiB" timeout 60 "$RECAST" cat bigline.cast
RECSSH_THREADS=1 expect_fail 1 "bigline.cast:2: line longer than 64 MiB" timeout 60 "$RECAST" cat bigline.cast

# Files of 4 MiB and more are decoded ahead on worker threads (RECSSH_THREADS=1: not):
# the same bytes, the same warnings and the same file:line for a bad line deep inside.
{
  printf '{"version": 2, "width": 80, "height": 24}\n'
  awk 'BEGIN { for (i = 1; i <= 60000; i++) {
    printf "[%d.%06d, \"o\", \"\\u001b[1;3%dmline %d\\u001b[0m caf\u00e9 \\t\\\"q\\\" \\\\ \\u0007%s\\r\\n\"]\n", i / 1000, i % 1000, i % 8, i, substr("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 1, i % 47)
    if (i % 9973 == 0) print ""
    if (i == 31000) printf "[30.9, \"o\", \"bad \xff byte\"]\n"
  } }'
} > ahead.cast
[ "$(stat -c %s ahead.cast)" -gt $((4 << 20)) ] || fail "ahead.cast is under 4 MiB"
"$RECAST" cat ahead.cast > ahead.out 2> ahead.err
RECSSH_THREADS=1 "$RECAST" cat ahead.cast > ahead1.out 2> ahead1.err
cmp -s ahead.out ahead1.out || fail "decoding ahead: output differs from line by line"
cmp -s ahead.err ahead1.err || fail "decoding ahead: warnings differ: $(diff ahead.err ahead1.err | head -5)"
grep -q "ahead.cast:31005: invalid UTF-8 replaced" ahead.err || fail "decoding ahead: warning location: $(cat ahead.err)"
[ "$(grep -c $'caf\xc3\xa9 \t"q" \\\\ \a' ahead.out)" = 60000 ] || fail "decoding ahead: decoded lines"
# gzip'd: decoded ahead from 1 MiB compressed (random text, so it stays large).
{
  printf '{"version": 2, "width": 80, "height": 24}\n'
  head -c 4000000 /dev/urandom | base64 -w 96 | awk '{ printf "[%d.%06d, \"o\", \"\\u001b[32m%s\\r\\n\"]\n", NR / 1000, NR % 1000, $0 }
    NR == 20000 { printf "[20.0, \"o\", \"bad \xff byte\"]\n" }'
} | gzip -1 > ahead.cast.gz
[ "$(stat -c %s ahead.cast.gz)" -gt $((1 << 20)) ] || fail "ahead.cast.gz is under 1 MiB"
"$RECAST" cat ahead.cast.gz > gz.out 2> gz.err
RECSSH_THREADS=1 "$RECAST" cat ahead.cast.gz > gz1.out 2> gz1.err
cmp -s gz.out gz1.out && cmp -s gz.err gz1.err || fail "decoding ahead: gzip input differs"
grep -q "ahead.cast.gz:20002: invalid UTF-8" gz.err || fail "decoding ahead: gzip warning: $(cat gz.err)"
sed '45000s/.*/[44.9, "o", "cut/' ahead.cast > ahead-bad.cast
for threads in 1 2; do
  RECSSH_THREADS=$threads expect_fail 1 "ahead-bad.cast:45000: " "$RECAST" cat ahead-bad.cast
  RECSSH_THREADS=$threads expect_fail 1 "ahead-bad.cast:31005: invalid UTF-8" "$RECAST" validate ahead-bad.cast
  RECSSH_THREADS=$threads "$RECAST" cat ahead-bad.cast 2>/dev/null > part$threads.out || true
done
cmp -s part1.out part2.out || fail "decoding ahead: output before the bad line differs"
[ "$(grep -c 'line ' part2.out)" -ge 44990 ] || fail "decoding ahead: output before the bad line missing"

# --- what recast prints about a recording never reaches the terminal raw ------------------
# A title that writes the clipboard (OSC 52) and wipes the screen, in every place recast
# shows text from a recording or from the command line: no ESC, BEL or C1 byte may come out.
raw_controls() { LC_ALL=C grep -c $'[\x01-\x08\x0b-\x1f\x7f]\|\xc2[\x80-\x9f]' "$@" || true; }
printf '{"version":2,"width":80,"height":24,"title":"\\u001b]52;c;aGk=\\u0007\\u001b[2J\\u009b","command":"\\u202erm","env":{"SHELL":"\\u001b[31m"},"x\\u001bkey":"\\u001b[5m"}\n[1,"o","x"]\n[2,"m","\\u001b]0;pwn\\u0007"]\n' >osc.cast
"$RECAST" info osc.cast >info.out
[ "$(raw_controls info.out)" = 0 ] || fail "recast info printed control characters: $(cat -v info.out)"
matches -F 'title: \e]52;c;aGk=\a\e[2J\u{009b}' info.out || fail "recast info: title not shown escaped: $(cat info.out)"
matches -F 'command: \u{202e}rm' info.out || fail "recast info: bidi override not shown escaped"
"$RECAST" info --json osc.cast >info.json
[ "$(raw_controls info.json)" = 0 ] || fail "recast info --json printed control characters"
matches -F '\u009b' info.json || fail "recast info --json: C1 not escaped"
printf 'type=TTY msg=audit(1.0:1): tty pid=1 uid=0 auid=1000 ses=1 major=136 minor=0 comm=\x1b]0;x\x07 data=6C730D\n' >osc.log
"$RECAST" convert --list osc.log >list.out
"$RECAST" convert --list --records osc.log >>list.out
[ "$(raw_controls list.out)" = 0 ] || fail "convert --list/--records printed the audit comm raw: $(cat -v list.out)"
printf '{"version":2,"width":80,"height":24}\n[1,"o","x"]\n\x1b]52;c;aGk=\x07 oops\n' >"$(printf 'bad\x1b[2J.cast')"
"$RECAST" cat "$(printf 'bad\x1b[2J.cast')" >/dev/null 2>err.out || true
"$RECAST" $'\e]0;cmd\a' 2>>err.out || true
"$RECAST" cat --from $'\e]0;fmt\a' osc.cast 2>>err.out || true
"$RECAST" cat --bogus$'\e[2J' osc.cast 2>>err.out || true
"$RECAST" validate $'nope\e[2J.cast' 2>>err.out || true
[ "$(wc -l <err.out)" -ge 5 ] || fail "expected 5 error messages: $(cat -v err.out)"
[ "$(raw_controls err.out)" = 0 ] || fail "error messages echo control characters: $(cat -v err.out)"
# --- numbers out of range: one bound (100 years) for every time, checked where it is read --
# A time of 2^63 µs crashed `cat` (signed overflow); sums of in-range v3 intervals, script
# and sudo delays and tlog steps can pass the bound too; huge header timestamps broke dates.
printf '{"version":2,"width":80,"height":24}\n[9223372036854.775808,"o","x"]\n' >t63.cast
printf '{"version":3,"term":{"cols":80,"rows":24}}\n[3000000000,"o","a"]\n[3000000000,"o","b"]\n' >v3sum.cast
printf '{"version":2,"width":80,"height":24,"timestamp":1e300}\n[1,"o","x"]\n' >ts.cast
printf '{"version":2,"width":80,"height":24,"idle_time_limit":1e300}\n[1,"o","x"]\n' >idle.cast
printf '{"version":2,"width":80.5,"height":24}\n[1,"o","x"]\n' >w.cast
for f in t63 v3sum ts idle w; do
  for cmd in cat info validate; do expect_fail 1 "$f.cast(:[0-9]+)?: " timeout 20 "$RECAST" $cmd $f.cast; done
done
expect_fail 1 "t63.cast:2: invalid time 9223372036854.775808 \(expected seconds >= 0, at most 100 years" "$RECAST" cat t63.cast
expect_fail 1 "v3sum.cast:3: the intervals add up to more than the longest time" "$RECAST" cat v3sum.cast
expect_fail 1 'ts.cast:1: header "timestamp" must be a Unix time' "$RECAST" info ts.cast
printf 'Script started on 2024-01-01 10:00:00+00:00 [TERM="xterm"]\nab\n' >sum.typescript
printf '3000000000.0 1\n3000000000.0 1\n' >sum.timing
expect_fail 1 "sum.timing:2: the delays add up to more than the longest time" "$RECAST" convert sum.timing sum.cast
[ ! -e sum.cast ] || fail "a failed conversion left its output"
printf '9999999999.0 1\n' >big.timing
cp sum.typescript big.typescript
expect_fail 1 "big.timing:1: .*delay out of range" "$RECAST" convert big.timing big.cast
head -1 "$FIXTURES/tlog/multi-message.json" | sed 's/"pos":0/"pos":9223372036854775807/' >pos.json
expect_fail 1 'pos.json:1: "pos" 9223372036854775807 ms is out of range' "$RECAST" cat pos.json
printf '{"version":1,"width":80,"height":24,"stdout":[[3000000000,"a"],[3000000000,"b"]]}\n' >v1sum.json
expect_fail 1 "v1sum.json: frame 2: the delays add up" "$RECAST" cat v1sum.json
# The largest time that is allowed still reads, and prints exactly.
printf '{"version":2,"width":80,"height":24}\n[3155673600.0,"o","x"]\n' >max.cast
"$RECAST" cat max.cast | cmp -s - <(printf x) || fail "the largest time is refused"

# --- a UTF-8 byte order mark (some editors save one) is read past, for every text format --
printf '\xef\xbb\xbf{"version":2,"width":80,"height":24}\n[1,"o","bom"]\n' >bom.cast
[ "$("$RECAST" cat bom.cast)" = bom ] || fail "a cast with a BOM is not read"
"$RECAST" validate -q bom.cast || fail "validate refuses a cast with a BOM"
{ printf '\xef\xbb\xbf'; cat "$FIXTURES/script/classic.timing"; } >bomc.timing
cp "$FIXTURES/script/classic.typescript" bomc.typescript
"$RECAST" convert bomc.timing bomc.cast || fail "script timing with a BOM"
"$RECAST" convert "$FIXTURES/script/classic.timing" plain.cast
cmp -s <("$RECAST" cat bomc.cast) <("$RECAST" cat plain.cast) || fail "BOM: other output than without it"
{ printf '\xef\xbb\xbf'; cat "$FIXTURES/tlog/multi-message.json"; } >bomt.json
cmp -s <("$RECAST" cat bomt.json) <("$RECAST" cat "$FIXTURES/tlog/multi-message.json") || fail "tlog with a BOM"
echo ok
