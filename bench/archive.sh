#!/usr/bin/env bash
# archive/ benchmarks: merging 10,000 casts (1 GiB in all) and rotating a tree of
# 100,000 recordings. Needs a build (make build).
#   bash bench/archive.sh [TOTAL_MB] [FILES] [TREE_FILES]   (default 1024 10000 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-1024}
files=${2:-10000}
tree_files=${3:-100000}
recast=$PWD/build/cmd/recast
data=$PWD/bench/data/archive
rm -rf "$data"
mkdir -p "$data/many"

# 10,000 casts cut from one generated session (every piece keeps its share of events).
build/bench/gen_cast "$data/big.cast" "$total" 7 small
lines=$(($(wc -l <"$data/big.cast") - 1))
per=$(( (lines + files - 1) / files ))
awk -v per="$per" -v dir="$data/many" 'NR == 1 { next }
  (NR - 2) % per == 0 { if (out) close(out); n++; out = sprintf("%s/%06d.cast", dir, n);
    printf "{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": 1700000000}\n" > out }
  { print > out }' "$data/big.cast"
rm "$data/big.cast"
bytes=$(du -sb "$data/many" | cut -f1)
n=$(ls "$data/many" | wc -l)
cat "$data"/many/* >/dev/null # warm cache
/usr/bin/time -f "%e %M" -o "$data/t" "$recast" merge --gap keep -o "$data/merged.cast" "$data/many" 2>/dev/null
read -r w m <"$data/t"
printf 'merge: %d files, %d MiB in %.2f s = %.0f MB/s, peak RSS %.1f MiB (target >= 300 MB/s)\n' \
  "$n" $((bytes / 1048576)) "$w" "$(awk "BEGIN{print $bytes/1e6/$w}")" "$(awk "BEGIN{print $m/1024}")"
rm -rf "$data/many" "$data/merged.cast"

# A tree of 100,000 small recordings over 100 finished days.
mkdir -p "$data/R"
per_day=$((tree_files / 100))
for d in $(seq 1 100); do
  day=$(date -d "-$((d + 1)) days" +%Y-%m-%d)
  mkdir -p "$data/R/$day"
  for i in $(seq 1 "$per_day"); do
    printf '{"version": 2, "width": 80, "height": 24, "timestamp": %d, "recssh": {"user":"u%d","target":"h%d"}}\n[0.5, "o", "session %d %d\\r\\n"]\n' \
      $((1700000000 + d * 86400 + i)) $((i % 7)) $((i % 5)) "$d" "$i" >"$data/R/$day/$i.cast"
  done
done
for d in $(seq 1 100); do # each day's files as old as their day
  day=$(date -d "-$((d + 1)) days" +%Y-%m-%d)
  find "$data/R/$day" -name '*.cast' -exec touch -d "-$((d + 1)) days" {} +
done
run_rotate() { # LABEL ARGS...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$data/t" "$recast" rotate "$data/R" --min-age 0 "$@" >"$data/log"
  read -r w m <"$data/t"
  printf 'rotate %-46s %7.2f s, peak RSS %.1f MiB  (%s)\n' "$label" "$w" "$(awk "BEGIN{print $m/1024}")" "$(tail -n 1 "$data/log" | sed 's/recast rotate: //')"
}
echo "rotate: a tree of $(find "$data/R" -name '*.cast' | wc -l) recordings in 100 day directories (target <= 60 s)"
run_rotate "--compress-after 1d (compress all)" --compress-after 1d
run_rotate "--compress-after 1d again (nothing to do)" --compress-after 1d
run_rotate "--merge-daily (35 groups/day, 3500 merges)" --merge-daily
run_rotate "--retain 50d (delete half the days)" --retain 50d
rm -rf "$data"
