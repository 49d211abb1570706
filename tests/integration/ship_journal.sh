# Part of test_ship.sh, sourced at its end (moto running, its signature checks off):
# the shipped journal, `recast ship --status`, rotate --ship / --require-shipped with
# the server down then up, and `ship = on-close` after a `recast rec` session and after
# recssh to the test sshd.

# --- --status: from the journal, without the network ------------------------------
flock "$ROOT/$DAY/141500-locked.cast" true # its recorder (sleep 30) is done
touch "$ROOT/$DAY/131500-young.cast"
# A failure is journaled with its error (its own target: the recording stays shipped to fleet).
"$RECAST" ship "$ROOT/$DAY/101500-db1.cast" --to s3://nobucket/x --retries 1 >/dev/null 2>&1 && fail "nobucket shipped"
rc=0; "$RECAST" ship "$ROOT" --to s3://recs/fleet --host bastion1 >out 2>err || rc=$?
[ "$rc" = 3 ] && matches '1 uploaded, 4 already there, 1 conflicts, 1 pending' err || fail "catch-up run ($rc): $(cat err)"
"$RECAST" ship --status "$ROOT" --to s3://recs/fleet >out 2>err || fail "--status: $(cat err)"
matches "101500-db1.cast: shipped: s3://recs/fleet/bastion1/$DAY/101500-db1.cast\$" out &&
  matches "121500-db3.cast.gz: shipped: s3://recs/fleet/bastion1/$DAY/121500-db3.cast.gz\$" out &&
  matches "141500-locked.cast: shipped: " out &&
  matches -E "151500-c.cast: conflict: s3://recs/fleet/bastion1/$DAY/151500-c.conflict-[0-9a-f]{12}.cast\$" out &&
  matches "131500-young.cast: pending: written to less than 60 s ago" out || fail "--status: $(cat out)"
"$RECAST" ship --status "$ROOT/$DAY/101500-db1.cast" --to s3://nobucket/x >out || fail "--status failed"
matches "101500-db1.cast: failed: .*the bucket 'nobucket' does not exist" out || fail "--status, failed: $(cat out)"
"$RECAST" ship --status "$ROOT" --to s3://recs/fleet --json >out || fail "--status --json"
python3 - out <<'PY' || fail "--status --json: $(cat out)"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
states = sorted(r["state"] for r in rows)
assert states == ["conflict", "pending", "shipped", "shipped", "shipped", "shipped", "shipped"], states
assert all(r["target"] == "s3://recs/fleet" and r["key"].startswith("fleet/bastion1/") for r in rows if r["state"] == "shipped")
PY
# A recording changed after it was shipped is pending again, and shipped again.
CHG=$WORK/chg/$DAY
mkdir -p "$CHG"
cast "$CHG/090000-chg.cast" before
"$RECAST" ship "$CHG/090000-chg.cast" --to s3://recs/chg >/dev/null 2>&1 || fail "chg: first ship"
printf '[1.0, "o", "more"]\n' >>"$CHG/090000-chg.cast"
"$RECAST" ship --status "$CHG/090000-chg.cast" --to s3://recs/chg >out && matches 'pending: changed since it was shipped' out ||
  fail "a changed recording: $(cat out)"
# A line torn by a crash is ignored, and the next line written after it is whole.
printf 'S1 1795000000 shipped 42 4' >>"$J"
rc=0; "$RECAST" ship "$CHG/090000-chg.cast" --to s3://recs/chg --min-age 0 >out 2>err || rc=$?
[ "$rc" = 3 ] && matches 'conflict' err || fail "changed recording: not a conflict ($rc): $(cat err)"
"$RECAST" ship --status "$CHG/090000-chg.cast" --to s3://recs/chg >out && matches 'conflict: s3://recs/chg/' out ||
  fail "after a torn line: $(cat out) $(tail -3 "$J" | cat -A)"
[ "$(tail -c 1 "$J" | od -An -c | tr -d ' ')" = '\n' ] || fail "the journal does not end a line"

# --- the server down: a run over what is shipped still succeeds, asking nothing ----
kill "$MOTO_PID"; wait "$MOTO_PID" 2>/dev/null || true
rc=0; "$RECAST" ship "$ROOT" --to s3://recs/fleet --host bastion1 --retries 1 >out 2>err || rc=$?
[ "$rc" = 3 ] && matches '0 uploaded, 5 already there, 1 conflicts, 1 pending, 0 failed (6 known from the journal)' err ||
  fail "server down, all shipped ($rc): $(cat err)"

