#!/usr/bin/env bash
# recast grep and recast ls over an archive, side by side with zgrep and with
# `recast cat | grep` on the same files, one run each. Needs a build (make build).
#   bash bench/grep.sh [SIZE_MB] [LS_COUNT]   (defaults 256 and 20000; the issue's
#                                             targets are 1024 MB and 100,000)
# The tree: SIZE_MB of generated recordings (bench/gen_cast) in 8 MB files: seven in
# eight line output (colours, UTF-8, long outputs; one in four with its resizes), one
# in eight a full-screen program (top-like frames on the alternate screen, which only
# the emulator follows); half of them gzip'd, as a rotated archive holds them. Lines:
#   recast grep -c    every file, every core, what the screen showed
#   zgrep -c          the raw bytes (fewer true hits: JSON escapes, colours, CR)
#   recast cat|grep   the raw output, no emulation
#   convert --to text the transcript export of one 128 MB recording (resizes kept)
#   recast ls         LS_COUNT small recordings: headers and tails only
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-256}
ls_count=${2:-20000}
recast=build/cmd/recast
data=bench/data
tree=$data/grep-$size-fs
pattern='ssh.*kernel'
mkdir -p "$data"
if [ ! -d "$tree" ]; then
  mkdir -p "$tree/2026-11-01" "$tree/2026-11-02"
  n=$(( (size + 7) / 8 ))
  for i in $(seq 1 "$n"); do
    day=$tree/2026-11-0$(( i % 2 + 1 ))
    f=$day/$(printf '%06d' "$i")-host.cast
    if [ $(( i % 8 )) = 3 ]; then profile=fullscreen; else profile=mixed; fi
    build/bench/gen_cast "$f.tmp" 8 "$i" $profile >/dev/null
    if [ $(( i % 4 )) = 0 ]; then mv "$f.tmp" "$f"; else grep -v '"r", "' "$f.tmp" >"$f"; rm "$f.tmp"; fi
    [ $(( i % 2 )) = 0 ] && gzip "$f"
  done
fi
bytes=0
for f in $(find "$tree" -type f); do bytes=$((bytes + $(gzip -dcf "$f" | wc -c))); done
echo "input: $tree, $(find "$tree" -type f | wc -l) files, $(awk "BEGIN{print $bytes/1048576}") MiB of casts uncompressed, $(nproc) cores"
find "$tree" -type f -exec cat {} + >/dev/null # in the page cache, as for every line below
TIMEFORMAT='%3R'
# timed NAME CMD...: one run; prints wall seconds, MB/s of uncompressed casts, peak RSS
timed() {
  local name=$1 w m; shift
  { time /usr/bin/time -f "%M" -o "$data/time.out" bash -c "$*" >"$data/out.txt" 2>"$data/stderr.out"; } 2>"$data/wall.out"
  read -r m <"$data/time.out"
  read -r w <"$data/wall.out"
  printf '%-16s %8.3f s  %6.0f MB/s  peak RSS %6.1f MiB  hits %s\n' "$name" "$w" \
    "$(awk "BEGIN{w=$w; if (w<0.001) w=0.001; print $bytes/1e6/w}")" "$(awk "BEGIN{print $m/1024}")" \
    "$(awk -F: '{s+=$NF} END{print s+0}' "$data/out.txt")"
}
timed "recast grep -c" "$recast grep -c -E '$pattern' $tree"
# The same over the line-output files only (no full-screen program): the plain line
# model throughout.
all_bytes=$bytes
plain_files=$(for f in $(find "$tree" -type f | sort); do
  [ "$(gzip -dcf "$f" | grep -c -F '1049h' || true)" = 0 ] && echo "$f"; done)
bytes=0
for f in $plain_files; do bytes=$((bytes + $(gzip -dcf "$f" | wc -c))); done
timed "  line output" "$recast grep -c -E '$pattern' $(echo $plain_files)"
bytes=$all_bytes
timed "zgrep -c" "find $tree -type f | sort | xargs zgrep -c -E '$pattern'"
timed "recast cat|grep" "for f in \$(find $tree -type f | sort); do echo \"\$f:\$($recast cat \$f | grep -c -E '$pattern')\"; done"
# The transcript export (what grep searches, as text) of one 128 MB recording, one
# stream on one core.
big=$data/text-128.cast
[ -f "$big" ] || build/bench/gen_cast "$big" 128 7 >/dev/null
bytes=$(wc -c <"$big")
timed "convert --to text" "echo $big:\$($recast convert --to text $big - | wc -l)"

# recast ls over many small recordings (headers, end markers from the tail).
lsdir=$data/ls-$ls_count
if [ ! -d "$lsdir" ]; then
  mkdir -p "$lsdir"
  {
    printf '%s\n' '{"version": 2, "width": 80, "height": 24, "timestamp": 1761984000, "recssh": {"version": "0.9", "session_id": "b-1", "stream": "shell", "user": "alice", "host": "bastion", "target": "root@db-3", "argv": ["ssh", "root@db-3"]}}'
    for i in $(seq 1 40); do printf '[%d.5, "o", "line %d of a small session\\r\\n"]\n' "$i" "$i"; done
    printf '[41.0, "m", "recssh: end: status=1 reason=exit"]\n'
  } >"$data/ls-one.cast"
  # (hard links: the same few bytes under every name; one directory made link by
  # link, the other 99 copied as links in one process each)
  # (ext4 allows 65,000 links to a file: a fresh copy of the first every 50)
  mkdir -p "$lsdir/2026-10-001"
  for i in $(seq 1 $(( ls_count / 100 ))); do
    ln "$data/ls-one.cast" "$lsdir/2026-10-001/$(printf '%06d' "$i")-h.cast"
  done
  for d in $(seq 2 100); do
    if [ $(( d % 50 )) = 1 ]; then cp -r "$lsdir/2026-10-001" "$lsdir/2026-10-$(printf %03d "$d")"
    else cp -al "$lsdir/2026-10-$(printf %03d $(( (d - 1) / 50 * 50 + 1 )))" "$lsdir/2026-10-$(printf %03d "$d")"; fi
  done
fi
TIMEFORMAT='%3R'
{ time /usr/bin/time -f "%M" -o "$data/time.out" "$recast" ls "$lsdir" >"$data/out.txt"; } 2>"$data/wall.out"
lines=$(wc -l <"$data/out.txt")
rss=$(awk "BEGIN{print $(cat "$data/time.out")/1024}")
printf 'recast ls        %8.3f s  %d recordings  peak RSS %6.1f MiB  (%s)\n' "$(cat "$data/wall.out")" \
  "$((lines - 1))" "$rss" "$(tail -n 1 "$data/out.txt")"
