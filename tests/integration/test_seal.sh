# recast seal / verify: every kind of tampering gets its own verdict and a non-zero
# exit, signatures are OpenSSH's (ssh-keygen -Y) with real keys, and a sealed cast is
# still byte for byte what asciinema reads.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
export RECSSH_SYSTEM_CONFIG="$WORK/none" HOME="$WORK/home"
mkdir -p "$HOME"
require ssh-keygen

# verdict FILE WORD [PATTERN] [VERIFY-OPTS...]: recast verify FILE exits 1 (0 for ok)
# with that verdict, and the message matches PATTERN.
verdict() {
  local file=$1 want=$2 pattern=${3:-} rc=0
  shift 3 || shift $#
  "$RECAST" verify --allowed-signers allowed "$@" "$file" >v.out 2>v.err || rc=$?
  local want_rc=1; [ "$want" = ok ] && want_rc=0
  [ "$rc" = "$want_rc" ] || fail "verify $file: exit $rc, want $want_rc: $(cat v.out v.err)"
  matches "^$file: $want: " v.out || fail "verify $file: want '$want': $(cat v.out v.err)"
  [ -z "$pattern" ] || matches -E "$pattern" v.out || fail "verify $file: message /$pattern/: $(cat v.out)"
}
# copy NAME: a copy of a.cast sealed like it (the seal names its file, and its signed
# final record covers that name), to tamper with
copy() { cp a.orig "$1.cast"; "$RECAST" seal -q --every 5 -k k1 "$1.cast"; }

ssh-keygen -q -t ed25519 -N '' -C auditor -f k1
ssh-keygen -q -t ed25519 -N '' -C other -f k2
echo "auditor@example.org $(cut -d' ' -f1,2 k1.pub)" >allowed

"$RECAST" rec -q -c 'for i in $(seq 40); do echo "line $i"; sleep 0.01; done' a.cast </dev/null >/dev/null
n=$(wc -l <a.cast)
[ "$n" -ge 20 ] || fail "the recording has too few lines to test with ($n)"
cp a.cast a.orig
"$RECAST" seal --every 5 -k k1 a.cast >seal.out || fail "seal: $(cat seal.out)"
matches "a.cast: sealed, $n lines, signed" seal.out || fail "seal said: $(cat seal.out)"
cmp -s a.cast a.orig || fail "sealing changed the cast"
verdict a.cast ok "$n lines intact, signed by auditor@example.org"
expect_fail 1 'a.cast.seal: file exists' "$RECAST" seal a.cast

# tampering, one kind at a time
copy flip; sed -i '12s/line/lime/' flip.cast
verdict flip.cast edited 'edited in lines 11-15 \(the first 10 lines are intact\)'
copy dropmid; sed -i '8d' dropmid.cast
verdict dropmid.cast edited 'edited in lines 6-10'
copy droplast; sed -i '$d' droplast.cast
verdict droplast.cast truncated "truncated after line $((n - 1)) \(1 line missing\)"
copy crash; head -c -3 a.cast >crash.cast
verdict crash.cast truncated 'only the last line, cut short'
copy app; echo '[99.0, "o", "appended\r\n"]' >>app.cast
verdict app.cast appended "1 line appended after sealing \(line $n was the sealed end\)"
cp a.cast noseal.cast
verdict noseal.cast no-seal 'noseal.cast.seal is missing'
"$RECAST" rec -q -c 'echo other' other.cast </dev/null >/dev/null
"$RECAST" seal -q -k k1 other.cast
cp a.cast swapped.cast; cp other.cast.seal swapped.cast.seal
verdict swapped.cast other-recording 'the seal is for other.cast, not for swapped.cast'
# ... with its head edited to name this file: the signed final record covers the head
sed 's/"cast":"other.cast"/"cast":"swapped.cast"/' other.cast.seal >swapped.cast.seal
verdict swapped.cast edited "the seal's head \(name, id or sources\) was changed after sealing"
cp other.cast.seal renamed.cast.seal; cp other.cast renamed.cast
verdict renamed.cast other-recording 'the seal is for other.cast, not for renamed.cast'
# re-signed with another key: a key that is not allowed
cp a.cast resigned.cast; "$RECAST" seal -q -k k2 resigned.cast
verdict resigned.cast unknown-signer 'signed by a key not in allowed'
# the final record changed after signing
copy badsig; sed -i 's/"lines":'"$n"',/"lines":'"$n"' ,/' badsig.cast.seal
verdict badsig.cast bad-signature 'incorrect signature'
verdict a.cast revoked 'signing key \(auditor@example.org\) is revoked' --revoked k1.pub
verdict a.cast ok '' --revoked k2.pub
# unsigned: an intact chain is not OK unless asked
cp a.cast plain.cast; "$RECAST" seal -q plain.cast
verdict plain.cast unsigned 'chain intact'
verdict plain.cast ok '' --allow-unsigned
# signed, but nothing to check the signature against
rc=0; "$RECAST" verify a.cast >v.out || rc=$?
[ "$rc" = 1 ] && matches 'signature-unchecked' v.out || fail "verify without allowed signers: $rc $(cat v.out)"

