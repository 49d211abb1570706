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
ls -a | matches '\.full\.cast\.tmp' && fail "a failed append left its temporary file"

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
[ ! -e R/.recast-rotate.lock ] || fail "a dry run created the lock file"
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
  [ -z "$(find R -name '.recast-rotate.inputs.*')" ] || fail "a merge's view of its inputs left after $point"
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
# --- root rotating a root where users write (a bastion's 1733 /var/log/recssh) ------
# The users are nobody (65534) and a uid without a passwd entry (65533), via setpriv.
# Everything lives in a scratch directory they can reach; the state of a shared root
# goes to RECSSH_ROTATE_STATE_DIR (root's), never into the root.
require setpriv
as_user() { local uid=$1; shift; setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"; }
S=$(mktemp -d /tmp/recssh-shared.XXXXXX)
at_exit "rm -rf '$S'"
chmod 755 "$S"
cp "$RECAST" "$S/recast" && chmod 755 "$S/recast"  # reachable by the users
export RECSSH_ROTATE_STATE_DIR="$S/state"
fresh_shared() { rm -rf "$S/J" "$S/state"; mkdir -m 1733 "$S/J"; J="$S/J"; }
# stopped PID: wait until a process stopped itself (RECSSH_ROTATE_STOP_AT)
stopped() {
  local i
  for i in $(seq 100); do
    case $(ps -o stat= -p "$1" 2>/dev/null) in T*) return 0 ;; esac
    sleep 0.1
  done
  fail "rotate never reached its stop point"
}

# A1: a journal a user wrote is never acted on (it used to make root unlink any path)
fresh_shared
echo keep >"$S/important.conf"
as_user 65534 sh -c "printf 'merge $J/x.cast\\nstaging /nope\\ninput $S/important.conf\\n' >'$J/.recast-rotate.journal'"
rc=0; "$RECAST" rotate --retain 90d "$J" >a1 2>&1 || rc=$?
[ -f "$S/important.conf" ] || fail "A1: rotate removed a path named by a user's journal: $(cat a1)"
grep -q "note: ignoring $J/.recast-rotate.journal" a1 || fail "A1: the planted journal is not reported: $(cat a1)"
[ "$rc" = 0 ] || fail "A1: a planted journal made rotate fail ($rc): $(cat a1)"
[ -f "$J/.recast-rotate.journal" ] || fail "A1: rotate removed the user's file"
# ... nor is a journal in rotate's own place that is not rotate's (a private root)
make_tree
ino=$(stat -c '%d %i' "R/$old/090000-d.cast")
printf 'recast-rotate-journal 2\ndir %s\nmerge daily-x.cast\nstaging .daily-x.cast.staging.cast\ninput %s 090000-d.cast\n' \
  "$old" "$ino" >R/.recast-rotate.journal
chown 65534 R/.recast-rotate.journal
rc=0; "$RECAST" rotate R --min-age 0 >a1b 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "A1: a journal of someone else's was not an error ($rc): $(cat a1b)"
grep -q "error: R/.recast-rotate.journal: not written by this rotate" a1b || fail "A1: $(cat a1b)"
[ -f "R/$old/090000-d.cast" ] || fail "A1: a foreign journal was acted on"
chown 0 R/.recast-rotate.journal  # now ours: acted on (the merge was renamed into place)
cp "R/$old/090000-d.cast" "R/$old/daily-x.cast"
"$RECAST" rotate R --min-age 0 >a1c 2>&1 || fail "A1: a valid journal failed: $(cat a1c)"
[ ! -e "R/$old/090000-d.cast" ] || fail "A1: a valid journal was not recovered: $(cat a1c)"
printf 'recast-rotate-journal 2\ndir ../..\nmerge x.cast\nstaging .x.cast.staging.cast\n' >R/.recast-rotate.journal
rc=0; "$RECAST" rotate R --min-age 0 >a1d 2>&1 || rc=$?
grep -q "invalid journal: dir '../..'" a1d || fail "A1: a journal leaving the root was accepted: $(cat a1d)"

