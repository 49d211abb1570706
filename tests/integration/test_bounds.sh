# Resource bounds (issue 14 F): what recast reads, holds and leaves behind is bounded
# whatever the input: a big v1 document in flat memory, endless inputs refused,
# long lines held one at a time across threads, convert -r kept inside its trees,
# temporary outputs removed on SIGINT/SIGTERM. Every run has a timeout, so a
# regression fails instead of hanging.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
require /usr/bin/time
require perl

# peak RSS in KiB of CMD... (its output to /dev/null); fails if CMD fails
peak_kib() {
  /usr/bin/time -f %M -o "$WORK/rss" timeout 60 "$@" >/dev/null || fail "$* failed"
  tail -n 1 "$WORK/rss"
}

# --- v1 streams: header keys after the frames, a document bigger than the spool's memory
perl -e '
  print "{\"version\": 1, \"stdout\": [";
  for my $i (0 .. 199999) { print ", " if $i; print "[0.001, \"line $i ", "abcdefghij" x 10, "\\r\\n\"]" }
  print "], \"width\": 100, \"height\": 30, \"title\": \"big\", \"env\": {\"TERM\": \"xterm\"}}\n"' >big.json
gzip -k big.json
timeout 60 "$RECAST" convert big.json.gz big.cast
head -n 1 big.cast | matches '"width": 100, "height": 30' || fail "v1: header keys after stdout lost: $(head -n 1 big.cast)"
head -n 1 big.cast | matches '"title": "big"' || fail "v1: title after stdout lost"
[ "$(wc -l <big.cast)" = 200001 ] || fail "v1: $(wc -l <big.cast) lines, expected 200001"
tail -n 1 big.cast | matches '^\[200\.0, "o", "line 199999 ' || fail "v1: last frame: $(tail -c 80 big.cast)"
kib=$(peak_kib "$RECAST" cat big.json.gz)
[ "$kib" -lt 80000 ] || fail "v1: cat of a $(stat -c %s big.json)-byte document took $kib KiB (not streamed?)"
# a cut document, a second stdout, endless blanks and zeros are errors, quickly
head -c 100000 big.json >cut.json
expect_fail 1 'ends early' timeout 20 "$RECAST" cat --from v1 cut.json
printf '{"version": 1, "stdout": [[0.1, "a"]], "stdout": []}' >two.json
expect_fail 1 'two "stdout"' timeout 20 "$RECAST" cat two.json
expect_fail 1 'not an object' timeout 20 "$RECAST" cat --from v1 /dev/zero
printf '{"version": 1, "stdout": [[0.1, "a"], ' >ws.json
( cat ws.json; head -c $((65 << 20)) /dev/zero | tr '\0' ' ' ) >ws2.json
expect_fail 1 'blank space' timeout 20 "$RECAST" cat --from v1 ws2.json
rm -f ws2.json big.json big.json.gz big.cast

# --- endless and zero inputs: decided within a bound, never taken for an empty recording
expect_fail 1 'error' timeout 20 "$RECAST" cat /dev/zero
expect_fail 1 'error' timeout 20 "$RECAST" convert /dev/zero z.cast
[ ! -e z.cast ] || fail "/dev/zero converted to something"
expect_fail 1 'error' timeout 20 sh -c "cat /dev/zero | '$RECAST' cat -"
head -c 100000 /dev/zero >zeros
expect_fail 1 'error' timeout 20 "$RECAST" convert zeros z.cast
expect_fail 1 'all empty: not a ttyrec' timeout 20 "$RECAST" convert --from ttyrec zeros z.cast
expect_fail 1 'empty frames in a row' timeout 20 "$RECAST" convert --from ttyrec /dev/zero z.cast
[ ! -e z.cast ] || fail "zeros converted to a cast"
# (not raw, nor script without a timing file, which is raw: a byte stream by request,
# `cat` of a live pipe included)
for f in v2 v3 tlog audit bsd-script sudo; do
  rc=0
  timeout 20 "$RECAST" cat --from "$f" /dev/zero >/dev/null 2>err || rc=$?
  [ "$rc" = 1 ] || fail "cat --from $f /dev/zero: status $rc (124: it never ended): $(head -c 300 err)"
done
# a real ttyrec is still one
"$RECAST" convert "$FIXTURES/ttyrec/hello-bold.ttyrec" hb.cast 2>err || fail "ttyrec fixture: $(cat err)"

# --- long lines: the decoding threads hold one at a time, not one each
perl -e 'print "{\"version\": 2, \"width\": 80, \"height\": 24}\n";
         for my $i (1 .. 6) { print "[$i.0, \"o\", \"", ("ab" x (12 << 20)), "\"]\n" }' >long.cast
kib=$(RECSSH_THREADS=4 peak_kib "$RECAST" cat long.cast)
# a line is 24 MiB; its read buffer and its decoded copy: ~70 MiB (before: 390 MiB)
[ "$kib" -lt 110000 ] || fail "long lines: cat with 4 threads took $kib KiB"
RECSSH_THREADS=4 timeout 60 "$RECAST" cat long.cast | cmp -s - <(timeout 60 env RECSSH_THREADS=1 "$RECAST" cat long.cast) ||
  fail "long lines: 4 threads and 1 disagree"
rm -f long.cast

