#!/usr/bin/env bash
# script(1) typescript + timing -> asciicast: throughput and peak RSS of recast
# convert on a generated session (bench/gen_script.cpp: 2.38 layout, mostly short
# chunks with some 4 KiB reads, UTF-8 and colours cut at chunk boundaries), with and
# without the inputs' SHA-256 (computed on a second thread; this CPU has no SHA
# instructions). `cat` of the same files is shown as the I/O floor.
#   bash bench/script.sh [MEGABYTES] (default 1024) [classic|advanced|io]
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-1024}
mode=${2:-classic}
data=bench/data
mkdir -p "$data"
base=$data/script-$mb-$mode
[ -s "$base.timing" ] || build/bench/gen_script "$base" "$mb" 7 "$mode"
rm -f "$base.body"
bytes=$(( $(stat -c %s "$base.typescript") + $(stat -c %s "$base.timing") ))
echo "input: $base.typescript + .timing, $((bytes / 1048576)) MiB, $(wc -l <"$base.timing") timing lines"
cat "$base.typescript" "$base.timing" >/dev/null
run() {
  local name=$1; shift
  rm -f "$data/out.cast"
  /usr/bin/time -f "%e %M" -o "$data/t" "$@" >/dev/null 2>&1
  read -r w m <"$data/t"
  printf '%-28s %6.2f s  %6.0f MB/s  peak RSS %5.1f MiB\n' "$name" "$w" "$(awk "BEGIN{print $bytes/1e6/($w<0.01?0.01:$w)}")" "$(awk "BEGIN{print $m/1024}")"
}
run "cat (I/O floor)" cat "$base.typescript" "$base.timing"
run "recast convert to stdout" build/cmd/recast convert --no-sha256 "$base.timing" -
run "recast convert" build/cmd/recast convert --overwrite "$base.timing" "$data/out.cast"
out=$(stat -c %s "$data/out.cast")
run "recast convert --no-sha256" build/cmd/recast convert --overwrite --no-sha256 "$base.timing" "$data/out.cast"
run "sha256sum (both files)" sha256sum "$base.typescript" "$base.timing"
# The output file is fsync'd before it is renamed into place: the disk's own speed
# for that many bytes is a floor for a conversion into a file.
run "dd same size + fsync (disk)" dd if=/dev/zero of="$data/out.cast" bs=1M count=$((out / 1048576)) conv=fsync
rm -f "$data/out.cast"
