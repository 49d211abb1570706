# ttyrec -> asciicast through `recast convert`: the real sample, byte-exact fidelity on
# generated files with characters split across frames, bad input, the NLE variants.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
: "${SOURCE_DIR:?}"
gen="perl $SOURCE_DIR/bench/gen_ttyrec.pl"

# the real ttyrec 1.0.8 sample, exactly
"$RECAST" convert -v "$FIXTURES/ttyrec/hello-bold.ttyrec" out.cast 2>err
grep -q 'format ttyrec' err || fail "not detected as ttyrec: $(cat err)"
cat >want <<'EOF2'
[0.0, "o", "hello\r\n"]
[0.501793, "o", "\u001b[1mbold\u001b[0m\r\n"]
EOF2
tail -n 2 out.cast | cmp - want || fail "sample: $(cat out.cast)"
head -n 1 out.cast | matches '"timestamp": 1795310920' || fail "timestamp from the first frame"
head -n 1 out.cast | matches '"recssh_source": {"format":"ttyrec"' || fail "source format in the header"

# fidelity: the output bytes are the payload bytes; the last time is the span
for seed in 1 2 3; do
  $gen g.ttyrec 3000 "$seed"
  "$RECAST" convert --overwrite g.ttyrec g.cast
  "$RECAST" validate g.cast >/dev/null || fail "generated: invalid cast"
  "$RECAST" cat g.cast | cmp - g.ttyrec.payload || fail "seed $seed: output bytes differ from the payload"
  last=$(tail -n 1 g.cast | sed -E 's/^\[([0-9.]+),.*/\1/')
  [ "$(awk -v t="$last" 'BEGIN{printf "%d", t * 1000000 + 0.5}')" = "$(cat g.ttyrec.last)" ] || fail "seed $seed: last time $last != $(cat g.ttyrec.last) us"
done
# gzip'd ttyrec, as they are usually distributed
gzip -c g.ttyrec >g.ttyrec.gz
"$RECAST" cat --from ttyrec g.ttyrec.gz | cmp - g.ttyrec.payload || fail "gzip'd ttyrec"

# a termrec size escape sets the size
printf '\000\000\000\000\000\000\000\000\013\000\000\000\033[8;30;100t' >sized.ttyrec
"$RECAST" convert sized.ttyrec sized.cast
head -n 1 sized.cast | matches '"width": 100, "height": 30' || fail "ESC[8;r;ct size not honoured: $(head -n 1 sized.cast)"

# bad input: a cut last frame is kept with a warning; nonsense is an error with the frame
head -c $(( $(stat -c %s g.ttyrec) - 7 )) g.ttyrec >cut.ttyrec
"$RECAST" convert cut.ttyrec cut.cast 2>cut.err || fail "a cut ttyrec was refused"
grep -q 'truncated last frame' cut.err || fail "no warning for a cut frame: $(cat cut.err)"
printf '\000\000\000\000\377\377\377\000\001\000\000\000x' >bad.ttyrec
expect_fail 1 'bad.ttyrec: frame 1: microseconds field' "$RECAST" convert --from ttyrec bad.ttyrec bad.cast
$gen nle.ttyrec 50 7 ttyrec2
expect_fail 1 'ttyrec2/ttyrec3 variant' "$RECAST" convert nle.ttyrec nle.cast
[ ! -e nle.cast ] && [ ! -e bad.cast ] || fail "a failed conversion left an output file"
echo ok
