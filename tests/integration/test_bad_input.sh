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
"$RECAST" cat "$C/invalid-utf8.cast" 2> u.err | grep -q $'ok \xef\xbf\xbd' || fail "invalid utf-8 not replaced"
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
echo ok