# --- rotate: nothing unshipped expires; shipped, it does -------------------------
ROT=$WORK/rot
mkdir -p "$ROT/2026-11-01" "$ROT/2026-11-20"
cast "$ROT/2026-11-01/100000-old1.cast" old1
cast "$ROT/2026-11-01/110000-old2.cast" old2
cast "$ROT/2026-11-20/100000-mid.cast" mid
touch -d '-10 days' "$ROT/2026-11-01/"*.cast
touch -d '-3 days' "$ROT/2026-11-20/100000-mid.cast"
rc=0; "$RECAST" rotate "$ROT" --retain 5d --ship s3://recs/rot >out 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "rotate with the server down: exit $rc: $(cat out)"
matches "kept: not shipped: $ROT/2026-11-01/100000-old1.cast" out && matches "kept: not shipped: $ROT/2026-11-01/110000-old2.cast" out &&
  matches "error: ship $ROT/2026-11-01/100000-old1.cast: failed" out && matches '0 deleted' out || fail "rotate, server down: $(cat out)"
[ -e "$ROT/2026-11-01/100000-old1.cast" ] && [ -e "$ROT/2026-11-01/110000-old2.cast" ] || fail "an unshipped recording was deleted"
# --no-require-shipped would delete: shown by a dry run.
"$RECAST" rotate "$ROT" --retain 5d --ship s3://recs/rot --no-require-shipped -n >out 2>&1 || fail "dry run: $(cat out)"
matches "would delete $ROT/2026-11-01/100000-old1.cast" out || fail "--no-require-shipped: $(cat out)"

moto_server -H 127.0.0.1 -p "$PORT" >"$WORK/moto2.log" 2>&1 &
MOTO_PID=$!
at_exit "kill $MOTO_PID"
for _ in $(seq 300); do curl -s -o /dev/null "$ENDPOINT/" && break; sleep 0.1; done
python3 -c "import boto3; boto3.client('s3', region_name='us-east-1').create_bucket(Bucket='recs')" ||
  fail "moto did not come back"
"$RECAST" rotate "$ROT" --retain 5d --compress-after 1d --ship s3://recs/rot >out 2>&1 || fail "rotate, server up: $(cat out)"
matches "ship $ROT/2026-11-01/100000-old1.cast: uploaded" out && matches "delete $ROT/2026-11-01/100000-old1.cast" out &&
  matches "compress $ROT/2026-11-20/100000-mid.cast" out && matches '2 deleted' out || fail "rotate, server up: $(cat out)"
[ ! -e "$ROT/2026-11-01/100000-old1.cast" ] && [ -e "$ROT/2026-11-20/100000-mid.cast.gz" ] || fail "rotate, server up: files"
s3 count "rot/" 3 || fail "rotate shipped $(s3 count rot/ 0 2>&1)"
# The .gz counts as shipped where its .cast went: no new upload, and retention takes it.
"$RECAST" ship --status "$ROT" --to s3://recs/rot >out && matches "100000-mid.cast.gz: shipped: s3://recs/rot/.*/100000-mid.cast\$" out ||
  fail "the compressed recording is not shipped: $(cat out)"
"$RECAST" ship "$ROT" --to s3://recs/rot >out 2>err && matches '0 uploaded, 1 already there.*(1 known from the journal)' err ||
  fail "the compressed recording was shipped again: $(cat err)"
cast "$ROT/2026-11-20/110000-never.cast" never
touch -d '-10 days' "$ROT/2026-11-20/"*
printf 'ship-to = s3://recs/rot\ns3-endpoint = %s\n' "$ENDPOINT" >"$XDG_CONFIG_HOME/recssh/config"
"$RECAST" rotate "$ROT" --retain 5d >out 2>&1 || fail "rotate, ship-to configured: $(cat out)"
matches "delete $ROT/2026-11-20/100000-mid.cast.gz" out && matches "kept: not shipped: $ROT/2026-11-20/110000-never.cast" out ||
  fail "rotate, require-shipped from the config: $(cat out)"
[ -e "$ROT/2026-11-20/110000-never.cast" ] && [ ! -e "$ROT/2026-11-20/100000-mid.cast.gz" ] || fail "retention with ship-to"

# --- port forwards' captures: shipped with the recordings, and retention asks for
# them as for casts (a capture shipped goes, one not shipped stays) ---------------
CAP=$WORK/cap
mkdir -p "$CAP/2026-11-10"
pcap() { # pcap FILE TEXT: a capture of one raw-IP packet holding TEXT, ten days old
  python3 - "$1" "$2" <<'PY'
import struct, sys
data = sys.argv[2].encode()
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
    f.write(struct.pack("<IIII", 1795000000, 0, len(data), len(data)) + data)
PY
  chmod 600 "$1"
  touch -d '-10 days' "$1"
}
cast "$CAP/2026-11-10/100000-a.cast" cap && touch -d '-10 days' "$CAP/2026-11-10/100000-a.cast"
pcap "$CAP/2026-11-10/100000-a_db_5432.pcap" "select 1"
"$RECAST" ship "$CAP" --to s3://recs/caps --host h >out 2>err || fail "ship with a capture: $(cat err)"
s3 object "caps/h/2026-11-10/100000-a_db_5432.pcap" "$CAP/2026-11-10/100000-a_db_5432.pcap" single -- \
  count "caps/" 2 || fail "the capture was not shipped"
