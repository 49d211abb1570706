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

# measure NAME CMD...: wall seconds (bash's time) and peak RSS (KiB, GNU time); warm cache first.
declare -A WALL RSS
TIMEFORMAT='%3R'
# Best of $RUNS (default 3) after a warm-up: this VM's timings vary by 30-50% from
# run to run, and the minimum is the most repeatable figure for each program.
RUNS=${RUNS:-3}
measure() {
  local name=$1; shift
  "$@" > /dev/null 2>&1 || true
  local best="" best_rss=0 w m i
  for ((i = 0; i < RUNS; i++)); do
    # Wall time to the millisecond from bash (GNU time's %e has 10 ms steps, 8% of
    # recast cat), peak RSS from GNU time.
    { time /usr/bin/time -f "%M" -o "$data/time.out" "$@" > /dev/null 2> "$data/stderr.out"; } 2> "$data/wall.out"
    read -r m < "$data/time.out"
    read -r w < "$data/wall.out"
    if [ -z "$best" ] || awk "BEGIN{exit !($w < $best)}"; then best=$w; fi
    [ "$m" -gt "$best_rss" ] && best_rss=$m
  done
  WALL[$name]=$best
  RSS[$name]=$best_rss
  printf '%-28s %8.3f s  %8.0f MB/s  peak RSS %6.1f MiB\n' "$name" "${WALL[$name]}" \
    "$(awk "BEGIN{w=${WALL[$name]}; if (w<0.01) w=0.01; print $bytes/1e6/w}")" \
    "$(awk "BEGIN{print ${RSS[$name]}/1024}")"
}

measure "recast cat" "$recast" cat "$cast"
measure "recast validate" "$recast" validate -q "$cast"
measure "recast convert v2->v3" "$recast" convert --to v3 "$cast" -
measure "recast convert v2->v2.gz" "$recast" convert "$cast" - --gzip
if command -v asciinema >/dev/null; then
  # asciinema 2.2 cat needs a controlling terminal: give it a pty, output to /dev/null.
  measure "asciinema cat" setsid script -qec "asciinema cat '$cast' > /dev/null" /dev/null
  echo
  awk "BEGIN{printf \"recast cat is %.1fx faster than asciinema cat\n\", ${WALL[asciinema cat]}/${WALL[recast cat]}}"
fi
