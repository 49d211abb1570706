#!/bin/sh
# The built-in demo: converts the bundled recordings (asciinema 2.2, v1 and v3 casts,
# and a generated 4 MiB session) into asciicast v2, v3 and .cast.gz, checks them, and
# shows what is inside. Results go to demo-out/.
set -eu
build=${1:-build}
recast=$build/cmd/recast
out=demo-out
rm -rf "$out"
mkdir -p "$out"
fixtures=tests/fixtures/cast

echo "== converting the bundled recordings into $out/"
"$recast" convert -v "$fixtures/asciinema-2.2-stdin.cast" "$out/asciinema-2.2.cast"
"$recast" convert -v "$fixtures/minimal-v1.json" "$out/from-v1.cast"
"$recast" convert -v "$fixtures/minimal-v3.cast" "$out/from-v3.cast"
"$recast" convert -v --to v3 "$fixtures/full-v2.cast" "$out/full.v3.cast"
"$build/bench/gen_cast" "$out/generated.raw.cast" 4
"$recast" convert "$out/generated.raw.cast" "$out/generated.cast.gz"
rm -f "$out/generated.raw.cast"

echo "== validating"
"$recast" validate "$out"/*.cast "$out"/*.cast.gz

echo "== what is inside"
"$recast" info "$out/asciinema-2.2.cast" "$out/full.v3.cast"

echo "== the output of one recording (recast cat)"
"$recast" cat "$out/asciinema-2.2.cast"

cat <<EOM

Results are in $out/:
$(ls -l "$out")

Replay them with:
  asciinema play $out/asciinema-2.2.cast
  $recast cat $out/generated.cast.gz | less -R
EOM