# A2: a user's lock file in the root blocks nothing
fresh_shared
mkdir "$J/$old" && cast "$J/$old/090000-d.cast" 500 80x24 bob web "0.1 x" && touch -d '-3 days' "$J/$old/090000-d.cast"
as_user 65534 flock "$J/.recast-rotate.lock" sleep 10 &
holder=$!
sleep 0.5
"$RECAST" rotate --retain 2d --min-age 0 "$J" >a2 2>&1 || fail "A2: a user's lock stopped rotate: $(cat a2)"
[ ! -e "$J/$old/090000-d.cast" ] || fail "A2: retention did not run: $(cat a2)"
[ -f "$S/state/"*/lock ] || fail "A2: no lock in the state directory: $(find "$S/state")"
[ "$(stat -c %a "$(dirname "$S/state/"*/lock)")" = 700 ] || fail "A2: the state directory is not private"
kill "$holder"; wait "$holder" 2>/dev/null || true

# A3: a user swaps their directory for a symlink between rotate's check and its
# action; rotate holds the directory, so nothing outside it is touched
for point in retain-checked compress-checked; do
  policy="--retain 2d"; [ "$point" = retain-checked ] || policy="--compress-after 1d"
  fresh_shared
  mkdir "$J/$old" "$S/decoy"
  cast "$J/$old/090000-d.cast" 500 80x24 u web "0.1 users"
  cast "$S/decoy/090000-d.cast" 500 80x24 u web "0.1 decoy"
  touch -d '-3 days' "$J/$old/090000-d.cast"
  chown -R 65534:65534 "$J/$old"
  RECSSH_ROTATE_STOP_AT=$point "$RECAST" rotate $policy --min-age 0 "$J" >a3 2>&1 &
  rpid=$!
  stopped "$rpid"
  as_user 65534 sh -c "mv '$J/$old' '$J/moved' && ln -s '$S/decoy' '$J/$old'"
  kill -CONT "$rpid"
  wait "$rpid" || true
  [ -f "$S/decoy/090000-d.cast" ] || fail "A3 ($point): rotate removed a file outside the root: $(cat a3)"
  [ -z "$(ls "$S/decoy" | grep -v '^090000-d.cast$')" ] || fail "A3 ($point): rotate wrote outside the root: $(ls -a "$S/decoy")"
  rm -rf "$S/decoy"
done
# ... and the same while merging: the day directory is swapped after the daily file is
# staged; the inputs are removed through the held directory, not by name
fresh_shared
mkdir "$J/$yday" "$S/decoy"
for n in 100000-a 110000-b; do
  cast "$J/$yday/$n.cast" 500 80x24 u web "0.1 user-$n"
  cast "$S/decoy/$n.cast" 500 80x24 u web "0.1 decoy-$n"
