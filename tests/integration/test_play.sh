# recast play through the real binary: --at shows the same screen as playing from the
# start (compared on an emulated screen), with and without the keyframe index, a stale
# index rebuilt, --safe, legacy formats, .gz and stdin, timing, --follow, and keys and
# terminal restoration through a real terminal (tmux).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
: "${SCREEN_DUMP:?SCREEN_DUMP must point at the screen_dump tool}"
export HOME="$WORK/home" XDG_CACHE_HOME="$WORK/cache" RECSSH_SYSTEM_CONFIG="$WORK/none"
mkdir -p "$HOME"
play() { "$RECAST" play "$@"; }
# same_screen SIZE A B: the two byte streams leave the same screen
same_screen() {
  "$SCREEN_DUMP" "$1" "$2" >"$2.screen"
  "$SCREEN_DUMP" "$1" "$3" >"$3.screen"
  cmp -s "$2.screen" "$3.screen" || fail "screens differ: $2 vs $3: $(diff "$2.screen" "$3.screen" | head -20)"
}
# shows_cast_at OUT CAST TIME: the bytes play wrote leave the screen of the recording
# itself (its output and resizes) emulated up to TIME
shows_cast_at() {
  "$SCREEN_DUMP" --cast "$2" "$3" >"$1.want"
  "$SCREEN_DUMP" "$(head -n 1 "$1.want" | cut -d' ' -f2)" "$1" >"$1.screen"
  cmp -s "$1.want" "$1.screen" || fail "play $3 of $2: screen differs: $(diff "$1.want" "$1.screen" | head -20)"
}

# A recording of real-looking output (colours, UTF-8, resizes, markers): 3 MB.
"$GEN_CAST" big.cast 3 11 >/dev/null
dur=$(tail -n 1 big.cast | sed -E 's/^\[([0-9.]+),.*/\1/')
grep -q '"r", "' big.cast || fail "the generated recording has no resizes to test with"

# A long seek (32 MiB or more of a plain v2 file) also emulates its second half on
# another CPU where the process has two (play/speculation): the screen is the one the
# whole output gives (libvterm's own screen layer, through screen_dump), and the same
# as on one CPU, where it does not start.
"$GEN_CAST" long.cast 40 13 >/dev/null
play --no-wait --no-index --at 90% --until 90% long.cast >long.out
shows_cast_at long.out long.cast 90%
if command -v taskset >/dev/null; then
  taskset -c 0 "$RECAST" play --no-wait --no-index --at 90% --until 90% long.cast >long1.out
  cmp -s long.out long1.out || fail "a long seek on two CPUs painted other bytes than on one"
fi
rm -f long.cast long.out long1.out long.out.want long.out.screen

# Real programs' output as recast rec records it (bench/real_cast.sh: ls -laR, git
# log -p, man pages...), with events of up to 256 KiB (a command's output gathered into
# one), long enough for the second emulation at 90%: the screen is the whole output's,
# and at 90% also libvterm's own screen layer's.
REC_OPTS="--coalesce-ms 1000 --coalesce-bytes 262144" bash "$SOURCE_DIR/bench/real_cast.sh" real.cast 48 >/dev/null
[ "$(awk 'length($0) > 131072' real.cast | wc -l)" -gt 10 ] || fail "the real recording has no events over 128 KiB"
for at in 90% 75%; do
  play --no-wait --no-index --at "$at" --until "$at" real.cast >real.out
  shows_cast_at real.out real.cast "$at"
  if [ "$at" = 90% ]; then
    "$SCREEN_DUMP" --reference --cast real.cast "$at" >real.ref
    cmp -s real.ref real.out.want || fail "at $at the player's emulation and libvterm's screen layer differ: $(diff real.ref real.out.want | head -20)"
  fi
done
rm -f real.cast real.out real.out.want real.out.screen real.ref

# --at shows the screen of the recording at that point, at several points (times and
# percentages), cold and with the index; the keyframe interval is small so that
# keyframes are made and used.
for at in 0 1 17.3 "$(awk "BEGIN{print $dur/3}")" 50% 90% end; do
  play --no-wait --no-index --at "$at" --until "$at" big.cast >seek.out
  shows_cast_at seek.out big.cast "$at"
  [ "$(stat -c %s seek.out)" -lt "$(stat -c %s big.cast)" ] || fail "--at $at wrote the whole output"
  play --no-wait --keyframe-interval 65536 --at "$at" --until "$at" big.cast >idx1.out
  shows_cast_at idx1.out big.cast "$at"
  play --no-wait --keyframe-interval 65536 --at "$at" --until "$at" big.cast >idx2.out
  shows_cast_at idx2.out big.cast "$at"
