#!/usr/bin/env bash
# ttyrec -> asciicast: recast convert side by side with termrec's termcat (Debian
# termrec), same input, one run, as a ratio.   bash bench/ttyrec.sh [FRAMES] (default 400000)
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-400000}
data=bench/data
mkdir -p "$data"
in=$data/bench-$frames.ttyrec
[ -s "$in" ] || perl bench/gen_ttyrec.pl "$in" "$frames" 5
bytes=$(stat -c %s "$in")
echo "input: $in, $((bytes / 1048576)) MiB, $frames frames"
cat "$in" >/dev/null
declare -A W
run() {
  local name=$1; shift
  rm -f "$data/out.cast"
  /usr/bin/time -f "%e %M" -o "$data/t" "$@" >/dev/null 2>&1
  read -r w m <"$data/t"
  W[$name]=$w
  printf '%-16s %6.2f s  %6.0f MB/s  peak RSS %5.1f MiB\n' "$name" "$w" "$(awk "BEGIN{print $bytes/1e6/($w<0.01?0.01:$w)}")" "$(awk "BEGIN{print $m/1024}")"
}
run "recast convert" build/cmd/recast convert --overwrite "$in" "$data/out.cast"
command -v termcat >/dev/null && run "termcat" termcat "$in" "$data/out.cast"
rm -f "$data/out.cast"
[ -n "${W[termcat]:-}" ] && awk "BEGIN{printf \"recast convert is %.1fx faster than termcat (target >= 3)\n\", ${W[termcat]}/${W[recast convert]}}"