done
touch -d '-26 hours' "$J/$yday"/*
chown -R 65534:65534 "$J/$yday"
RECSSH_ROTATE_STOP_AT=merge-staged "$RECAST" rotate --merge-daily --min-age 0 "$J" >a3m 2>&1 &
rpid=$!
stopped "$rpid"
as_user 65534 sh -c "mv '$J/$yday' '$J/moved' && ln -s '$S/decoy' '$J/$yday'"
kill -CONT "$rpid"
wait "$rpid" || true
for n in 100000-a 110000-b; do
  grep -q "decoy-$n" "$S/decoy/$n.cast" 2>/dev/null || fail "A3 (merge): rotate removed or changed $S/decoy/$n.cast: $(cat a3m)"
done
[ "$(ls -A "$S/decoy" | wc -l)" = 2 ] || fail "A3 (merge): rotate wrote outside the root: $(ls -a "$S/decoy")"
[ -f "$J/moved/daily-nobody-web.cast" ] && [ ! -e "$J/moved/100000-a.cast" ] ||
  fail "A3 (merge): the merge did not finish in the directory it held: $(cat a3m; ls -a "$J/moved")"
rm -rf "$S/decoy"

# A4: headers are not identity: a user's day directory claiming alice makes that
# user's daily file; another owner's file in it is not merged in
fresh_shared
D="$J/$yday"
mkdir "$D"
cast "$D/100000-a.cast" 1000 80x24 alice db1 "0.1 forged-1"
cast "$D/110000-b.cast" 4600 80x24 alice db1 "0.1 forged-2"
cast "$D/120000-c.cast" 8200 80x24 alice db1 "0.1 other-owner"
chown -R 65534:65534 "$D"
chown 65533:65533 "$D/120000-c.cast"
touch -d '-26 hours' "$D"/*
rc=0; "$RECAST" rotate --merge-daily --min-age 0 "$J" >a4 2>&1 || rc=$?
[ -z "$(find "$J" -name 'daily-alice*')" ] || fail "A4: a forged header made alice's daily file: $(find "$J")"
[ -f "$D/daily-nobody-db1.cast" ] || fail "A4: no daily file for the owner: $(cat a4; find "$J")"
[ "$(stat -c %u "$D/daily-nobody-db1.cast")" = 65534 ] || fail "A4: the daily file is not the owner's"
grep -q other-owner "$D/daily-nobody-db1.cast" && fail "A4: another owner's file went into the daily file"
[ -f "$D/120000-c.cast" ] || fail "A4: another owner's file was consumed"
grep -q "error: skip $D/120000-c.cast: owned by uid 65533" a4 || fail "A4: the foreign file is not reported: $(cat a4)"
[ "$rc" = 1 ] || fail "A4: a refused file is not an error ($rc)"
# user layout: ROOT/alice made by someone else than alice is not alice's
fresh_shared
mkdir -p "$J/alice/shell"
cast "$J/alice/shell/s.cast" 500 80x24 alice web "0.1 squat"
touch -d '-3 days' "$J/alice/shell/s.cast"
chown -R 65534:65534 "$J/alice"
rc=0; "$RECAST" rotate --retain 2d --min-age 0 "$J" >a4b 2>&1 || rc=$?
grep -q "error: skip $J/alice and everything in it: owned by nobody, not by the user it is named after" a4b ||
  fail "A4: a squatted user directory is not refused: $(cat a4b)"

# A5: a user's directory others can write to is not acted in; a recorder makes its
# own private again; --append never replaces a symlink
fresh_shared
mkdir -m 777 "$J/$old"
cast "$J/$old/090000-d.cast" 500 80x24 u web "0.1 x"
touch -d '-3 days' "$J/$old/090000-d.cast"
chown -R 65534:65534 "$J/$old"; chmod 777 "$J/$old"
rc=0; "$RECAST" rotate --retain 2d --min-age 0 "$J" >a5 2>&1 || rc=$?
[ -f "$J/$old/090000-d.cast" ] || fail "A5: rotate acted inside a directory anyone can write to"
grep -q "error: skip $J/$old and everything in it: writable by others (mode 777)" a5 || fail "A5: $(cat a5)"
today=$(date +%Y-%m-%d)
as_user 65534 mkdir -m 777 "$J/$today"
as_user 65534 chmod 777 "$J/$today"
RECSSH_SYSTEM_CONFIG="$S/none" HOME="$S" as_user 65534 "$S/recast" rec -q --dir "$J" -c true </dev/null >/dev/null 2>a5r || fail "A5: rec: $(cat a5r)"
[ "$(stat -c %a "$J/$today")" = 700 ] || fail "A5: the recorder left its directory $(stat -c %a "$J/$today")"
cast real.cast 1000 80x24 u h "0.5 one"
cp real.cast real.orig
ln -sf real.cast link.cast
expect_fail 1 'link.cast is a symlink' "$RECAST" rec -q --append -c true link.cast
[ -L link.cast ] && cmp -s real.cast real.orig || fail "A5: rec --append through a symlink changed the link or its target"
cast more2.cast 1010 80x24 u h "0.1 two"
expect_fail 1 'link.cast is a symlink' "$RECAST" append link.cast more2.cast
[ -L link.cast ] && cmp -s real.cast real.orig || fail "A5: append through a symlink changed the link or its target"

# F: a dry run only reads: it works on an archive the user cannot write, creates nothing
chmod 711 "$WORK"
make_tree
chmod -R a+rX R
rm -f R/.recast-rotate.lock
env -u RECSSH_ROTATE_STATE_DIR -u XDG_STATE_HOME HOME="$S/nohome" setpriv --reuid=65534 --regid=65534 --clear-groups \
  "$S/recast" rotate --dry-run --retain 2d --merge-daily --compress-after 1d --min-age 0 R \
  >dryro 2>&1 || fail "a dry run on a read-only archive failed: $(cat dryro)"
grep -q "would delete R/$old/090000-d.cast" dryro || fail "read-only dry run: $(cat dryro)"
grep -q "would merge 2 recordings into R/$yday/daily-alice-db1.cast" dryro || fail "read-only dry run: $(cat dryro)"
[ ! -e R/.recast-rotate.lock ] && [ ! -e "$S/nohome" ] || fail "a dry run created files"
echo ok
