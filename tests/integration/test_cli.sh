# recast's command line through the real binary: help, usage errors, files, stdin.
. "$(dirname "$0")/common.sh"
C=$FIXTURES/cast

"$RECAST" --help | matches "Examples" || fail "help has no examples"
"$RECAST" --version | matches -E '^recast [0-9]' || fail "no version"
expect_fail 2 "Subcommands" "$RECAST"
expect_fail 2 "unknown output format \"v9\"" "$RECAST" convert --to v9 "$C/full-v2.cast" x.cast
expect_fail 1 "can't open nope.cast" "$RECAST" cat nope.cast
# A mistyped command is named, with the likely one; numbers must be finite and in range
# (nan would reach a header as text that is not JSON), said without the type's limits.
expect_fail 2 "unknown command 'covnert' \(did you mean convert\?\); commands: rec, cat" "$RECAST" covnert x
expect_fail 2 "unknown command 'bogus'; commands:" "$RECAST" bogus
expect_fail 2 "idle-time-limit: expected a number > 0 and at most 100 years \(3155673600 s\), got 'nan'" "$RECAST" rec -i nan -c true x.cast
expect_fail 2 "coalesce-ms: expected a number >= 0 and at most 100 years .*, got '-5'" "$RECAST" rec --coalesce-ms -5 -c true x.cast
grep -q 17976931348623157 "$WORK/err" && fail "a range error printed the type's limit"
# The upper bound is the one every reader holds times to: a larger idle limit would
# make a header that recast itself refuses; 1e300 would overflow the conversion to µs.
expect_fail 2 "idle-time-limit: expected a number > 0 and at most 100 years" "$RECAST" rec -i 4e9 -c true x.cast
expect_fail 2 "mask-window: expected a number > 0 and at most 100 years" "$RECAST" rec --mask-window 1e300 -c true x.cast
expect_fail 2 "mask-window: expected a number > 0 and at most 100 years \(3155673600 s\), got 'nan'" "$RECAST" rec --mask-window nan -c true x.cast
expect_fail 2 "coalesce-ms: expected a number >= 0 and at most 100 years" "$RECAST" rec --coalesce-ms 1e300 -c true x.cast
printf 'idle-time-limit = nan\n' > nan.conf
expect_fail 1 "nan.conf:1: expected a number >= 0 and at most 100 years \(3155673600 s\), got 'nan'" env RECSSH_SYSTEM_CONFIG=$PWD/nan.conf "$RECAST" rec -c true x.cast
printf 'coalesce-ms = 1e300\n' > big.conf
expect_fail 1 "big.conf:1: expected a number >= 0 and at most 100 years" env RECSSH_SYSTEM_CONFIG=$PWD/big.conf "$RECAST" rec -c true x.cast
printf 'coalesce-bytes = 1e9\n' > bytes.conf
expect_fail 1 "bytes.conf:1: coalesce-bytes is 1 to 67108864, got '1e9'" env RECSSH_SYSTEM_CONFIG=$PWD/bytes.conf "$RECAST" rec -c true x.cast
[ -e x.cast ] && fail "a refused number still recorded"
expect_fail 2 "--stream: z not in" "$RECAST" cat --stream z "$C/full-v2.cast"
# --append to something that is not a v2/v3 cast is refused before the session runs.
echo 'not a cast' > notes.txt
expect_fail 1 "notes.txt" "$RECAST" rec -q --append -c 'echo ran > ran.txt' notes.txt
[ -e ran.txt ] && fail "the session ran before --append was refused"
[ "$(cat notes.txt)" = "not a cast" ] || fail "--append changed a file it refused"

# Never overwrite without being told to; the original stays intact.
echo precious > out.cast
expect_fail 1 "out.cast: file exists \(use --overwrite" "$RECAST" convert "$C/full-v2.cast" out.cast
[ "$(cat out.cast)" = precious ] || fail "existing file was modified"
"$RECAST" convert --overwrite "$C/full-v2.cast" out.cast
cmp -s out.cast "$C/full-v2.cast" || fail "convert v2->v2 is not the identity on full-v2.cast"
ls -a | matches '\.tmp\.' && fail "temporary file left behind"

# Converting a file onto itself is safe: the output is renamed in at the end.
cp "$C/minimal-v3.cast" self.cast
"$RECAST" convert --overwrite self.cast self.cast
"$RECAST" validate -q self.cast
grep -q '"version": 2' self.cast || fail "self-conversion did not write v2"

# stdin and stdout, gzip both ways.
"$RECAST" convert - - < "$C/asciinema-2.2-stdin.cast" | cmp -s - "$C/asciinema-2.2-stdin.cast" || fail "stdin->stdout"
"$RECAST" convert "$C/full-v2.cast" z.cast.gz
[ "$(head -c2 z.cast.gz | od -An -tx1 | tr -d ' ')" = 1f8b ] || fail "not gzip"
"$RECAST" cat z.cast.gz > z.out
"$RECAST" cat "$C/full-v2.cast" > plain.out
cmp -s z.out plain.out || fail "cat of .gz differs"
gzip -dc z.cast.gz | cmp -s - "$C/full-v2.cast" || fail "gzip -d output differs"
"$RECAST" cat - < z.cast.gz | cmp -s - plain.out || fail "cat of gzip on stdin"

# cat of several files concatenates their output.
"$RECAST" cat "$C/minimal-v1.json" "$C/minimal-v3.cast" > two.out
{ "$RECAST" cat "$C/minimal-v1.json"; "$RECAST" cat "$C/minimal-v3.cast"; } | cmp -s - two.out || fail "multi-file cat"

# info, text and JSON.
"$RECAST" info "$C/full-v2.cast" | matches "resize: 0.5 s -> 120x40" || fail "info resize"
"$RECAST" info --json "$C/full-v2.cast" | matches '"counts":{"i":1,"m":1,"o":2,"r":1,"x":1,"z":1}' || fail "info counts"
"$RECAST" info --json "$C/full-v2.cast" | matches '"exit_status":0' || fail "info exit"

# validate: 0 when valid, 1 and file:line otherwise.
"$RECAST" validate "$C/full-v2.cast" "$C/minimal-v1.json" "$C/minimal-v3.cast" > v.out
[ "$(grep -c ': ok' v.out)" = 3 ] || fail "validate ok lines"
expect_fail 1 "bad-json-line3.cast:3:" "$RECAST" validate "$C/bad-json-line3.cast"
echo ok
