#!/usr/bin/env bash
# Sealing's two costs, as ratios measured in one run (runs interleaved; minimum of
# RUNS): what sealing while recording adds to the recorder's CPU time (recast rec of
# `cat` of a big file into a real file, with and without `seal = yes`), and how fast
# `recast verify` is next to sha256sum over the same casts (FILES files of SIZE/FILES
# MiB each; verify runs several files on both cores, sha256sum one after the other).
#   bash bench/seal.sh [SIZE_MB] [FILES] [RUNS]   (default 1024 4 3)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1024} files=${2:-4} runs=${3:-3}
recast=$PWD/build/cmd/recast
data=bench/data/seal
mkdir -p "$data"
TIMEFORMAT='%3R %3U %3S'
t=$(mktemp)
trap 'rm -f "$t" "$t.err" "$t.inner"' EXIT

# min of a list of seconds
minimum() { tr ' ' '\n' <<<"$1" | grep . | sort -g | head -n 1; }

# --- the recorder: CPU with and without sealing -----------------------------------
input=$data/rec-input.txt
[ -s "$input" ] || head -c $((128 * 1048576 * 3 / 4)) /dev/urandom | base64 >"$input"
printf 'seal = yes\n' >"$data/seal.conf"
: >"$data/none.conf"
declare -A CPU ALL
for ((i = 0; i < runs; i++)); do
  for mode in none seal; do
    rm -f "$data/rec.cast" "$data/rec.cast.seal"
    # The recorder's own CPU: everything the run used less what `cat` used (timed
    # inside the session), since writing to a pty costs cat as much as reading it
    # costs the recorder and would halve the ratio.
    { time RECSSH_SYSTEM_CONFIG="$PWD/$data/$mode.conf" "$recast" rec -q \
      -c "/usr/bin/time -f '%U %S' -o $t.inner cat $input" "$data/rec.cast" \
      </dev/null >/dev/null 2>"$t.err"; } 2>"$t"
    # A run that dropped output did less work: its time would flatter it.
    if [ -s "$t.err" ]; then echo "recast rec ($mode) complained:"; cat "$t.err"; exit 1; fi
    read -r w u s <"$t"
    read -r cu cs <"$t.inner"
    CPU[$mode]+="$(awk "BEGIN{print $u + $s - $cu - $cs}") "
    ALL[$mode]+="$(awk "BEGIN{print $u + $s}") " # as bench/rec.sh counts: the whole session
  done
done
"$recast" verify --allow-unsigned "$data/rec.cast" >/dev/null || { echo "the bench's sealed recording does not verify"; exit 1; }
a=$(minimum "${CPU[none]}") b=$(minimum "${CPU[seal]}")
c=$(minimum "${ALL[none]}") d=$(minimum "${ALL[seal]}")
echo "recast rec of $(($(stat -c %s "$input") / 1048576)) MiB: recorder cpu ${a} s plain, ${b} s sealing:" \
  "$(awk "BEGIN{printf \"%+.1f\", ($b / $a - 1) * 100}")%; whole session (as bench/rec.sh counts) ${c} s," \
  "${d} s: $(awk "BEGIN{printf \"%+.1f\", ($d / $c - 1) * 100}")% (target <= +10%)"

# --- verify against sha256sum ---------------------------------------------------------
casts=()
for ((f = 0; f < files; f++)); do
  c=$data/v-$size-$f.cast
  [ -s "$c" ] || ./build/bench/gen_cast "$c" $((size / files)) $((f + 1)) mixed
  [ -s "$c.seal" ] || "$recast" seal -q "$c"
  casts+=("$c")
done
cat "${casts[@]}" >/dev/null # warm the page cache
declare -A WALL
for ((i = 0; i < runs; i++)); do
  { time sha256sum "${casts[@]}" >/dev/null; } 2>"$t"
  read -r w u s <"$t"; WALL[sha]+="$w "
  { time "$recast" verify -q --allow-unsigned "${casts[@]}" >/dev/null; } 2>"$t"
  read -r w u s <"$t"; WALL[verify]+="$w "
done
s=$(minimum "${WALL[sha]}") v=$(minimum "${WALL[verify]}")
echo "over $size MiB in $files casts: sha256sum ${s} s, recast verify ${v} s:" \
  "verify at $(awk "BEGIN{printf \"%.0f\", $s / $v * 100}")% of sha256sum's speed (target >= 90%)"
