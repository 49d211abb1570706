# Our v2 output fed to the real asciinema 2.2 `cat` gives exactly the bytes of
# `recast cat`; and asciinema's own recording converts to itself byte for byte.
. "$(dirname "$0")/common.sh"
require asciinema
require script
C=$FIXTURES/cast

"$GEN_CAST" big.cast 8 7
for src in "$C/full-v2.cast" "$C/minimal-v1.json" "$C/minimal-v3.cast" "$C/asciinema-2.2-stdin.cast" big.cast; do
  "$RECAST" convert --overwrite "$src" ours.cast
  asciinema_cat ours.cast theirs.out
  "$RECAST" cat ours.cast > ours.out
  [ -s ours.out ] || fail "$src: no output"
  cmp ours.out theirs.out || fail "$src: asciinema cat and recast cat differ"
done
"$RECAST" convert "$C/asciinema-2.2-stdin.cast" - | cmp - "$C/asciinema-2.2-stdin.cast" \
  || fail "asciinema 2.2's recording does not convert to itself"
echo ok
