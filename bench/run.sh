#!/usr/bin/env bash
# Side-by-side benchmarks, one run, reported as ratios (these machines are noisy, so
# absolute times mean little). Needs a build (make build) and asciinema 2.2.
#   bash bench/run.sh [SIZE_MB] [mixed|small]   (default 256 mixed; see gen_cast.cpp)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-256}
profile=${2:-mixed}
recast=build/cmd/recast
data=bench/data
mkdir -p "$data"
cast=$data/big-$size-$profile.cast
[ -s "$cast" ] || build/bench/gen_cast "$cast" "$size" 1 "$profile"
bytes=$(stat -c %s "$cast")
mb=$(awk "BEGIN{print $bytes/1048576}")
lines=$(wc -l < "$cast")
echo "input: $cast, $mb MiB, $lines lines, $((bytes / lines)) bytes per line"

# Wall seconds (bash's time, to the millisecond: GNU time's %e has 10 ms steps, 8% of
# recast cat) and peak RSS (KiB, GNU time), best of $RUNS (default 3) after a warm-up:
# this VM's timings vary by 30-50% from run to run, and the minimum is the most
# repeatable figure for each program.
declare -A WALL RSS
TIMEFORMAT='%3R'
RUNS=${RUNS:-3}
LAST=0
# run_once NAME CMD...: one timed run; keeps NAME's best time and largest RSS, LAST = its time.
run_once() {
  local name=$1 w m; shift
  { time /usr/bin/time -f "%M" -o "$data/time.out" "$@" > /dev/null 2> "$data/stderr.out"; } 2> "$data/wall.out"
  read -r m < "$data/time.out"
  read -r w < "$data/wall.out"
  if [ -z "${WALL[$name]:-}" ] || awk "BEGIN{exit !($w < ${WALL[$name]})}"; then WALL[$name]=$w; fi
  if [ -z "${RSS[$name]:-}" ] || [ "$m" -gt "${RSS[$name]}" ]; then RSS[$name]=$m; fi
  LAST=$w
}
report() {
  local name=$1
  printf '%-28s %8.3f s  %8.0f MB/s  peak RSS %6.1f MiB\n' "$name" "${WALL[$name]}" \
    "$(awk "BEGIN{w=${WALL[$name]}; if (w<0.001) w=0.001; print $bytes/1e6/w}")" \
    "$(awk "BEGIN{print ${RSS[$name]}/1024}")"
}
# measure NAME CMD...: warm cache, RUNS runs, report.
measure() {
  local name=$1 i; shift
  "$@" > /dev/null 2>&1 || true
  for ((i = 0; i < RUNS; i++)); do run_once "$name" "$@"; done
  report "$name"
}

recast_cat=("$recast" cat "$cast")
if command -v asciinema >/dev/null; then
  # asciinema 2.2 cat needs a controlling terminal: give it a pty, output to /dev/null.
  asciinema_cat=(setsid script -qec "asciinema cat '$cast' > /dev/null" /dev/null)
  # The two cats alternate, so that both see the same phases of the machine (its speed
  # drifts over minutes; measured one after the other, the ratio drifted with it).
  "${recast_cat[@]}" > /dev/null 2>&1 || true
  "${asciinema_cat[@]}" > /dev/null 2>&1 || true
  ratios=()
  for ((i = 0; i < RUNS; i++)); do
    run_once "recast cat" "${recast_cat[@]}"
    r=$LAST
    run_once "asciinema cat" "${asciinema_cat[@]}"
    ratios+=("$(awk "BEGIN{print $LAST / ($r < 0.001 ? 0.001 : $r)}")")
  done
  report "recast cat"
else
  measure "recast cat" "${recast_cat[@]}"
fi
measure "recast validate" "$recast" validate -q "$cast"
measure "recast convert v2->v3" "$recast" convert --to v3 "$cast" -
measure "recast convert v2->v2.gz" "$recast" convert "$cast" - --gzip
if command -v asciinema >/dev/null; then
  report "asciinema cat"
  echo
  awk "BEGIN{printf \"recast cat is %.1fx faster than asciinema cat (best against best)\n\", ${WALL[asciinema cat]}/${WALL[recast cat]}}"
  printf '%s\n' "${ratios[@]}" | sort -g | awk '{v[NR]=$1} END{printf "paired runs: median %.1fx, range %.1fx-%.1fx over %d pairs\n", v[int((NR+1)/2)], v[1], v[NR], NR}'
fi