"$RECAST" ship --status --to s3://recs/caps "$CAP" >out &&
  matches '100000-a_db_5432.pcap: shipped: s3://recs/caps/h/2026-11-10/100000-a_db_5432.pcap' out ||
  fail "ship --status with a capture: $(cat out)"
pcap "$CAP/2026-11-10/100000-a_db_3306.pcap" "not shipped"
printf 'ship-to = s3://recs/caps\ns3-endpoint = %s\n' "$ENDPOINT" >"$XDG_CONFIG_HOME/recssh/config"
"$RECAST" rotate "$CAP" --retain 5d >out 2>&1 || fail "rotate with captures: $(cat out)"
[ ! -e "$CAP/2026-11-10/100000-a_db_5432.pcap" ] && [ -e "$CAP/2026-11-10/100000-a_db_3306.pcap" ] &&
  matches "kept: not shipped: $CAP/2026-11-10/100000-a_db_3306.pcap" out ||
  fail "retention of captures with shipping required: $(cat out)"

# --- ship = on-close: a session is shipped when it ends, in the background --------
OC=$WORK/oc
printf 'dir = %s\nship = on-close\nship-to = s3://recs/onclose\nship-host = b2\ns3-endpoint = %s\n' "$OC" "$ENDPOINT" \
  >"$XDG_CONFIG_HOME/recssh/config"
"$RECAST" rec -q -c 'echo hi' </dev/null >/dev/null 2>err || fail "rec: $(cat err)"
for _ in $(seq 100); do s3 count "onclose/" 1 2>/dev/null && break; sleep 0.1; done
s3 count "onclose/b2/" 1 || fail "on-close did not ship the session"
f=$(find "$OC" -name '*.cast')
"$RECAST" ship --status "$OC" >out && matches "$(basename "$f"): shipped: s3://recs/onclose/b2/" out || fail "on-close: $(cat out)"
# recssh to the test sshd: the ssh session is shipped as it ends, too.
. "$HERE/sshd.sh"
start_sshd
"$RECSSH" -F "$SSH_CONFIG" testhost 'echo hi-over-ssh' </dev/null >out 2>err || fail "recssh: $(cat err)"
matches hi-over-ssh out || fail "recssh: $(cat out)"
for _ in $(seq 100); do s3 count "onclose/b2/" 2 2>/dev/null && break; sleep 0.1; done
s3 count "onclose/b2/" 2 || fail "on-close did not ship the recssh session"
"$RECAST" ship --status "$OC" >out && [ "$(grep -c ': shipped: s3://recs/onclose/b2/' out)" = 2 ] ||
  fail "on-close after recssh: $(cat out)"
# A session with a port forward: its capture is shipped on close with it. The remote
# command reads sshd's banner through the forward (to sshd itself, on this machine).
SP=$(awk '$1 == "Port" {print $2}' "$SSH_CONFIG")
LP=$(python3 "$HERE/../tools/fwd_peer.py" port) # below the ephemeral range
"$RECSSH" -F "$SSH_CONFIG" -L "$LP:127.0.0.1:$SP" testhost \
  "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$LP; head -c 7 <&3'" </dev/null >out 2>err || fail "recssh -L: $(cat err)"
matches -F 'SSH-2.0' out || fail "recssh -L: the banner through the forward: $(cat out)"
cap=$(find "$OC" -name "*_127.0.0.1_$SP.pcap")
[ -n "$cap" ] || fail "recssh -L: no capture in $(find "$OC")"
for _ in $(seq 100); do s3 count "onclose/b2/" 4 2>/dev/null && break; sleep 0.1; done
s3 count "onclose/b2/" 4 || fail "on-close did not ship the capture with its session"
"$RECAST" ship --status "$OC" >out && matches "$(basename "$cap"): shipped: s3://recs/onclose/b2/" out ||
  fail "on-close, the capture: $(cat out)"
# The server down: the session still ends at once, and the next ship catches up.
kill "$MOTO_PID"; wait "$MOTO_PID" 2>/dev/null || true
start=$(date +%s)
"$RECAST" rec -q -c 'echo again' </dev/null >/dev/null 2>err || fail "rec, server down: $(cat err)"
[ $(($(date +%s) - start)) -lt 3 ] || fail "the session waited for the ship"
for _ in $(seq 200); do "$RECAST" ship --status "$OC" | matches 'failed' && break; sleep 0.1; done
"$RECAST" ship --status "$OC" >out; matches 'failed: ' out || fail "on-close with the server down: $(cat out)"
