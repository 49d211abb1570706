#!/usr/bin/env bash
# recast play: how long until the right screen is there, one run each (the files are
# large: run it once, not in a loop). Needs a build (make build); asciinema 2.2 for
# the reference line.
#   bash bench/play.sh [SIZE_MB [PROFILE]]   (default 256 mixed; the issue's target is
#   measured on 1024; PROFILE as gen_cast's: mixed, log, small, fullscreen; or real:
#   real programs' output recorded by bench/real_cast.sh)
# Lines:
#   first frame      play --until 0 (open, header, first event): the cost of starting
#   cat              recast cat, the parse speed the emulation is compared with
#   asciinema cat    the same file through asciinema 2.2's cat
#   at 90% 1 CPU     --at 90% with no index, on one CPU (taskset): the duration (a v2
#                    file's tail) + emulation of 90%, one emulation after the other
#   at 90% cold      the same on every CPU: the second half emulated speculatively on
#                    another one (play/speculation.hpp)
#   at 90% index     the same with the index the previous line wrote
#   back 10% index   --at 80% with the index (a jump back by a keyframe)
#   back 10 min index  --at 90% of the duration less 600 s, with the index
# Each play line prints wall seconds, peak RSS and, for the emulating lines, MB/s of
# file emulated.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-256}
profile=${2:-mixed}
recast=build/cmd/recast
data=bench/data
mkdir -p "$data"
cast=$data/play-$size.cast
[ "$profile" = mixed ] || cast=$data/play-$size-$profile.cast
if [ ! -s "$cast" ]; then
  if [ "$profile" = real ]; then bash bench/real_cast.sh "$cast" "$size" >/dev/null
  else build/bench/gen_cast "$cast" "$size" 3 "$profile" >/dev/null; fi
fi
bytes=$(stat -L -c %s "$cast")
echo "input: $cast, $(awk "BEGIN{print $bytes/1048576}") MiB"
export XDG_CACHE_HOME=$PWD/$data/play-cache
rm -rf "$XDG_CACHE_HOME"
TIMEFORMAT='%3R'
# timed NAME SHARE CMD...: one run; SHARE = the part of the file the command reads (for MB/s)
timed() {
  local name=$1 share=$2 w m; shift 2
  { time /usr/bin/time -f "%M" -o "$data/time.out" "$@" >/dev/null 2>"$data/stderr.out"; } 2>"$data/wall.out"
  read -r m <"$data/time.out"
  read -r w <"$data/wall.out"
  printf '%-18s %8.3f s  peak RSS %6.1f MiB' "$name" "$w" "$(awk "BEGIN{print $m/1024}")"
  [ "$share" = 0 ] || printf '  %6.0f MB/s' "$(awk "BEGIN{w=$w; if (w<0.001) w=0.001; print $bytes*$share/1e6/w}")"
  printf '\n'
}
cat "$cast" >/dev/null # the file in the page cache, as for every line below
timed "first frame" 0 "$recast" play --no-wait --no-index --until 0 "$cast"
timed "cat" 1 "$recast" cat "$cast"
if command -v asciinema >/dev/null; then
  timed "asciinema cat" 1 setsid script -qec "asciinema cat '$cast' > /dev/null" /dev/null
fi
if command -v taskset >/dev/null; then
  timed "at 90% 1 CPU" 0.9 taskset -c 0 "$recast" play --no-wait --no-index --at 90% --until 90% "$cast"
fi
timed "at 90% cold" 0.9 "$recast" play --no-wait --at 90% --until 90% "$cast"
timed "at 90% index" 0 "$recast" play --no-wait --at 90% --until 90% "$cast"
timed "back 10% index" 0 "$recast" play --no-wait --at 80% --until 80% "$cast"
# (a jump back by ten minutes of the recording from the 90% point, where it is that long)
duration=$(tail -n 1 "$cast" | sed -n 's/^\[\([0-9.]*\),.*/\1/p')
back=$(awk "BEGIN{t=${duration:-0}*0.9-600; if (t>0) printf \"%.3f\", t}")
if [ -n "$back" ]; then
  timed "back 10 min index" 0 "$recast" play --no-wait --at "$back" --until "$back" "$cast"
fi
ls -l "$XDG_CACHE_HOME"/recssh/play/ | tail -n +2 | awk '{print "index: " $5 " bytes"}'