# compressed after sealing: the chain is over the uncompressed lines
copy z; gzip z.cast
verdict z.cast.gz ok 'signed by auditor'
# a whole directory, with --json; exit 1 because some are not OK
mkdir -p D/2026-12-01
cp a.cast a.cast.seal D/2026-12-01/
cp flip.cast flip.cast.seal D/2026-12-01/
rc=0; "$RECAST" verify --json --allowed-signers allowed D >d.json || rc=$?
[ "$rc" = 1 ] || fail "verify over a directory with an edited file exited $rc"
python3 - d.json <<'PY' || fail "verify --json: $(cat d.json)"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
verdicts = {r["file"].split("/")[-1]: r["verdict"] for r in rows}
assert verdicts == {"a.cast": "ok", "flip.cast": "edited"}, verdicts
PY
# seal over a directory seals what is not sealed yet; a second run seals nothing
mkdir -p E/2026-12-02
cp a.orig E/2026-12-02/120000-x.cast; cp other.cast E/2026-12-02/130000-y.cast
"$RECAST" seal E >e1.out || fail "seal over a directory: $(cat e1.out)"
"$RECAST" seal E >e2.out || fail "second seal over a directory: $(cat e2.out)"
matches 'recast: 0 sealed, 2 already sealed, 0 failed' e2.out || fail "second run: $(cat e2.out)"
"$RECAST" verify --allow-unsigned E >/dev/null || fail "a directory sealed by recast seal does not verify"

# a recording still being recorded is not sealed
"$RECAST" rec -q -c 'sleep 2' live.cast </dev/null >/dev/null &
pid=$!
sleep 0.5
expect_fail 1 'still being recorded' "$RECAST" seal live.cast
wait "$pid"
# an unfinished last line (a crashed recorder) is not sealed as if it were whole
head -c -3 a.orig >torn.cast
expect_fail 1 'torn.cast:[0-9]+: the last line is unfinished' "$RECAST" seal torn.cast

# sealing while recording (config: seal-key), plain and gzip'd; signed at the end
printf 'seal-key = %s\n' "$WORK/k1" >seal.conf
RECSSH_SYSTEM_CONFIG=$WORK/seal.conf "$RECAST" rec -q -c 'for i in $(seq 30); do echo "l $i"; sleep 0.01; done' \
  sealed-live.cast </dev/null >/dev/null
