# recast append, merge and rotate: exact times, markers and sizes; nothing lost or
# duplicated when rotate is killed at any point; full disk; locks.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
export RECSSH_SYSTEM_CONFIG="$WORK/none" HOME="$WORK/home"
mkdir -p "$HOME"

# cast FILE TIMESTAMP SIZE USER TARGET "t1 text1" "t2 text2" ...: a small v2 cast.
cast() {
  local f=$1 ts=$2 size=$3 user=$4 target=$5; shift 5
  printf '{"version": 2, "width": %s, "height": %s, "timestamp": %s, "recssh": {"user":"%s","target":"%s"}}\n' \
    "${size%x*}" "${size#*x}" "$ts" "$user" "$target" >"$f"
  local ev
  for ev in "$@"; do printf '[%s, "o", "%s\\r\\n"]\n' "${ev%% *}" "${ev#* }" >>"$f"; done
}

# --- append -------------------------------------------------------------------------
cast base.cast 1000 80x24 u h "0.5 one" "1.5 two"
cast more.cast 1010 100x30 u h "0.25 three" "1.0 four"
cp base.cast base.orig
"$RECAST" append base.cast more.cast 2>/dev/null
sha=$(sha256sum more.cast | cut -d' ' -f1)
cat >want <<EOF2
[3.5, "m", "recssh: join: more.cast sha256=$sha"]
[3.5, "r", "100x30"]
[3.5, "o", "three\r\n"]
[4.25, "o", "four\r\n"]
EOF2
# default gap: real gap (1010.25 - 1001.5 = 8.75 s) capped at 2 s
tail -n 4 base.cast | cmp - want || fail "append: $(diff want <(tail -n 4 base.cast))"
head -n 3 base.cast | cmp - base.orig || fail "append changed BASE's existing bytes"
cp base.orig b2.cast; "$RECAST" append --gap keep b2.cast more.cast 2>/dev/null
grep -q '^\[10.25, "o", "three' b2.cast || fail "--gap keep: $(cat b2.cast)"
cp base.orig b3.cast; "$RECAST" append --gap drop b3.cast more.cast 2>/dev/null
grep -q '^\[1.5, "o", "three' b3.cast || fail "--gap drop"
cp base.orig b4.cast; "$RECAST" append --gap cap:0.5 b4.cast more.cast more.cast 2>/dev/null
grep -q '^\[2.0, "o", "three' b4.cast || fail "--gap cap:0.5: $(cat b4.cast)"
[ "$(grep -c '"m", "recssh: join' b4.cast)" = 2 ] || fail "two MOREs, two join markers"
"$RECAST" validate b4.cast >/dev/null || fail "appended cast invalid"
# a crashed recorder's BASE without a final newline is repaired
cast nl.cast 1000 80x24 u h "0.5 one"; printf '[0.7, "o", "x"]' >>nl.cast
"$RECAST" append nl.cast more.cast 2>/dev/null
"$RECAST" validate nl.cast >/dev/null || fail "newline repair: $(cat nl.cast)"
grep -q '^\[0.7, "o", "x"\]$' nl.cast || fail "the unterminated last line was lost"
# v1 refused, locked BASE refused, .gz supported
printf '{"version": 1, "width": 80, "height": 24, "duration": 1, "stdout": [[0.5, "a"]]}' >v1.json
expect_fail 1 'v1 .*cannot be appended to' "$RECAST" append v1.json more.cast
cp base.orig gz.cast && gzip gz.cast
"$RECAST" append gz.cast.gz more.cast 2>/dev/null
[ "$("$RECAST" cat gz.cast.gz | tr -d '\r')" = "$(printf 'one\ntwo\nthree\nfour')" ] || fail "append to .gz"
cp base.orig lk.cast
flock lk.cast sleep 2 &
sleep 0.3
expect_fail 1 'locked' "$RECAST" append lk.cast more.cast
wait
# BASE is never half-written: a full disk leaves it as it was
cp base.orig full.cast
big=$(printf 'x%.0s' $(seq 3000))
cast bigmore.cast 1010 80x24 u h "0.1 $big" "0.2 $big"
rc=0; (ulimit -f 4; "$RECAST" append full.cast bigmore.cast 2>err) || rc=$?
[ "$rc" != 0 ] || fail "append into a full disk succeeded"
cmp full.cast base.orig || fail "a failed append changed BASE"
ls -a | grep -q '\.full\.cast\.tmp' && fail "a failed append left its temporary file"

# --- merge --------------------------------------------------------------------------
mkdir m
cast m/c.cast 1020 80x24 u h "0.1 third"
cast m/a.cast 1000 80x24 u h "0.2 first" "1.0 first-end"
cast m/b.cast 1003 90x20 u h "0.5 second"
"$RECAST" merge -o merged.cast m 2>/dev/null
"$RECAST" validate merged.cast >/dev/null || fail "merged cast invalid"
[ "$("$RECAST" cat merged.cast | tr -d '\r' | grep -v $'^\x1b')" = "$(printf 'first\nfirst-end\nsecond\nthird')" ] || fail "merge order"
grep -q '^\[0.2, "o", "first' merged.cast || fail "the first input keeps its times"
# a: ends 1001.0; b starts 1003.5: real gap 2.5 s (no idle limit: kept)
grep -q '^\[3.5, "o", "second' merged.cast || fail "merge gap: $(cat merged.cast)"
grep -q '^\[3.5, "r", "90x20"\]' merged.cast || fail "merge resize"
grep -q '^\[3.5, "o", "\\u001b\[0m' merged.cast || fail "merge terminal reset"
# c starts 1020.1, b ends 1003.5: 16.6 s
grep -q '^\[20.1, "o", "third' merged.cast || fail "merge second gap"
[ "$(grep -c 'recssh: join: ' merged.cast)" = 3 ] || fail "one join marker per input"
grep -q "recssh: join: b.cast sha256=$(sha256sum m/b.cast | cut -d' ' -f1)" merged.cast || fail "join marker sha256"
expect_fail 1 'file exists' "$RECAST" merge -o merged.cast m
# overlap
cast o1.cast 1000 80x24 u h "0.1 a" "10 a-end"
cast o2.cast 1005 80x24 u h "0.1 b"
expect_fail 1 'overlapping sessions' "$RECAST" merge -o ov.cast o1.cast o2.cast
"$RECAST" merge --allow-overlap -o ov.cast o1.cast o2.cast 2>ov.err
grep -q 'overlap' ov.err || fail "an allowed overlap is not reported"
grep -q '^\[10.0, "o", "b' ov.cast || fail "overlapping session not placed after: $(cat ov.cast)"
# 1,000 small casts
mkdir many
for i in $(seq 1000); do
  printf '{"version": 2, "width": 80, "height": 24, "timestamp": %d}\n[0.5, "o", "line-%d\\n"]\n' $((2000 + i * 2)) "$i" >many/$i.cast
done
"$RECAST" merge --gap keep -o many.cast many 2>/dev/null
[ "$("$RECAST" cat many.cast | grep -c '^line-')" = 1000 ] || fail "1000-file merge lost lines"
"$RECAST" cat many.cast | grep '^line-' | cmp - <(seq 1000 | sed 's/^/line-/') || fail "1000-file merge order"
grep -q '^\[1998.5, "o", "line-1000' many.cast || fail "1000-file merge times: $(tail -n 2 many.cast)"

# --- rotate -------------------------------------------------------------------------
yday=$(date -d '-1 day' +%Y-%m-%d)
old=$(date -d '-3 days' +%Y-%m-%d)
make_tree() { # a ROOT with yesterday's sessions (2 users), an old day, and today
  rm -rf R; mkdir -p "R/$yday" "R/$old" "R/$(date +%Y-%m-%d)"
  cast "R/$yday/100000-a.cast" 1000 80x24 alice db1 "0.1 alice-db1-1"
  cast "R/$yday/110000-b.cast" 4600 80x24 alice db1 "0.1 alice-db1-2" "0.3 alice-db1-2b"
  cast "R/$yday/120000-c.cast" 8200 80x24 bob db1 "0.1 bob-db1-1"
  cast "R/$old/090000-d.cast" 500 80x24 bob web "0.1 bob-web-old"
  cast "R/$(date +%Y-%m-%d)/080000-e.cast" 9000 80x24 bob web "0.1 bob-web-today"
  touch -d '-26 hours' R/"$yday"/*
  touch -d '-3 days' R/"$old"/*
  touch -d '-2 hours' R/"$(date +%Y-%m-%d)"/*
}
all_lines() { find R -name '*.cast*' -type f | sort | while read -r f; do "$RECAST" cat "$f"; done | tr -d '\r' | grep -v $'^\x1b' | sort; }
make_tree
all_lines >before
"$RECAST" rotate R --merge-daily --compress-after 1d --min-age 0 >log || fail "rotate failed: $(cat log)"
all_lines >after
cmp before after || fail "rotate lost or duplicated events: $(diff before after)"
[ -f "R/$yday/daily-alice-db1.cast.gz" ] || fail "no daily merge for alice@db1: $(find R)"
[ ! -e "R/$yday/100000-a.cast" ] || fail "merged input not removed"
[ -f "R/$yday/120000-c.cast.gz" ] || fail "a single session was not compressed"
[ -f "R/$(date +%Y-%m-%d)/080000-e.cast" ] || fail "today's recording was touched"
[ -f "R/$old/090000-d.cast.gz" ] || fail "old recording not compressed"
[ "$(stat -c %Y "R/$old/090000-d.cast.gz")" -lt "$(date -d '-2 days' +%s)" ] || fail "compression reset the file's age"
find R -type f | sort | xargs ls -l >state1
"$RECAST" rotate R --merge-daily --compress-after 1d --min-age 0 >log2
find R -type f | sort | xargs ls -l >state2
cmp state1 state2 || fail "a second rotate changed something: $(diff state1 state2)"
grep -q 'done: 0 merged (0 inputs), 0 compressed, 0 deleted' log2 || fail "second run log: $(cat log2)"
# retention, dry run, recent and locked files
make_tree
"$RECAST" rotate R --retain 2d --compress-after 1d --merge-daily --min-age 0 --dry-run >dry
find R -type f | sort | xargs ls -l >s1
make_tree
find R -type f | sort | xargs ls -l >s2
grep -q "would delete R/$old/090000-d.cast" dry || fail "dry run does not list the deletion: $(cat dry)"
"$RECAST" rotate R --retain 2d --min-age 0 >log3
[ ! -e "R/$old" ] || fail "retention did not remove the old day"
[ -f "R/$yday/100000-a.cast" ] || fail "retention removed a young file"
make_tree
touch "R/$yday/100000-a.cast"
"$RECAST" rotate R --compress-after 1d >log4  # default min-age 60 s: the fresh file is left alone
[ -f "R/$yday/100000-a.cast" ] || fail "a file modified a moment ago was compressed"
make_tree
flock "R/$yday/110000-b.cast" sleep 3 &
sleep 0.3
"$RECAST" rotate R --compress-after 1d --merge-daily --min-age 0 >log5 || true
grep -q "skip (locked: being recorded) R/$yday/110000-b.cast" log5 || fail "locked file not reported: $(cat log5)"
[ -f "R/$yday/110000-b.cast" ] || fail "a locked recording was touched"
# a real recorder still writing into the tree is left alone (its lock), and the policy
# can come from the config file
make_tree
"$RECAST" rec -q -c 'echo live; sleep 3' "R/$yday/130000-live.cast" </dev/null >/dev/null &
recpid=$!
sleep 0.5
printf 'compress-after = 1d\nmerge-daily = yes\n' >"$WORK/rot.conf"
RECSSH_SYSTEM_CONFIG="$WORK/rot.conf" "$RECAST" rotate R --min-age 0 >log6 || fail "rotate with config failed: $(cat log6)"
grep -q "skip (locked: being recorded) R/$yday/130000-live.cast" log6 || fail "live recording not skipped: $(cat log6)"
[ -f "R/$yday/daily-alice-db1.cast.gz" ] || fail "config policy (merge-daily, compress-after) not applied: $(cat log6)"
wait "$recpid"
"$RECAST" validate "R/$yday/130000-live.cast" >/dev/null || fail "the live recording was damaged"
printf 'retain = forever\n' >"$WORK/bad.conf"
RECSSH_SYSTEM_CONFIG="$WORK/bad.conf" expect_fail 2 "retain: 'forever' is not an age" "$RECAST" rotate R

# two rotations at once
exec 9>R/.recast-rotate.lock; flock 9
expect_fail 1 'another recast rotate is running' "$RECAST" rotate R --compress-after 1d
exec 9>&-
wait

# killed at every point, a rerun completes or rolls back: every event exactly once
for point in merge-staged merge-journaled merge-renamed merge-removed-one compress-written; do
  make_tree
  all_lines >before
  rc=0; RECSSH_ROTATE_CRASH_AT=$point "$RECAST" rotate R --merge-daily --compress-after 1d --min-age 0 >/dev/null 2>&1 || rc=$?
  [ "$rc" = 137 ] || fail "crash point $point was not reached (exit $rc)"
  "$RECAST" rotate R --merge-daily --compress-after 1d --min-age 0 >rlog || fail "rerun after $point failed: $(cat rlog)"
  all_lines >after
  cmp before after || fail "after a kill at $point: $(diff before after)"
  [ ! -e R/.recast-rotate.journal ] || fail "journal left after recovery ($point)"
  [ -z "$(find R -name '.*' -type f ! -name '.recast-rotate.lock')" ] || fail "temporary files left after $point: $(find R -name '.*')"
done

# a full disk: clear error, inputs untouched
make_tree
cast "R/$yday/100000-a.cast" 1000 80x24 alice db1 "0.1 $big" "0.2 $big"
touch -d '-26 hours' "R/$yday/100000-a.cast"
find R -type f | sort | xargs sha256sum >sums
rc=0; (ulimit -f 4; "$RECAST" rotate R --merge-daily --min-age 0 >flog 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "rotate on a full disk exited $rc: $(cat flog)"
grep -q 'error: merge into .* failed, inputs untouched' flog || fail "no clear error: $(cat flog)"
sha256sum -c --quiet sums || fail "inputs changed on a full disk"
echo ok