done
idx=$(find "$XDG_CACHE_HOME/recssh/play" -name '*.idx')
[ "$(echo "$idx" | wc -l)" = 1 ] || fail "expected one index file: $idx"
[ "$(stat -c %a "$idx")" = 600 ] || fail "index is not 0600"
grep -a -c '^recssh-play-index 2$' "$idx" | matches -x 1 || fail "index header"
[ "$(grep -a -c '^keyframes ' "$idx")" = 1 ] || fail "index has no keyframes line"
[ "$(sed -n 's/^keyframes //p' "$idx")" -gt 5 ] || fail "index has too few keyframes: $(grep -a '^keyframes' "$idx")"

# Tab stops the recording set itself (the real tabs(1), every 4 columns) are in every
# keyframe's paint: a jump to one (cold, then from the index, forward and back) lands
# later tabs where the whole output puts them.
TERM=xterm-256color tabs -4 >tabs.seq
python3 - tabs.seq >tabs.cast <<'PY'
import json, sys
print(json.dumps({"version": 2, "width": 60, "height": 10}))
print(json.dumps([0.1, "o", open(sys.argv[1], encoding="ascii").read()]))
for i in range(20000):
    print(json.dumps([0.2 + i / 1000, "o", "\r\n%d\tA\tBB\tCCC\tDDDD\t|" % i]))
PY
grep -q 'u001bH' tabs.cast || fail "tabs(1) wrote no HTS: $(od -c tabs.seq | head -3)"
for at in 90% 50% 75%; do
  play --no-wait --keyframe-interval 65536 --at "$at" --until "$at" tabs.cast >tabs.out
  shows_cast_at tabs.out tabs.cast "$at"
done
rm -f tabs.seq tabs.cast tabs.out tabs.out.want tabs.out.screen

# The player's emulator keeps its own cells under libvterm's state layer (fast
# scrolling); libvterm's screen layer is the reference it must match cell for cell:
# a real-looking recording at many points, a full-screen program (alternate screen,
# scroll region, colours, wide characters, insert/delete, resizes), the fixtures.
printf '%s\n' '{"version": 2, "width": 30, "height": 8}' \
  '[0.1, "o", "$ ls --color\r\n\u001b[01;34mdir\u001b[0m  \u001b[01;32mrun.sh\u001b[0m  中文.txt\r\n$ vim\r\n"]' \
  '[0.2, "o", "\u001b[?1049h\u001b[22;0;0t\u001b[1;8r\u001b[?12h\u001b[?25l\u001b[H\u001b[2J\u001b[7;1H\u001b[1m-- INSERT --\u001b[m"]' \
  '[0.3, "o", "\u001b[1;6r\u001b[6;1H\n\n\u001b[38;5;208mline \u00e9\u0301\u001b[48;2;10;20;30m wide \u4e2d\u6587\u001b[m\u001b[2;3H\u001b[2@xy\u001b[4P\u001b[3X\u001b[r"]' \
  '[0.4, "r", "40x10"]' \
  '[0.5, "o", "\u001b[5;5H\u001b[1;31mred\u001b[7mrev\u001b[m\u001b[2L\u001b[M\u001b[?25h"]' \
  '[0.6, "r", "20x5"]' \
  '[0.7, "o", "\u001b[?1049l\u001b[?25hback\r\n$ \u001b[?5h"]' \
  '[0.8, "o", "\u001b[3;5r\u001b[5;1H\n\n\nend\u001b[r\u001b[1;1H\u001b[4hIN\u001b[4l\u001b]2;title\u0007"]' >tui.cast
for t in 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8; do
  "$SCREEN_DUMP" --cast tui.cast "$t" >fast.screen
  "$SCREEN_DUMP" --reference --cast tui.cast "$t" >ref.screen
  cmp -s fast.screen ref.screen || fail "tui.cast at $t: the player's emulation differs from libvterm's screen: $(diff ref.screen fast.screen | head -20)"
