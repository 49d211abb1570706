# recast ship against a real S3 implementation on 127.0.0.1 (moto_server, started and
# stopped here), checked with an independent client (boto3): what arrives is read back
# byte for byte with its metadata and checksum; a second run sends nothing; a different
# object at a key is never overwritten; multipart with a small part size; a run killed
# mid-upload is resumed without duplicates; secrets never in argv or output.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
export RECSSH_SYSTEM_CONFIG="$WORK/none" HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config"
mkdir -p "$HOME"

# No silent skip: without an S3 server this test proves nothing.
command -v moto_server >/dev/null 2>&1 ||
  fail "moto_server is not installed (Debian 12 has no package): pip install 'moto[server]==5.2.1' boto3"
python3 -c 'import boto3' 2>/dev/null || fail "python3 has no boto3: pip install boto3, or apt install python3-boto3"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ENDPOINT=http://127.0.0.1:$PORT
moto_server -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
at_exit "kill $MOTO_PID"
for _ in $(seq 100); do curl -s -o /dev/null "$ENDPOINT/" && break; sleep 0.1; done
curl -s -o /dev/null "$ENDPOINT/" || fail "moto_server did not start: $(cat "$WORK/moto.log")"

# moto checks SigV4 signatures (with botocore's signer) once auth is on: an IAM user
# and its key are made first, then every request must be signed with that key.
read -r KEY_ID SECRET < <(python3 - <<PY
import json, boto3
kw = dict(endpoint_url="$ENDPOINT", region_name="us-east-1", aws_access_key_id="AKIASETUP0000000000X",
          aws_secret_access_key="setup")
iam = boto3.client("iam", **kw)
iam.create_user(UserName="shipper")
iam.put_user_policy(UserName="shipper", PolicyName="s3", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
k = iam.create_access_key(UserName="shipper")["AccessKey"]
boto3.client("s3", **kw).create_bucket(Bucket="recs")
print(k["AccessKeyId"], k["SecretAccessKey"])
PY
)
[ -n "$SECRET" ] || fail "could not create the IAM user in moto"
# moto_auth 0: every request is checked from now on; moto_auth 1e9: none is.
moto_auth() {
  curl -sf -X POST -H "Content-Type: application/json" --data-binary "$1" "$ENDPOINT/moto-api/reset-auth" >/dev/null ||
    fail "could not set moto's auth"
}
moto_auth 0

# Credentials only in the environment.
export AWS_ACCESS_KEY_ID=$KEY_ID AWS_SECRET_ACCESS_KEY=$SECRET AWS_REGION=us-east-1
export AWS_ENDPOINT_URL_S3=$ENDPOINT
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL || true

# s3py 'PYTHON' ARGS...: runs python with a boto3 client `s3` (the same key, from the
# environment) and the bucket name `b`.
s3py() {
  local code=$1
  shift
  python3 - "$@" <<PY
import base64, hashlib, sys, boto3
s3 = boto3.client("s3", endpoint_url="$ENDPOINT", region_name="us-east-1")
b = "recs"
$code
PY
}
s3py 'assert s3.list_objects_v2(Bucket=b)["KeyCount"] == 0' || fail "boto3 cannot use the key"

ROOT=$WORK/root
DAY=2026-11-22
mkdir -p "$ROOT/$DAY" "$ROOT/alice/shell"
cast() { # cast FILE TEXT: a small recssh recording, two hours old
  printf '{"version": 2, "width": 80, "height": 24, "timestamp": 1795000000, "recssh": {"version":"0.1","session_id":"s-%s","stream":"shell","user":"alice","host":"b1","target":"root@db1"}}\n[0.5, "o", "%s\\r\\n"]\n' \
    "$(basename "$1" .cast)" "$2" >"$1"
  touch -d '-2 hours' "$1"
}
cast "$ROOT/$DAY/101500-db1.cast" one
cast "$ROOT/$DAY/111500-db2.cast" two
cast "$ROOT/alice/shell/abc123.cast" three
gzip -k "$ROOT/$DAY/111500-db2.cast" && mv "$ROOT/$DAY/111500-db2.cast.gz" "$ROOT/$DAY/121500-db3.cast.gz"
touch -d '-2 hours' "$ROOT/$DAY/121500-db3.cast.gz"
cast "$ROOT/$DAY/131500-young.cast" young && touch "$ROOT/$DAY/131500-young.cast"
cast "$ROOT/$DAY/141500-locked.cast" locked
flock "$ROOT/$DAY/141500-locked.cast" sleep 30 &
LOCK_PID=$!
at_exit "kill $LOCK_PID"
sleep 0.2

# check_object KEY FILE: boto3 reads KEY back: same bytes, recssh-sha256 and (for a
# single PUT) x-amz-checksum-sha256 of the file; the recssh metadata travels along.
check_object() {
  s3py "
key, path = sys.argv[1], sys.argv[2]
data = open(path, 'rb').read()
o = s3.get_object(Bucket=b, Key=key, ChecksumMode='ENABLED')
body = o['Body'].read()
assert body == data, 'bytes differ for ' + key
sha = hashlib.sha256(data).hexdigest()
assert o['Metadata'].get('recssh-sha256') == sha, o['Metadata']
if sys.argv[3] == 'single':
    h = s3.head_object(Bucket=b, Key=key, ChecksumMode='ENABLED')
    assert h.get('ChecksumSHA256') == base64.b64encode(bytes.fromhex(sha)).decode(), h
" "$1" "$2" "${3:-single}" || fail "object $1 is not $2"
}

# --- first run: everything finished goes, with metadata; the rest waits ------------
"$RECAST" ship "$ROOT" --to s3://recs/fleet --host bastion1 --abort-after 0 >out 2>err || fail "ship: $(cat err)"
check_object "fleet/bastion1/$DAY/101500-db1.cast" "$ROOT/$DAY/101500-db1.cast"
check_object "fleet/bastion1/$DAY/121500-db3.cast.gz" "$ROOT/$DAY/121500-db3.cast.gz"
check_object "fleet/bastion1/alice/shell/abc123.cast" "$ROOT/alice/shell/abc123.cast"
s3py '
m = s3.head_object(Bucket=b, Key="fleet/bastion1/2026-11-22/101500-db1.cast")["Metadata"]
want = {"recssh-user": "alice", "recssh-target": "root@db1", "recssh-session-id": "s-101500-db1",
        "recssh-host": "b1", "recssh-start": "2026-11-18T11:06:40Z"}
for k, v in want.items(): assert m.get(k) == v, (k, m)
' || fail "recssh metadata missing"
matches 'young.cast: pending' out || fail "a young recording was not left pending: $(cat out)"
matches 'locked.cast: pending:.*being recorded' out || fail "a locked recording was not left pending: $(cat out)"
[ "$(s3py 'print(s3.list_objects_v2(Bucket=b)["KeyCount"])')" = 4 ] || fail "expected 4 objects"
matches '4 uploaded, 0 already there, 0 conflicts, 2 pending, 0 failed' err || fail "summary: $(cat err)"

# --- second run: nothing to send --------------------------------------------------
"$RECAST" ship "$ROOT" --to s3://recs/fleet --host bastion1 --abort-after 0 --verify-read >out 2>err || fail "second ship: $(cat err)"
matches '0 uploaded, 4 already there' err || fail "a second run uploaded again: $(cat err)"

# --- conflict: a different object at the key is never overwritten ------------------
cast "$ROOT/$DAY/151500-c.cast" mine
s3py 's3.put_object(Bucket=b, Key="fleet/bastion1/2026-11-22/151500-c.cast", Body=b"someone else")'
rc=0; "$RECAST" ship "$ROOT/$DAY/151500-c.cast" --to s3://recs/fleet --host bastion1 --abort-after 0 >out 2>err || rc=$?
[ "$rc" = 3 ] || fail "a conflict exits 3, got $rc: $(cat err)"
matches 'conflict: s3://recs/fleet/bastion1/2026-11-22/151500-c.conflict-[0-9a-f]{12}.cast: .*holds a different object' -E err ||
  fail "conflict not reported: $(cat err)"
[ "$(s3py 'print(s3.get_object(Bucket=b, Key="fleet/bastion1/2026-11-22/151500-c.cast")["Body"].read().decode())')" = "someone else" ] ||
  fail "the other object was overwritten"
sha=$(sha256sum "$ROOT/$DAY/151500-c.cast" | cut -c1-12)
check_object "fleet/bastion1/$DAY/151500-c.conflict-$sha.cast" "$ROOT/$DAY/151500-c.cast"
rc=0; "$RECAST" ship "$ROOT/$DAY/151500-c.cast" --to s3://recs/fleet --host bastion1 --abort-after 0 >out 2>err || rc=$?
[ "$rc" = 3 ] && matches 'already shipped as' err && matches '0 uploaded' err || fail "conflict, second run: $(cat err)"

# Signatures are checked: a wrong secret and an unknown key are named as such.
AWS_SECRET_ACCESS_KEY=wrong expect_fail 1 'the secret key does not match the access key id \(SignatureDoesNotMatch; credentials from the environment\)' \
  "$RECAST" ship "$ROOT/$DAY/101500-db1.cast" --to s3://recs/fleet --host bastion1 --retries 1
AWS_ACCESS_KEY_ID=AKIAUNKNOWN000000000 expect_fail 1 'the access key id is not known to the server \(InvalidAccessKeyId' \
  "$RECAST" ship "$ROOT/$DAY/101500-db1.cast" --to s3://recs/fleet --host bastion1 --retries 1

# moto 5.2.1 checks a signature over a query value holding '/' (ListMultipartUploads'
# prefix=KEY, %2F as SigV4 requires) against the decoded '/': boto3 itself fails
# there (list_multipart_uploads(Prefix="fleet/") -> SignatureDoesNotMatch). So what
# lists uploads runs with moto's checks off.
moto_auth 1e9

# --- multipart: parts of 5 MiB, S3's minimum ---------------------------------------
big() { # big FILE MIB: a valid cast of about MIB MiB
  python3 - "$1" "$2" <<'PY'
import sys, os
path, mib = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write('{"version": 2, "width": 80, "height": 24, "timestamp": 1795000000}\n')
    line = "x" * 1000
    t = 0.0
    while f.tell() < mib << 20:
        t += 0.001
        f.write('[%.6f, "o", "%s %d\\r\\n"]\n' % (t, line, int(t * 1000)))
PY
  touch -d '-2 hours' "$1"
}
big "$ROOT/$DAY/161500-big.cast" 11
"$RECAST" ship "$ROOT/$DAY/161500-big.cast" --to s3://recs/fleet --host bastion1 --part-size 5M --verify-read >out 2>err ||
  fail "multipart: $(cat err)"
check_object "fleet/bastion1/$DAY/161500-big.cast" "$ROOT/$DAY/161500-big.cast" multipart
s3py 'assert s3.head_object(Bucket=b, Key="fleet/bastion1/2026-11-22/161500-big.cast")["ETag"].endswith("-3\"")' ||
  fail "not 3 parts"

# --- a run killed mid-upload is resumed: no part lost, none sent twice ------------
big "$ROOT/$DAY/171500-resume.cast" 12
KEY="fleet/bastion1/$DAY/171500-resume.cast"
"$RECAST" ship "$ROOT/$DAY/171500-resume.cast" --to s3://recs/fleet --host bastion1 --part-size 5M --limit-rate 4M \
  >out.killed 2>err.killed &
SHIP_PID=$!
parts=0
for _ in $(seq 100); do
  parts=$(s3py '
u = s3.list_multipart_uploads(Bucket=b).get("Uploads", [])
print(len(s3.list_parts(Bucket=b, Key=u[0]["Key"], UploadId=u[0]["UploadId"]).get("Parts", [])) if u else 0)')
  [ "$parts" -ge 1 ] && break
  sleep 0.1
done
# While it runs: the secret is in no process's argv.
ps -eo args | grep -F -- "$SECRET" | grep -v grep && fail "the secret key is in a process's argv"
kill -9 "$SHIP_PID"; wait "$SHIP_PID" 2>/dev/null || true
[ "$parts" -ge 1 ] || fail "no part was uploaded before the kill"
[ "$parts" -lt 3 ] || fail "the upload finished before the kill (limit-rate not applied?)"
s3py "
try:
    s3.head_object(Bucket=b, Key='$KEY'); sys.exit('the killed upload left an object')
except s3.exceptions.ClientError: pass"
"$RECAST" ship "$ROOT/$DAY/171500-resume.cast" --to s3://recs/fleet --host bastion1 --part-size 5M >out 2>err ||
  fail "resume: $(cat err)"
matches "resuming upload with $parts of 3 parts" err || fail "not resumed: $(cat err)"
sent=$(grep -oE '[0-9.]+ MB in' err | cut -d' ' -f1)
check_object "$KEY" "$ROOT/$DAY/171500-resume.cast" multipart
s3py '
assert not s3.list_multipart_uploads(Bucket=b).get("Uploads"), "an unfinished upload is left"
assert len([o for o in s3.list_objects_v2(Bucket=b, Prefix="fleet/bastion1/2026-11-22/171500")["Contents"]]) == 1' ||
  fail "resume left duplicates"
# Only the missing parts went: at most 12 MiB minus the 5 MiB already there.
python3 -c "import sys; sys.exit(0 if float('$sent') <= 12*1048576/1e6 - 5*1048576/1e6 + 0.01 else 1)" ||
  fail "the resumed run sent $sent MB: parts already there were sent again"

# --- unfinished uploads nobody continues are aborted after --abort-after -----------
s3py 's3.create_multipart_upload(Bucket=b, Key="fleet/bastion1/2026-11-20/gone.cast")'
sleep 1.1
"$RECAST" ship "$ROOT/$DAY/101500-db1.cast" --to s3://recs/fleet --host bastion1 --abort-after 1s >out 2>err || fail "$(cat err)"
matches 'aborted an upload of fleet/bastion1/2026-11-20/gone.cast' err || fail "stale upload not aborted: $(cat err)"
[ "$(s3py 'print(len(s3.list_multipart_uploads(Bucket=b).get("Uploads", [])))')" = 0 ] || fail "stale upload still there"

# --- credentials from a profile; errors named; the secret never printed ------------
mkdir -p "$HOME/.aws"
printf '[ship]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$KEY_ID" "$SECRET" >"$HOME/.aws/credentials"
printf '[profile ship]\nregion = us-east-1\n' >"$HOME/.aws/config"
(unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
 "$RECAST" ship "$ROOT/$DAY/101500-db1.cast" --to s3://recs/fleet --host bastion1 --profile ship) >out 2>err ||
  fail "--profile: $(cat err)"
matches 'present' out || fail "--profile: $(cat out)"
expect_fail 1 "the bucket 'nobucket' does not exist" \
  "$RECAST" ship "$ROOT/$DAY/101500-db1.cast" --to s3://nobucket/x --retries 1
expect_fail 1 'gave up after 2 attempts; is the endpoint http://127.0.0.1:1 reachable' \
  "$RECAST" ship "$ROOT/$DAY/101500-db1.cast" --to s3://recs/x --endpoint http://127.0.0.1:1 --retries 2
expect_fail 1 "the AWS profile 'nope'" "$RECAST" ship "$ROOT" --to s3://recs/x --profile nope
expect_fail 2 'ship-to' "$RECAST" ship "$ROOT"
expect_fail 2 'part-size' "$RECAST" ship "$ROOT" --to s3://recs/x --part-size 1M
for f in out err out.killed err.killed "$WORK/out" "$WORK/err"; do
  [ -e "$f" ] && matches -F -- "$SECRET" "$f" && fail "the secret key was printed ($f)"
done
# The config's keys: ship-to and s3-endpoint from recssh's file.
mkdir -p "$XDG_CONFIG_HOME/recssh"
printf 'ship-to = s3://recs/fleet\nship-host = bastion1\ns3-endpoint = %s\ns3-addressing = path\n' "$ENDPOINT" \
  >"$XDG_CONFIG_HOME/recssh/config"
(unset AWS_ENDPOINT_URL_S3; "$RECAST" ship "$ROOT/$DAY/101500-db1.cast") >out 2>err || fail "config keys: $(cat err)"
matches 'present: s3://recs/fleet/bastion1/2026-11-22/101500-db1.cast' out || fail "config keys: $(cat out)"
echo "ok"
