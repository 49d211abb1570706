#!/usr/bin/env bash
# Each SIMD kernel this CPU runs (RECSSH_SIMD), on one input: `recast cat` and
# `recast validate -q`, runs interleaved across the kernels so that all see the same
# machine (its speed drifts over minutes); prints the minimum and median wall and CPU
# (user+sys) time, and the MB/s of the minimum wall time and of the minimum CPU time
# (the latter is the one to read on a loaded machine, with RECSSH_THREADS=1). A kernel
# the CPU lacks is listed as skipped. RECSSH_THREADS passes through.
#   bash bench/kernels.sh FILE [RUNS] [RECAST]   (default 7 runs, build/cmd/recast)
set -euo pipefail
file=$1 runs=${2:-7} recast=${3:-build/cmd/recast}
bytes=$(stat -L -c %s "$file")
kernels=()
for k in scalar sse2 avx2 avx512 avx512vbmi2; do
  if err=$(RECSSH_SIMD=$k "$recast" --version 2>&1 >/dev/null); then kernels+=("$k"); else echo "$k: skipped ($err)"; fi
done
declare -A walls cpus
t=$(mktemp)
trap 'rm -f "$t"' EXIT
TIMEFORMAT='%3R %3U %3S'
for cmd in "cat" "validate -q"; do
  read -r -a args <<< "$cmd"
  for k in "${kernels[@]}"; do RECSSH_SIMD=$k "$recast" "${args[@]}" "$file" > /dev/null; done # warm-up
  for ((i = 0; i < runs; i++)); do
    for k in "${kernels[@]}"; do
      { time RECSSH_SIMD=$k "$recast" "${args[@]}" "$file" > /dev/null; } 2> "$t"
      read -r w u sy < "$t"
      walls[$cmd/$k]+="$w "
      cpus[$cmd/$k]+="$(awk "BEGIN{print $u + $sy}") "
    done
  done
done
# min and median of a list of seconds, in ms, and MB/s at the minimum
stats() { tr ' ' '\n' <<< "$1" | grep . | sort -g | awk -v b="$bytes" '{v[NR]=$1} END{printf "%8.1f %8.1f %7.0f", v[1]*1000, v[int((NR+1)/2)]*1000, b/1e6/(v[1] > 0 ? v[1] : 0.001)}'; }
printf '%-12s %-9s | %8s %8s %7s | %8s %8s %7s\n' kernel command "wall min" median "MB/s" "cpu min" median "MB/s"
for cmd in "cat" "validate -q"; do
  for k in "${kernels[@]}"; do
    printf '%-12s %-9s | %s | %s\n' "$k" "${cmd%% *}" "$(stats "${walls[$cmd/$k]}")" "$(stats "${cpus[$cmd/$k]}")"
  done
done