verdict sealed-live.cast ok 'signed by auditor@example.org'
[ "$(stat -c %a sealed-live.cast.seal)" = 600 ] || fail "the live seal is not private like its cast"
RECSSH_SYSTEM_CONFIG=$WORK/seal.conf "$RECAST" rec -q --gzip -c 'echo zipped' livez.cast.gz </dev/null >/dev/null
verdict livez.cast.gz ok 'signed by auditor@example.org'
# recssh too (a stand-in for ssh), in the day layout
printf '#!/bin/sh\necho remote; exit 3\n' >fake-ssh; chmod +x fake-ssh
rc=0; RECSSH_SSH=$WORK/fake-ssh RECSSH_SYSTEM_CONFIG=$WORK/seal.conf "$RECSSH" --dir R host </dev/null >/dev/null || rc=$?
[ "$rc" = 3 ] || fail "recssh with sealing exited $rc"
"$RECAST" verify --allowed-signers allowed R >r.out || fail "recssh's sealed recording: $(cat r.out)"
# killed with -9 while sealing: verifies up to its last checkpoint, and says so
printf 'seal = yes\nseal-every-lines = 10\nseal-every-seconds = 0\n' >cp.conf
RECSSH_SYSTEM_CONFIG=$WORK/cp.conf "$RECAST" rec -q -c 'for i in $(seq 400); do echo "l $i"; sleep 0.01; done' \
  killed.cast </dev/null >/dev/null 2>&1 &
pid=$!
checkpoints() { cat killed.cast.seal 2>/dev/null | grep -c '"line"' || true; }
for _ in $(seq 300); do [ "$(checkpoints)" -ge 3 ] && break; sleep 0.1; done
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
[ "$(checkpoints)" -ge 3 ] || fail "the recorder wrote fewer than 3 checkpoints in 30 s"
verdict killed.cast incomplete-seal 'sealing stopped \(a crash\?\): verified through line [1-9][0-9]*, its last checkpoint'
# ... and an edit before the last checkpoint is still found
sed -i '5s/"l /"L /' killed.cast
verdict killed.cast edited

# a fast session while sealing loses nothing: the checkpoints' syncs (tens of MiB each)
# must not stop the writer thread from draining the recorder's bounded buffer
head -c $((48 * 1048576)) /dev/urandom | base64 >fast.txt
printf 'seal = yes\nseal-every-lines = 100\nseal-every-seconds = 0\n' >fast.conf
RECSSH_SYSTEM_CONFIG=$WORK/fast.conf "$RECAST" rec -q -c 'cat fast.txt' fast.cast </dev/null >/dev/null 2>fast.err ||
  fail "recording fast output while sealing failed: $(cat fast.err)"
[ ! -s fast.err ] || fail "recording fast output while sealing: $(cat fast.err)"
"$RECAST" cat fast.cast | tr -d '\r' | cmp -s - fast.txt || fail "the sealed fast recording is not the output"
[ "$(grep -c '"line"' fast.cast.seal)" -ge 5 ] || fail "too few checkpoints: $(cat fast.cast.seal)"
verdict fast.cast ok 'not signed' --allow-unsigned
rm -f fast.txt fast.cast fast.cast.seal