# --- convert -r: links not followed, outputs only under OUTDIR, the sources' modes
mkdir -p tree/sub outside elsewhere outdir
cp "$FIXTURES/ttyrec/hello-bold.ttyrec" tree/open.ttyrec
cp "$FIXTURES/ttyrec/hello-bold.ttyrec" tree/private.ttyrec
chmod 600 tree/private.ttyrec
chmod 644 tree/open.ttyrec
cp "$FIXTURES/ttyrec/hello-bold.ttyrec" outside/secret.ttyrec
ln -s ../outside/secret.ttyrec tree/link.ttyrec
ln -s ../outside tree/linkdir
cp "$FIXTURES/ttyrec/hello-bold.ttyrec" tree/sub/x.ttyrec
ln -s ../elsewhere outdir/sub # an output subdirectory that leads out
rc=0
(umask 022; timeout 20 "$RECAST" convert -r tree -o outdir) 2>err || rc=$?
[ "$rc" = 1 ] || fail "convert -r: status $rc (the symlinked output directory must fail): $(cat err)"
matches 'link.ttyrec: a symbolic link' err || fail "no warning for a symlinked file: $(cat err)"
matches 'linkdir: a symbolic link' err || fail "no warning for a symlinked directory: $(cat err)"
matches -F 'outdir/sub is not a directory (a symbolic link?)' err || fail "output through a symlink: $(cat err)"
[ -z "$(ls -A elsewhere)" ] || fail "convert -r wrote outside OUTDIR: $(ls -A elsewhere)"
[ ! -e outdir/link.cast ] && [ ! -e outdir/linkdir ] || fail "a symlinked input was converted"
[ "$(stat -c %a outdir/private.cast)" = 600 ] || fail "a 0600 source gave $(stat -c %a outdir/private.cast)"
[ "$(stat -c %a outdir/open.cast)" = 644 ] || fail "a 0644 source gave $(stat -c %a outdir/open.cast)"
# a recording directory with a link in it (a sudo log whose ttyout leads elsewhere)
mkdir -p tree2
cp -r "$FIXTURES/sudo/io/00/00/01" tree2/s1
rm tree2/s1/ttyout && ln -s ../../outside/secret.ttyrec tree2/s1/ttyout
rc=0
timeout 20 "$RECAST" convert -r tree2 -o outdir2 2>err || rc=$?
matches 's1: holds a symbolic link' err || fail "a sudo directory with a link was converted: $(cat err)"
[ ! -e outdir2/s1.cast ] || fail "a sudo directory with a link was converted"
# single conversions keep the mode too
"$RECAST" convert tree/private.ttyrec one.cast
[ "$(stat -c %a one.cast)" = 600 ] || fail "convert of a 0600 source gave $(stat -c %a one.cast)"

# --- SIGINT and SIGTERM during a conversion remove its temporary output
for sig in INT TERM; do
  rm -f fifo && mkfifo fifo
  mkdir -p sigout
  (printf 'line one\nline two\n%0600d\n' 0; sleep 10) >fifo &
  feeder=$!
  rc=0
  timeout -s "$sig" 2 "$RECAST" convert --from raw fifo sigout/s.cast 2>err || rc=$?
  kill "$feeder" 2>/dev/null || true
  wait "$feeder" 2>/dev/null || true
  [ "$rc" = 124 ] || fail "SIG$sig: convert ended with $rc before the signal: $(cat err)"
  [ -z "$(ls -A sigout)" ] || fail "SIG$sig left $(ls -A sigout) behind"
done
# --- rotate --dry-run only reads: no lock, journal or state directory, and it works
# where nothing can be written (a read-only bind mount, an immutable directory, when
# the system lets this test make them; the unprivileged user is in test_archive.sh)
old=$(date -d '-5 days' +%Y-%m-%d)
mkdir -p "R/$old"
printf '{"version": 2, "width": 80, "height": 24}\n[0.1, "o", "x"]\n' >"R/$old/090000-d.cast"
touch -d '-5 days' "R/$old/090000-d.cast"
export RECSSH_ROTATE_STATE_DIR="$WORK/state"
dry() { timeout 20 "$RECAST" rotate --dry-run --retain 2d --compress-after 1d --merge-daily --min-age 0 R; }
ls -laR R >before
dry >dry.log 2>&1 || fail "dry run on a writable tree: $(cat dry.log)"
matches "would delete R/$old/090000-d.cast" dry.log || fail "dry run: $(cat dry.log)"
ls -laR R >after
cmp -s before after || fail "a dry run changed the tree: $(diff before after)"
[ ! -e "$WORK/state" ] || fail "a dry run created rotate's state directory"
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
  unshare -m sh -c "mount --bind -o ro R R && '$RECAST' rotate --dry-run --retain 2d --merge-daily --compress-after 1d --min-age 0 R" \
    >ro.log 2>&1 || fail "dry run on a read-only bind mount: $(cat ro.log)"
  matches "would delete R/$old/090000-d.cast" ro.log || fail "read-only dry run: $(cat ro.log)"
fi
if chattr +i "R/$old" 2>/dev/null; then
  at_exit "chattr -i '$WORK/R/$old'"
  dry >imm.log 2>&1 || { chattr -i "R/$old"; fail "dry run on an immutable directory: $(cat imm.log)"; }
  chattr -i "R/$old"
  matches "would delete R/$old/090000-d.cast" imm.log || fail "immutable dry run: $(cat imm.log)"
fi
echo ok