done
for f in big.cast "$FIXTURES"/cast/full-v2.cast; do
  for t in 1 10% 25% 33% 50% 66% 75% 90% end; do
    "$SCREEN_DUMP" --cast "$f" "$t" >fast.screen
    "$SCREEN_DUMP" --reference --cast "$f" "$t" >ref.screen
    cmp -s fast.screen ref.screen || fail "$f at $t: the player's emulation differs from libvterm's screen: $(diff ref.screen fast.screen | head -20)"
  done
done
for f in "$FIXTURES"/script/classic.typescript "$FIXTURES"/script/adv.out "$FIXTURES"/ttyrec/*.ttyrec; do
  "$RECAST" cat "$f" >legacy.out 2>/dev/null || fail "cat $f"
  for size in 80x24 20x4; do
    "$SCREEN_DUMP" "$size" legacy.out >fast.screen
    "$SCREEN_DUMP" --reference "$size" legacy.out >ref.screen
    cmp -s fast.screen ref.screen || fail "$f at $size: the player's emulation differs from libvterm's screen: $(diff ref.screen fast.screen | head -20)"
  done
done
"$SCREEN_DUMP" --cast tui.cast 0.3 | matches -F '中文' || fail "tui.cast: no wide characters on the screen"

# Without resizes (a viewer's terminal keeps its size), --at then the rest leaves the
# same screen as playing the whole recording.
grep -v '"r", "' big.cast >nor.cast
size=$(head -n 1 nor.cast | sed -E 's/.*"width": ([0-9]+), "height": ([0-9]+).*/\1x\2/')
play --no-wait --no-index nor.cast >full.out
play --no-wait --at 40% nor.cast >rest.out
same_screen "$size" full.out rest.out
play --no-wait --no-index --until 70% nor.cast >full.out
play --no-wait --no-index --at 70% --until 70% nor.cast >seek.out
same_screen "$size" full.out seek.out

# A stale index (the file changed) is noticed, rebuilt, and the screen still right.
before=$(sha256sum "$idx" | cut -d' ' -f1)
"$GEN_CAST" big.cast 3 12 >/dev/null
play --no-wait --at 60% --until 60% big.cast >seek.out 2>stale.err
matches 'index of .*big.cast is stale' stale.err || fail "stale index not reported: $(cat stale.err)"
shows_cast_at seek.out big.cast 60%
[ "$(sha256sum "$idx" | cut -d' ' -f1)" != "$before" ] || fail "stale index not rewritten"
play --no-wait --at 60% --until 60% big.cast >seek2.out 2>fresh.err
! matches stale fresh.err || fail "the rebuilt index is stale again: $(cat fresh.err)"
shows_cast_at seek2.out big.cast 60%

# --at-marker by number and by text, and a missing one
printf '%s\n' '{"version": 2, "width": 20, "height": 3}' '[0.5, "o", "one\r\n"]' '[1.0, "m", "first"]' \
  '[1.5, "o", "two\r\n"]' '[2.0, "m", "deploy step"]' '[2.5, "o", "three\r\n"]' >m.cast
play --no-wait --at-marker 2 --until 2 m.cast >a.out
play --no-wait --at-marker deploy --until 2 m.cast >b.out
play --no-wait --until 2 m.cast >c.out
same_screen 20x3 a.out c.out
same_screen 20x3 b.out c.out
"$SCREEN_DUMP" 20x3 a.out | matches '^two' || fail "--at-marker 2 screen"
expect_fail 1 'no marker 3 in' "$RECAST" play --no-wait --at-marker 3 m.cast
expect_fail 1 'no marker with "nope"' "$RECAST" play --no-wait --at-marker nope m.cast
expect_fail 2 'not a TIME' "$RECAST" play --no-wait --at 1:75 m.cast
expect_fail 2 'needs the duration' "$RECAST" play --no-wait --at 50% - <m.cast

