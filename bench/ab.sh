#!/usr/bin/env bash
# A/B of recast builds on one input, runs interleaved so that both see the same
# machine (this VM's speed drifts by 30-50% over minutes); prints the minimum and the
# median wall and CPU (user+sys) time of each, to the millisecond (bash's `time`).
# RECSSH_THREADS and RECSSH_SIMD pass through; AB_CMD is the subcommand and its
# options (default cat; e.g. AB_CMD="validate -q").
#   bash bench/ab.sh FILE RUNS RECAST_BINARY...
set -euo pipefail
file=$1 runs=$2
shift 2
read -r -a cmd <<< "${AB_CMD:-cat}"
declare -A walls cpus
t=$(mktemp)
trap 'rm -f "$t"' EXIT
TIMEFORMAT='%3R %3U %3S'
for ((i = 0; i < runs; i++)); do
  for b in "$@"; do
    { time "$b" "${cmd[@]}" "$file" > /dev/null; } 2> "$t"
    read -r w u s < "$t"
    walls[$b]+="$w "
    cpus[$b]+="$(awk "BEGIN{print $u + $s}") "
  done
done
# min and median of a list of seconds, in ms
stats() { tr ' ' '\n' <<< "$1" | grep . | sort -g | awk '{v[NR]=$1} END{printf "min %6.1f  median %6.1f", v[1]*1000, v[int((NR+1)/2)]*1000}'; }
for b in "$@"; do
  printf '%-40s wall ms: %s   cpu ms: %s\n' "$b" "$(stats "${walls[$b]}")" "$(stats "${cpus[$b]}")"
done