# day manifests: a deleted, added or swapped recording (with its seal) shows, and so
# does a changed earlier day (the days are chained)
mkdir -p Y/2026-12-01 Y/2026-12-02
cp a.orig Y/2026-12-01/100000-a.cast
RECSSH_SYSTEM_CONFIG=$WORK/none "$RECAST" rec -q -c 'echo b' Y/2026-12-01/110000-b.cast </dev/null >/dev/null
RECSSH_SYSTEM_CONFIG=$WORK/none "$RECAST" rec -q -c 'echo c' Y/2026-12-01/120000-c.cast </dev/null >/dev/null
cp a.orig Y/2026-12-02/090000-d.cast
"$RECAST" seal --day -k k1 Y/2026-12-01 Y/2026-12-02 >day.out || fail "seal --day: $(cat day.out)"
matches -F 'Y/2026-12-01/.recssh-manifest: manifest of 3 recordings (3 sealed now), signed' day.out || fail "seal --day said: $(cat day.out)"
"$RECAST" verify --allowed-signers allowed Y >dv.out || fail "sealed days do not verify: $(cat dv.out)"
matches 'Y/2026-12-02: day-ok: manifest intact, signed by auditor@example.org' dv.out || fail "day verdict: $(cat dv.out)"
cp -a Y Y0
# deleted, with its seal
rm Y/2026-12-01/110000-b.cast Y/2026-12-01/110000-b.cast.seal
rc=0; "$RECAST" verify -q --allowed-signers allowed Y >dv.out || rc=$?
[ "$rc" = 1 ] && matches 'day-problem: missing: 110000-b.cast' dv.out || fail "a deleted recording: $rc $(cat dv.out)"
rm -rf Y; cp -a Y0 Y
# added, sealed like the others
RECSSH_SYSTEM_CONFIG=$WORK/none "$RECAST" rec -q -c 'echo late' Y/2026-12-01/130000-z.cast </dev/null >/dev/null
"$RECAST" seal -q -k k1 Y/2026-12-01/130000-z.cast
rc=0; "$RECAST" verify -q --allowed-signers allowed Y >dv.out || rc=$?
[ "$rc" = 1 ] && matches 'added: 130000-z.cast' dv.out || fail "an added recording: $rc $(cat dv.out)"
rm -rf Y; cp -a Y0 Y
# two swapped, each with its seal
for x in cast cast.seal; do
  mv Y/2026-12-01/110000-b.$x t.$x; mv Y/2026-12-01/120000-c.$x Y/2026-12-01/110000-b.$x; mv t.$x Y/2026-12-01/120000-c.$x
done
rc=0; "$RECAST" verify -q --allowed-signers allowed Y >dv.out || rc=$?
[ "$rc" = 1 ] && matches '110000-b.cast: other-recording: the seal is for 120000-c.cast' dv.out &&
  matches 'swapped or re-sealed: 110000-b.cast' dv.out || fail "swapped recordings: $rc $(cat dv.out)"
rm -rf Y; cp -a Y0 Y
# the earlier day's manifest rewritten (re-sealed by someone without the chain)
"$RECAST" seal --day -q --no-sign Y/2026-12-01
rc=0; "$RECAST" verify -q --allowed-signers allowed Y >dv.out || rc=$?
[ "$rc" = 1 ] && matches 'Y/2026-12-02: day-problem: the chain of days is broken' dv.out &&
  matches 'Y/2026-12-01: day-problem: the manifest is not signed' dv.out || fail "a re-made earlier day: $rc $(cat dv.out)"

# retention in a sealed day leaves a signed tombstone, not silence; a forged (unsigned)
# tombstone does not excuse a missing recording
oldday=$(date -d '-10 days' +%Y-%m-%d)
mkdir -p W/"$oldday"
cp a.orig W/"$oldday"/100000-a.cast
RECSSH_SYSTEM_CONFIG=$WORK/none "$RECAST" rec -q -c 'echo kept' W/"$oldday"/110000-k.cast </dev/null >/dev/null
"$RECAST" seal --day -q -k k1 W/"$oldday"
touch -d '-10 days' W/"$oldday"/100000-a.cast
RECSSH_SYSTEM_CONFIG=$WORK/seal.conf "$RECAST" rotate --retain 5d --min-age 0 W >wr.out || fail "rotate: $(cat wr.out)"
[ ! -e W/"$oldday"/100000-a.cast ] || fail "retention did not delete: $(cat wr.out)"
matches '"deleted":"100000-a.cast"' W/"$oldday"/.recssh-tombstones || fail "no tombstone: $(ls -a W/"$oldday")"
"$RECAST" verify --allowed-signers allowed W >wv.out || fail "a day with a tombstone: $(cat wv.out)"
matches 'day-ok' wv.out || fail "day verdict with a tombstone: $(cat wv.out)"
rm W/"$oldday"/110000-k.cast W/"$oldday"/110000-k.cast.seal
printf '{"deleted":"110000-k.cast","final":"%s","time":1}\n' "$(printf '0%.0s' $(seq 64))" >>W/"$oldday"/.recssh-tombstones
rc=0; "$RECAST" verify -q --allowed-signers allowed W >wv.out || rc=$?
[ "$rc" = 1 ] && matches 'a tombstone for 110000-k.cast that no allowed signer signed' wv.out &&
  matches 'missing: 110000-k.cast' wv.out || fail "a forged tombstone: $rc $(cat wv.out)"