# A scrolling region, margins or origin mode past a resize to fewer rows or columns
# (libvterm 0.1.4 keeps them and then scrolls a negative number of rows: a crash, from
# a recording anyone can write). Reset at the resize, as xterm does; the screen after
# it is checked against the recording's own, and grep and the transcript still work.
{
  printf '{"version": 2, "width": 80, "height": 24}\n'
  printf '[0.1, "o", "\\u001b[20;24r\\u001b[1;1Hhello"]\n[0.2, "r", "80x10"]\n'
  printf '[0.3, "o", "\\u001b[10;1H\\n\\n\\nabc\\n"]\n'
  printf '[0.4, "o", "\\u001b[?69h\\u001b[60;80s\\u001b[?6h\\u001b[5;9rmargins"]\n[0.5, "r", "30x4"]\n'
  printf '[0.6, "o", "\\u001b[4;1H\\nend\\u001b[S\\u001b[T\\u001b[2L\\u001b[2M\\u001b[@\\u001b[P\\n"]\n'
} >hostile.cast
play --no-wait --no-index --at 0.35 --until 0.35 hostile.cast >hostile1.out || fail "play of a region past a resize"
shows_cast_at hostile1.out hostile.cast 0.35
play --no-wait --no-index --at 0.6 --until 0.6 hostile.cast >hostile2.out || fail "play of margins past a resize"
shows_cast_at hostile2.out hostile.cast 0.6
"$RECAST" grep -c abc hostile.cast | matches -x 'hostile.cast:1' || fail "grep over a region past a resize"
"$RECAST" convert --to text hostile.cast hostile.txt || fail "the transcript of a region past a resize"
matches -x abc hostile.txt && matches -x end hostile.txt || fail "transcript: $(cat hostile.txt)"

