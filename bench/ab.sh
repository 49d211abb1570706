#!/usr/bin/env bash
# A/B of recast builds on one input, runs interleaved so that both see the same
# machine (this VM's speed drifts by 30-50% over minutes); prints the minimum CPU
# (user+sys) and wall time of each. RECSSH_THREADS passes through.
#   bash bench/ab.sh FILE RUNS RECAST_BINARY...
set -euo pipefail
file=$1 runs=$2
shift 2
declare -A cpu wall
t=$(mktemp)
trap 'rm -f "$t"' EXIT
for ((i = 0; i < runs; i++)); do
  for b in "$@"; do
    /usr/bin/time -f "%e %U %S" -o "$t" "$b" cat "$file" > /dev/null
    read -r w u s < "$t"
    c=$(awk "BEGIN{print $u + $s}")
    if [ -z "${cpu[$b]:-}" ] || awk "BEGIN{exit !($c < ${cpu[$b]})}"; then cpu[$b]=$c; fi
    if [ -z "${wall[$b]:-}" ] || awk "BEGIN{exit !($w < ${wall[$b]})}"; then wall[$b]=$w; fi
  done
done
for b in "$@"; do printf '%-40s cpu %5.2f s  wall %5.2f s\n' "$b" "${cpu[$b]}" "${wall[$b]}"; done
