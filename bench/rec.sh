#!/usr/bin/env bash
# The recorder side by side with its peers, one run, as ratios: recording `cat` of a
# big file through script(1) (util-linux), asciinema 2.2 rec, tlog-rec and recast rec,
# every recording and the terminal output going to /dev/null. Then the keystroke round
# trip the recorder adds over a bare pty (bench/pty_rtt).
#   bash bench/rec.sh [SIZE_MB]   (default 256)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-256}
recast=$PWD/build/cmd/recast
data=bench/data
mkdir -p "$data"
input=$data/rec-input-$size.txt
# Terminal-like text: base64 lines of 76 columns.
[ -s "$input" ] || head -c $((size * 1048576 * 3 / 4)) /dev/urandom | base64 >"$input"
bytes=$(stat -c %s "$input")
echo "input: $input, $((bytes / 1048576)) MiB"

declare -A WALL CPU RSS
measure() { # NAME COMMAND (a shell command line)
  local name=$1 cmd=$2
  /usr/bin/time -f "%e %U %S %M" -o "$data/time.out" sh -c "$cmd" </dev/null >/dev/null 2>&1
  local w u s m
  read -r w u s m <"$data/time.out"
  WALL[$name]=$w; CPU[$name]=$(awk "BEGIN{print $u+$s}"); RSS[$name]=$m
  printf '%-16s wall %7.2f s  cpu %7.2f s  %7.0f MB/s  peak RSS %6.1f MiB\n' "$name" "$w" "${CPU[$name]}" \
    "$(awk "BEGIN{w=$w; if (w<0.01) w=0.01; print $bytes/1e6/w}")" "$(awk "BEGIN{print $m/1024}")"
}

cat "$input" >/dev/null # warm the page cache
measure "recast rec" "'$recast' rec -q --overwrite -c 'cat $input' /dev/null"
measure "script -q" "script -q -c 'cat $input' /dev/null"
command -v asciinema >/dev/null && measure "asciinema rec" "asciinema rec -q --overwrite -c 'cat $input' /dev/null"
command -v tlog-rec >/dev/null && measure "tlog-rec" "tlog-rec -o /dev/null cat $input"
echo
ratio() { awk "BEGIN{printf \"%.2f\", ${WALL[$1]}/${WALL[$2]}}"; }
echo "recast rec wall / script wall: $(ratio 'recast rec' 'script -q')  (target <= 1.0)"
[ -n "${WALL[asciinema rec]:-}" ] && echo "asciinema rec wall / recast rec wall: $(ratio 'asciinema rec' 'recast rec')  (target >= 4)"
[ -n "${WALL[tlog-rec]:-}" ] && echo "tlog-rec wall / recast rec wall: $(ratio 'tlog-rec' 'recast rec')"
echo "recast rec peak RSS: $(awk "BEGIN{printf \"%.1f\", ${RSS[recast rec]}/1024}") MiB  (target <= 8)"
echo
build/bench/pty_rtt 2000 "$recast"