# every format recast reads, .gz and stdin: the same bytes as cat
gzip -k big.cast
play --no-wait big.cast.gz >gz.out
play --no-wait - <big.cast >stdin.out
"$RECAST" cat big.cast >cat.out
cmp -s gz.out cat.out || fail ".gz plays differently from cat"
cmp -s stdin.out cat.out || fail "stdin plays differently from cat"
play --no-wait --at 50% --until 70% big.cast.gz >gzseek.out 2>/dev/null
play --no-wait --at 70% --until 70% big.cast.gz >gzseek.out
shows_cast_at gzseek.out big.cast 70%
for f in "$FIXTURES"/cast/full-v2.cast "$FIXTURES"/cast/minimal-v3.cast "$FIXTURES"/cast/minimal-v1.json \
  "$FIXTURES"/script/classic.typescript "$FIXTURES"/ttyrec/*.ttyrec; do
  [ -e "$f" ] || continue
  "$RECAST" cat "$f" >want.out 2>/dev/null
  play --no-wait "$f" >got.out 2>/dev/null || fail "play $f failed"
  cmp -s want.out got.out || fail "play $f differs from cat"
done

# --safe: OSC 52, titles and reports are dropped, colours kept
printf '%s\n' '{"version": 2, "width": 20, "height": 3}' \
  '[0.1, "o", "\u001b]52;c;ZWNobyBwd25lZA==\u0007\u001b]2;owned\u0007\u001b[31mred\u001b[0m\u001b[6n\u001bP$qm\u001b\\"]' >osc.cast
play --no-wait --safe osc.cast >safe.out
! grep -a -q ']52;' safe.out || fail "--safe kept OSC 52"
! grep -a -q 'owned' safe.out || fail "--safe kept the title"
! grep -a -q '\[6n' safe.out || fail "--safe kept a DSR request"
! grep -a -q 'P\$qm' safe.out || fail "--safe kept DECRQSS"
grep -a -q $'\e\\[31mred' safe.out || fail "--safe dropped colours"
play --no-wait osc.cast >unsafe.out
grep -a -q ']52;' unsafe.out || fail "own file without --safe should play as recorded"
play --no-wait --no-safe osc.cast | matches -a ']52;' || fail "--no-safe"
if [ "$(id -u)" = 0 ]; then
  cp osc.cast foreign.cast && chown nobody foreign.cast
  play --no-wait foreign.cast | matches -a ']52;' && fail "a file of another user plays without --safe"
fi

# --stream e: the stderr of exec recordings
printf '%s\n' '{"version": 2, "width": 20, "height": 3}' '[0.1, "o", "out\r\n"]' '[0.2, "e", "err\r\n"]' >e.cast
[ "$(play --no-wait --stream e e.cast)" = "$(printf 'err\r\n')" ] || fail "--stream e"

# timing: real time by default, faster with --speed, idle time capped
printf '%s\n' '{"version": 2, "width": 20, "height": 3}' '[0.2, "o", "a"]' '[5.0, "o", "b"]' >t.cast
s=$(date +%s%N); play -i 0.3 t.cast >/dev/null; e=$(date +%s%N)
ms=$(( (e - s) / 1000000 ))
[ "$ms" -ge 450 ] && [ "$ms" -lt 3000 ] || fail "-i 0.3 played 5 s in $ms ms"
s=$(date +%s%N); play -s 10 t.cast >/dev/null; e=$(date +%s%N)
ms=$(( (e - s) / 1000000 ))
[ "$ms" -ge 450 ] && [ "$ms" -lt 3000 ] || fail "-s 10 played 5 s in $ms ms"

# --follow: a recording being written is played as it grows, and play ends with it
"$RECAST" rec -q -c 'for i in 1 2 3 4; do echo live-line-$i; sleep 0.4; done' live.cast </dev/null >/dev/null &
rec_pid=$!
for i in $(seq 50); do [ -s live.cast ] && break; sleep 0.1; done
timeout 20 "$RECAST" play -f --no-wait live.cast >follow.out || fail "play -f did not end with the recording"
wait "$rec_pid"
for i in 1 2 3 4; do matches -a "live-line-$i" <follow.out || fail "--follow missed line $i: $(cat -A follow.out)"; done
"$RECAST" cat live.cast >live.cat
cmp -s follow.out live.cat || fail "--follow output differs from cat"

# --follow --at end: the screen as it is now, then what comes
"$RECAST" rec -q --cols 40 --rows 6 -c 'for i in 1 2 3 4 5 6 7 8; do echo edge-$i; sleep 0.3; done' edge.cast </dev/null >/dev/null &
rec_pid=$!
for i in $(seq 100); do grep -q edge-3 edge.cast 2>/dev/null && break; sleep 0.05; done
timeout 20 "$RECAST" play -f --no-wait --at end edge.cast >edge.out || fail "play -f --at end did not end"
wait "$rec_pid"
shows_cast_at edge.out edge.cast end
matches -a 'edge-8' <edge.out || fail "--follow --at end missed what came after the live edge"
# started at the edge: the first lines come in the painted screen, not one by one
[ "$(grep -a -c $'edge-1\r' edge.out)" = 0 ] || fail "--at end replayed the start: $(cat -A edge.out | head -5)"

# v3 (intervals) read from a keyframe's byte offset keeps its times
"$RECAST" convert --to v3 nor.cast v3.cast
for i in 1 2; do
  play --no-wait --keyframe-interval 65536 --at 75% --until 75% v3.cast >v3.out
  shows_cast_at v3.out v3.cast 75%
done

# Keys and terminal restoration through a real terminal.
require tmux
. "$HERE/pty.sh"
# 30 s: one line a second, a marker at 10 and 20
{
  echo '{"version": 2, "width": 60, "height": 10}'
  for i in $(seq 1 30); do
    echo "[$i, \"o\", \"tick $i\\r\\n\"]"
    [ $((i % 10)) = 0 ] && echo "[$i.5, \"m\", \"mark-$i\"]"
  done
  echo '[30.5, "o", "\u001b[?1049h\u001b[Halternate screen"]'
} >keys.cast
printf '%s\n' '{"version": 2, "width": 200, "height": 50}' '[0.1, "o", "wide"]' >wide.cast
printf '%s\n' '{"version": 2, "width": 20, "height": 5}' '[0.1, "o", "\u001b[?1049h\u001b[?25lgood"]' \
  '[0.2, "o", "more"]' '[0.3, "o", "bad' >bad.cast
# A recording that sets its own tab stops (tabs(1), every 4 columns), started past them.
TERM=xterm-256color tabs -4 | python3 -c 'import json, sys
print(json.dumps({"version": 2, "width": 40, "height": 6}))
print(json.dumps([0.1, "o", sys.stdin.read()]))
print(json.dumps([0.2, "o", "a\tb\r\n"]))' >tabs4.cast
printf '%s\n' '{"version": 2, "width": 40, "height": 6}' '[0.1, "o", "hello\r\n"]' >plain.cast
cat >driver.sh <<DRIVER
stty -g >"$WORK/stty.before"
# The viewer's own tab stops (every 4) stay after a recording that sets none; after
# one that sets its own, they are every 8 columns (as a reset leaves them).
TERM=xterm-256color tabs -4
"$RECAST" play "$WORK/plain.cast"
printf 'own\tstops\n'
while [ ! -e "$WORK/own.seen" ]; do sleep 0.1; done
"$RECAST" play --at 50% "$WORK/tabs4.cast"
printf 'tab\tcheck\n'
while [ ! -e "$WORK/tabs.seen" ]; do sleep 0.1; done
# the end of the file, then an error in it: the terminal comes back both times
"$RECAST" play "$WORK/wide.cast" 2>"$WORK/wide.err"
stty -g >"$WORK/stty.end"
"$RECAST" play "$WORK/bad.cast" 2>"$WORK/bad.err"
echo "status=\$?" >"$WORK/bad.status"
stty -g >"$WORK/stty.error"
# In the background of a shell without job control: still in the terminal's
# foreground group, and its pid known for the SIGTERM below.
"$RECAST" play "$WORK/keys.cast" &
echo \$! >"$WORK/play.pid"
wait \$!
echo "status=\$?" >"$WORK/play.status"
stty -g >"$WORK/stty.after"
sleep 30
DRIVER
tmux_start 80 12 "bash $WORK/driver.sh"
wait_for_text 'own +stops'
pane_text | matches -x 'own stops' || fail "the viewer's own tab stops were not kept: $(pane_text)"
touch "$WORK/own.seen"
wait_for_text 'tab +check'
pane_text | matches -x 'a   b' || fail "the recording's own tab stops were not in force: $(pane_text)"
pane_text | matches -x 'tab     check' || fail "tab stops not restored after playing: $(pane_text)"
touch "$WORK/tabs.seen"
wait_for_text 'tick 1'
cmp -s "$WORK/stty.before" "$WORK/stty.end" || fail "terminal modes not restored at the end of a file"
cmp -s "$WORK/stty.before" "$WORK/stty.error" || fail "terminal modes not restored after an error"
matches -x 'status=1' <"$WORK/bad.status" || fail "an error in the file: $(cat "$WORK/bad.status")"
matches 'error: .*bad.cast:4' "$WORK/bad.err" || fail "the error does not name file:line: $(cat "$WORK/bad.err")"
matches -F 'this terminal (80x12) is smaller than the recording (200x50)' "$WORK/wide.err" ||
  fail "no word about a terminal smaller than the recording: $(cat "$WORK/wide.err")"
keys t
wait_for_text '/ 0:30.*1x'
keys ' '
wait_for_text 'paused'
# A smaller window (SIGWINCH): said on the last row; larger again: the screen drawn
# again whole, with the status line on the new last row.
resize 50 8
wait_for_text 'this terminal \(50x8\) is smaller'
resize 80 12
wait_for_text '/ 0:30.*paused'
pane_text | matches -x 'tick 1' || fail "not drawn again after a resize: $(pane_text)"
keys ']'
wait_for_text 'marker: mark-10'
pane_text | matches 'tick 10' || fail "] did not show the screen at the marker: $(pane_text)"
pane_text | matches 'tick 11' && fail "] went past the marker"
keys ']'
wait_for_text 'marker: mark-20'
keys '['
wait_for_text 'marker: mark-10'
keys '.'
wait_for_text 'tick 11'
keys Right
wait_for_text 'tick 16'
keys Left Left
wait_for_text '0:0[6-7]'
keys '>'
wait_for_text 'tick (9|1[0-9])'
keys +
wait_for_text '2x'
keys t
sleep 0.3
pane_text | matches 'paused' && fail "t did not hide the status line"
keys '?'
wait_for_text 'space pause'
keys q
wait_for_file "$WORK/play.status"
matches -x 'status=0' <"$WORK/play.status" || fail "q: $(cat "$WORK/play.status")"
wait_for_file "$WORK/stty.after"
cmp -s "$WORK/stty.before" "$WORK/stty.after" || fail "terminal modes not restored after q"

# SIGTERM in the alternate screen: the terminal is restored too
rm -f "$WORK/stty.after" "$WORK/play.status" "$WORK/play.pid"
TMUX_SOCKET="$TMUX_SOCKET-2" # a second terminal; the first one goes at exit
tmux_start 80 12 "bash $WORK/driver.sh"
wait_for_text 'tick 1'
keys ' ' '>' '>' '>' '>' '>' '>' '>' '>' '>' '>' '>'
wait_for_text 'alternate screen'
kill -TERM "$(cat "$WORK/play.pid")"
wait_for_file "$WORK/stty.after"
matches -x 'status=143' <"$WORK/play.status" || fail "SIGTERM: $(cat "$WORK/play.status")"
cmp -s "$WORK/stty.before" "$WORK/stty.after" || fail "terminal modes not restored after SIGTERM"
sleep 0.3
pane_text | matches 'alternate screen' && fail "the alternate screen was left on after SIGTERM"
echo ok