# port forwards' captures in a day manifest: listed by the SHA-256 of their bytes (kind
# pcap), so a changed, deleted or added capture shows; gzip keeps it valid, and
# retention leaves a signed tombstone for one it deletes
capday=$(date -d '-9 days' +%Y-%m-%d)
mkdir -p P/"$capday"
cp a.orig P/"$capday"/100000-a.cast
printf 'pcap bytes\n' >P/"$capday"/100000-a_db_5432.pcap
"$RECAST" seal --day -q -k k1 P/"$capday"
matches '"file":"100000-a_db_5432.pcap","final":"'"$(sha256sum <P/"$capday"/100000-a_db_5432.pcap | cut -c1-64)"'".*"kind":"pcap"' \
  P/"$capday"/.recssh-manifest || fail "the capture is not in the manifest: $(cat P/"$capday"/.recssh-manifest)"
"$RECAST" verify --allowed-signers allowed P >pv.out || fail "a day with a capture: $(cat pv.out)"
# A capture alone: no seal of its own, and both commands say where its proof is.
rc=0; "$RECAST" seal -q -k k1 P/"$capday"/100000-a_db_5432.pcap 2>ps.err || rc=$?
[ "$rc" = 1 ] && matches "capture has no seal of its own: its day's manifest" ps.err || fail "seal of a capture: $rc $(cat ps.err)"
[ ! -e P/"$capday"/100000-a_db_5432.pcap.seal ] || fail "seal of a capture wrote a seal"
rc=0; "$RECAST" verify --allowed-signers allowed P/"$capday"/100000-a_db_5432.pcap >pv.out || rc=$?
[ "$rc" = 1 ] && matches "no-seal: a port forward's capture has no seal of its own" pv.out || fail "verify of a capture: $rc $(cat pv.out)"
cp P/"$capday"/100000-a_db_5432.pcap pcap.orig
printf 'PCAP bytes\n' >P/"$capday"/100000-a_db_5432.pcap
rc=0; "$RECAST" verify -q --allowed-signers allowed P >pv.out || rc=$?
[ "$rc" = 1 ] && matches 'changed: 100000-a_db_5432.pcap' pv.out || fail "a changed capture: $rc $(cat pv.out)"
gzip -c pcap.orig >P/"$capday"/100000-a_db_5432.pcap.gz && rm P/"$capday"/100000-a_db_5432.pcap
"$RECAST" verify --allowed-signers allowed P >pv.out || fail "a gzip'd capture: $(cat pv.out)"
printf 'late\n' >P/"$capday"/100000-a_db_80.pcap
rc=0; "$RECAST" verify -q --allowed-signers allowed P >pv.out || rc=$?
[ "$rc" = 1 ] && matches 'added: 100000-a_db_80.pcap' pv.out || fail "an added capture: $rc $(cat pv.out)"
rm P/"$capday"/100000-a_db_80.pcap
touch -d '-9 days' P/"$capday"/*
RECSSH_SYSTEM_CONFIG=$WORK/seal.conf "$RECAST" rotate --retain 5d --min-age 0 P >pr.out || fail "rotate: $(cat pr.out)"
[ ! -e P/"$capday"/100000-a_db_5432.pcap.gz ] && matches '"deleted":"100000-a_db_5432.pcap"' P/"$capday"/.recssh-tombstones ||
  fail "retention of a listed capture: $(cat pr.out)"
"$RECAST" verify --allowed-signers allowed P >pv.out || fail "a day after its capture's retention: $(cat pv.out)"

# rotation: a compressed recording still verifies with its seal; one that retention
# deletes takes its seal along; merged inputs take theirs along
old=$(date -d '-3 days' +%Y-%m-%d)
mkdir -p T/"$old"
cp a.cast T/"$old"/100000-a.cast; "$RECAST" seal -q -k k1 T/"$old"/100000-a.cast
cp other.cast T/"$old"/110000-b.cast; "$RECAST" seal -q -k k1 T/"$old"/110000-b.cast
touch -d '-3 days' T/"$old"/*.cast
"$RECAST" rotate --compress-after 1d --min-age 0 T >rot.out || fail "rotate: $(cat rot.out)"
[ -f T/"$old"/100000-a.cast.gz ] || fail "rotate did not compress: $(cat rot.out)"
"$RECAST" verify --allowed-signers allowed T >rv.out || fail "compressed sealed recordings: $(cat rv.out)"
"$RECAST" rotate --retain 2d --min-age 0 T >rot2.out || fail "rotate --retain: $(cat rot2.out)"
[ -z "$(find T -name '*.seal')" ] || fail "retention left seals behind: $(find T -name '*.seal')"

# with sealing configured, rotate seals what it merges or compresses first; a merge
# takes only inputs whose seals verify, and the daily file's signed seal lists them
# (name, SHA-256, final hash): verify shows that the join markers are exactly those
mkdir -p M/"$old"
cp a.orig M/"$old"/100000-a.cast; "$RECAST" seal -q -k k1 M/"$old"/100000-a.cast
for x in 110000-b 120000-c; do # not sealed: rotate seals them before merging
  RECSSH_SYSTEM_CONFIG=$WORK/none "$RECAST" rec -q -c "echo $x" M/"$old"/$x.cast </dev/null >/dev/null
done
touch -d '-3 days' M/"$old"/*.cast
cp -a M M0
RECSSH_SYSTEM_CONFIG=$WORK/seal.conf "$RECAST" rotate --merge-daily --min-age 0 M >m.out || fail "rotate: $(cat m.out)"
daily=$(ls M/"$old"/daily-*.cast)
matches "seal M/$old/110000-b.cast" m.out && matches "merged from 3 sealed recordings" m.out || fail "rotate: $(cat m.out)"
[ "$(ls M/"$old")" = "$(basename "$daily")
$(basename "$daily").seal" ] || fail "merged inputs or their seals left: $(ls M/"$old")"
[ "$(grep -o '"final":"[0-9a-f]\{64\}"' "$daily.seal" | wc -l)" = 4 ] || fail "the daily seal lists no inputs: $(head -1 "$daily.seal")"
verdict "$daily" ok 'signed by auditor@example.org; merged from 3 sealed recordings, all accounted for'
# a day with a manifest (written by that run: a seal-key is configured) is final: a
# recording that turns up later is not merged into it, and verify names it as added
RECSSH_SYSTEM_CONFIG=$WORK/none "$RECAST" rec -q -c 'echo late' M/"$old"/130000-d.cast </dev/null >/dev/null
touch -d '-3 days' M/"$old"/130000-d.cast
rc=0; RECSSH_SYSTEM_CONFIG=$WORK/seal.conf "$RECAST" rotate --merge-daily --min-age 0 M >m2.out || rc=$?
[ "$rc" = 1 ] && matches "not merged: M/$old has a day manifest" m2.out || fail "merged into a sealed day: $rc $(cat m2.out)"
rc=0; "$RECAST" verify -q --allowed-signers allowed M >mv.out || rc=$?
[ "$rc" = 1 ] && matches 'day-problem: added: 130000-d.cast' mv.out || fail "a late recording: $rc $(cat mv.out)"
rm M/"$old"/130000-d.cast*
# compressed by a later run: the seal still holds, and so does the day
RECSSH_SYSTEM_CONFIG=$WORK/seal.conf "$RECAST" rotate --compress-after 1d --min-age 0 M >m3.out || fail "$(cat m3.out)"
verdict "$daily.gz" ok 'merged from 3 sealed recordings'
"$RECAST" verify -q --allowed-signers allowed M >mv.out || fail "the day after compression: $(cat mv.out)"
# without a key (seal = yes: no manifests) a daily file merged again is an input whose
# own inputs stay listed
printf 'seal = yes\n' >sealonly.conf
mkdir -p M2/"$old"
for x in 100000-a 110000-b; do
  RECSSH_SYSTEM_CONFIG=$WORK/none "$RECAST" rec -q -c "echo $x" M2/"$old"/$x.cast </dev/null >/dev/null
done
touch -d '-3 days' M2/"$old"/*.cast
RECSSH_SYSTEM_CONFIG=$WORK/sealonly.conf "$RECAST" rotate --merge-daily --min-age 0 M2 >m4.out || fail "$(cat m4.out)"
RECSSH_SYSTEM_CONFIG=$WORK/none "$RECAST" rec -q -c 'echo c' M2/"$old"/120000-c.cast </dev/null >/dev/null
touch -d '-3 days' M2/"$old"/120000-c.cast
RECSSH_SYSTEM_CONFIG=$WORK/sealonly.conf "$RECAST" rotate --merge-daily --min-age 0 M2 >m5.out || fail "$(cat m5.out)"
[ ! -e M2/"$old"/.recssh-manifest ] || fail "a manifest was written without a key"
verdict "$(ls M2/"$old"/daily-*.cast)" unsigned 'merged from 4 sealed recordings, all accounted for'
# a seal whose inputs are not the join markers (by hand: one input left out of the
# head, the head's hash put into the final record, the signature dropped)
python3 - "$daily.seal" <<'PY'
import hashlib, json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
head = json.loads(lines[0])
head["sources"] = head["sources"][1:]
lines[0] = json.dumps(head, separators=(",", ":")).encode()
digest = hashlib.sha256(lines[0]).hexdigest().encode()
rest = []
for line in lines[1:]:
    record = json.loads(line)
    if "signature" in record:
        continue
    if "final" in record:
        line = line.replace(record["head"].encode(), digest)
    rest.append(line)
open(sys.argv[1], "wb").write(b"\n".join([lines[0]] + rest) + b"\n")
PY
verdict "$daily.gz" merge-mismatch 'merged cast: join marker for .*, which the seal does not list'
# an input edited after it was sealed is not merged (nor laundered into a new seal)
rm -rf M; cp -a M0 M
sed -i '5s/line/lime/' M/"$old"/100000-a.cast; touch -d '-3 days' M/"$old"/100000-a.cast
rc=0; RECSSH_SYSTEM_CONFIG=$WORK/seal.conf "$RECAST" rotate --merge-daily --min-age 0 M >m.out || rc=$?
[ "$rc" = 1 ] && matches -F "100000-a.cast: its seal does not verify (edited: edited in lines 1-" m.out ||
  fail "an edited input was merged: $rc $(cat m.out)"
[ -z "$(ls M/"$old" | grep daily)" ] && [ -f M/"$old"/100000-a.cast ] || fail "inputs not left as they were: $(ls M/"$old")"

# rotate writes each finished day's manifest once, after merging (signed, chained to
# the day before); a day with a recording still open or too recent waits
prev=$(date -d '-4 days' +%Y-%m-%d) yday=$(date -d '-1 days' +%Y-%m-%d)
mkdir -p N/"$prev" N/"$old" N/"$yday"
for d in "$prev" "$old"; do
  for x in 100000-a 110000-b; do
    RECSSH_SYSTEM_CONFIG=$WORK/none "$RECAST" rec -q -c "echo $d $x" N/"$d"/$x.cast </dev/null >/dev/null
  done
done
RECSSH_SYSTEM_CONFIG=$WORK/none "$RECAST" rec -q -c 'echo open' N/"$yday"/100000-o.cast </dev/null >/dev/null
touch -d '-3 days' N/"$prev"/*.cast N/"$old"/*.cast
RECSSH_SYSTEM_CONFIG=$WORK/seal.conf "$RECAST" rotate --merge-daily --min-age 60 N >n.out || fail "rotate: $(cat n.out)"
matches -F "day manifest N/$prev: 1 recordings (0 sealed now), signed" n.out &&
  matches "day manifest N/$yday: not yet, a recording there is still open" n.out || fail "rotate's manifests: $(cat n.out)"
[ -f N/"$old"/.recssh-manifest ] && [ ! -e N/"$yday"/.recssh-manifest ] || fail "manifests: $(ls -a N/*)"
matches "\"previous_day\":\"$prev\"" N/"$old"/.recssh-manifest || fail "the days are not chained: $(head -1 N/"$old"/.recssh-manifest)"
"$RECAST" verify --allowed-signers allowed N/"$prev" N/"$old" >nv.out || fail "rotate's days do not verify: $(cat nv.out)"
[ "$(grep -c 'day-ok: manifest intact, signed by auditor@example.org' nv.out)" = 2 ] || fail "day verdicts: $(cat nv.out)"
cp N/"$old"/.recssh-manifest m.before
RECSSH_SYSTEM_CONFIG=$WORK/seal.conf "$RECAST" rotate --merge-daily --min-age 60 N >n2.out || fail "rotate: $(cat n2.out)"
cmp -s m.before N/"$old"/.recssh-manifest && ! matches 'write the day manifest' n2.out || fail "a manifest was rewritten"

# provenance: a converted legacy log's seal lists its source files with their SHA-256;
# verify --sources DIR checks them against the files there
mkdir -p src
cp "$FIXTURES/script/classic.timing" "$FIXTURES/script/classic.typescript" src/
"$RECAST" convert src/classic.timing conv.cast
"$RECAST" seal -q -k k1 conv.cast
[ "$(grep -o '"sha256":"[0-9a-f]\{64\}"' conv.cast.seal | wc -l)" = 2 ] || fail "the seal lists no sources: $(head -1 conv.cast.seal)"
verdict conv.cast ok 'signed by auditor@example.org; 2 source files as sealed' --sources src
printf 'x' >>src/classic.typescript
verdict conv.cast source-mismatch 'source src/classic.typescript is not the file that was converted and sealed' --sources src
rm src/classic.typescript
verdict conv.cast source-mismatch 'source src/classic.typescript is not in src' --sources src

# --syslog: the final hash goes to syslog (/dev/log), where the recorded user cannot
# edit it. CI has no syslog daemon: a listener on /dev/log in a private mount namespace.
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
  cp a.orig slog.cast
  cat >listen.py <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
open(sys.argv[1] + ".ready", "w").close()
with open(sys.argv[1], "wb") as out:
    while True:
        out.write(s.recv(65536) + b"\n"); out.flush()
PY
  unshare -m bash -c '
    set -e
    mkdir -p realdev && mount --bind /dev realdev && mount -t tmpfs tmpfs /dev
    for d in null zero urandom random; do touch /dev/$d; mount --bind realdev/$d /dev/$d; done
    python3 listen.py "$PWD/syslog.out" & lp=$!
    for _ in $(seq 50); do [ -e syslog.out.ready ] && break; sleep 0.1; done
    "$RECAST" seal -q --syslog slog.cast
    sleep 0.3; kill $lp' || fail "the syslog namespace could not be set up"
  final=$(grep -o '"final":"[0-9a-f]*"' slog.cast.seal | cut -d'"' -f4)
  matches "recssh-seal: slog.cast final=$final lines=$n" syslog.out || fail "no final hash in syslog: $(cat syslog.out)"
else
  echo "note: not root or no mount namespaces: --syslog untested here" >&2
fi

# sealed casts still play: the real asciinema reads them, byte for byte as recast does
require asciinema
require script
asciinema_cat a.cast asc.out
"$RECAST" cat a.cast >rc.out
[ -s rc.out ] && cmp -s asc.out rc.out || fail "asciinema cat and recast cat differ on a sealed cast"
echo "test_seal: ok"
