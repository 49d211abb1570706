# recast ship against a real S3 implementation on 127.0.0.1 (moto_server, started and
# stopped here), checked with an independent client (boto3): what arrives is read back
# byte for byte with its metadata and checksum; a second run sends nothing; a different
# object at a key is never overwritten; multipart with a small part size; a run killed
# mid-upload is resumed without duplicates; secrets never in argv or output.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
export RECSSH_SYSTEM_CONFIG="$WORK/none" HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config"
# The shipped journal and rotate's state: private, in the scratch directory.
export RECSSH_STATE_DIR="$WORK/state"
mkdir -p "$HOME"

# No silent skip: without an S3 server this test proves nothing.
command -v moto_server >/dev/null 2>&1 ||
  fail "moto_server is not installed (Debian 12 has no package): pip install 'moto[server]==5.2.1' boto3"
# Started first: it takes seconds to start, while the recordings are made.
PORT=$(python3 "$HERE/../tools/fwd_peer.py" port) # below the ephemeral range
ENDPOINT=http://127.0.0.1:$PORT
moto_server -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
at_exit "kill $MOTO_PID"

# big FILE MIB: a valid cast of about MIB MiB, two hours old.
big() {
  python3 - "$1" "$2" <<'PY'
import sys
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
# Outside the root that the first runs walk; named directly, their day directory's
# name is the key's DIR.
BIG=$WORK/big/2026-11-22
mkdir -p "$BIG"
big "$BIG/161500-big.cast" 11
big "$BIG/171500-resume.cast" 12
for _ in $(seq 300); do curl -s -o /dev/null "$ENDPOINT/" && break; sleep 0.1; done
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
[ -n "$SECRET" ] || fail "could not create the IAM user in moto (python3 needs boto3: pip install boto3)"
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

# s3 OP ARGS [-- OP ARGS]...: boto3 (an independent client; the same key, from the
# environment) runs the steps in one process, as python starts slowly. Ops:
#   object KEY FILE single|multipart  the bytes, recssh-sha256 and (single) the checksum
#   meta KEY NAME=VALUE...            user metadata
#   body KEY TEXT                     the object's bytes are TEXT
#   count PREFIX N                    N objects under PREFIX
#   parts KEY N                       a multipart object of N parts (its ETag)
#   absent KEY | put KEY TEXT | create-upload KEY | no-uploads
#   wait-part                         until an unfinished upload has a part; prints parts
cat >"$WORK/s3.py" <<'PY'
import base64, hashlib, sys, time, boto3
s3 = boto3.client("s3", region_name="us-east-1")
b = "recs"
def fail(msg): sys.exit("s3 check: " + msg)
args = sys.argv[1:]
while args:
    op, rest = args[0], args[1:]
    step = rest[:rest.index("--")] if "--" in rest else rest
    args = rest[len(step) + 1:]
    if op == "object":
        key, path, mode = step
        data = open(path, "rb").read()
        o = s3.get_object(Bucket=b, Key=key, ChecksumMode="ENABLED")
        if o["Body"].read() != data: fail("bytes differ for " + key)
        sha = hashlib.sha256(data).hexdigest()
        if o["Metadata"].get("recssh-sha256") != sha: fail("recssh-sha256 of %s: %s" % (key, o["Metadata"]))
        if mode == "single":
            h = s3.head_object(Bucket=b, Key=key, ChecksumMode="ENABLED")
            if h.get("ChecksumSHA256") != base64.b64encode(bytes.fromhex(sha)).decode(): fail("checksum of %s: %s" % (key, h))
    elif op == "meta":
        m = s3.head_object(Bucket=b, Key=step[0])["Metadata"]
        for kv in step[1:]:
            k, v = kv.split("=", 1)
            if m.get(k) != v: fail("%s: %s is %r, not %r" % (step[0], k, m.get(k), v))
    elif op == "body":
        got = s3.get_object(Bucket=b, Key=step[0])["Body"].read().decode()
        if got != step[1]: fail("%s holds %r" % (step[0], got))
    elif op == "count":
        n = s3.list_objects_v2(Bucket=b, Prefix=step[0])["KeyCount"]
        if n != int(step[1]): fail("%d objects under %s, not %s" % (n, step[0], step[1]))
    elif op == "parts":
        etag = s3.head_object(Bucket=b, Key=step[0])["ETag"]
        if not etag.endswith('-%s"' % step[1]): fail("%s: ETag %s is not of %s parts" % (step[0], etag, step[1]))
    elif op == "absent":
        try:
            s3.head_object(Bucket=b, Key=step[0]); fail(step[0] + " exists")
        except s3.exceptions.ClientError: pass
    elif op == "put":
        s3.put_object(Bucket=b, Key=step[0], Body=step[1].encode())
    elif op == "create-upload":
        s3.create_multipart_upload(Bucket=b, Key=step[0])
    elif op == "no-uploads":
        if s3.list_multipart_uploads(Bucket=b).get("Uploads"): fail("an unfinished upload is left")
    elif op == "wait-part":
        for _ in range(200):
            n = max([len(s3.list_parts(Bucket=b, Key=u["Key"], UploadId=u["UploadId"]).get("Parts", []))
                     for u in s3.list_multipart_uploads(Bucket=b).get("Uploads", [])] + [0])
            if n: break
            time.sleep(0.05)
        print(n)
    else: fail("unknown op " + op)
PY
s3() { AWS_ENDPOINT_URL_S3=$ENDPOINT python3 "$WORK/s3.py" "$@"; }
s3 count "" 0 || fail "boto3 cannot use the key"

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

# --- first run: everything finished goes, with metadata; the rest waits ------------
"$RECAST" ship "$ROOT" --to s3://recs/fleet --host bastion1 --abort-after 0 >out 2>err || fail "ship: $(cat err)"
s3 object "fleet/bastion1/$DAY/101500-db1.cast" "$ROOT/$DAY/101500-db1.cast" single -- \
  object "fleet/bastion1/$DAY/121500-db3.cast.gz" "$ROOT/$DAY/121500-db3.cast.gz" single -- \
  object "fleet/bastion1/alice/shell/abc123.cast" "$ROOT/alice/shell/abc123.cast" single -- \
  meta "fleet/bastion1/$DAY/101500-db1.cast" recssh-user=alice recssh-target=root@db1 recssh-session-id=s-101500-db1 \
    recssh-host=b1 recssh-stream=shell recssh-start=2026-11-18T11:06:40Z -- \
  count "" 4 || fail "first run"
matches 'young.cast: pending' out || fail "a young recording was not left pending: $(cat out)"
matches 'locked.cast: pending:.*being recorded' out || fail "a locked recording was not left pending: $(cat out)"
matches '4 uploaded, 0 already there, 0 conflicts, 2 pending, 0 failed' err || fail "summary: $(cat err)"

# --- second run: nothing to send, nothing asked: the journal knows -----------------
requests() { grep -c 'HTTP/1.1"' "$WORK/moto.log" || true; }
before=$(requests)
"$RECAST" ship "$ROOT" --to s3://recs/fleet --host bastion1 --abort-after 0 --verify-read >out 2>err || fail "second ship: $(cat err)"
matches '0 uploaded, 4 already there, 0 conflicts, 2 pending, 0 failed (4 known from the journal)' err ||
  fail "a second run uploaded again: $(cat err)"
[ "$(requests)" = "$before" ] || fail "a second run sent $(($(requests) - before)) requests (moto's log)"
# --recheck asks the store (HEAD), and still sends nothing.
"$RECAST" ship "$ROOT" --to s3://recs/fleet --host bastion1 --abort-after 0 --recheck >out 2>err || fail "recheck: $(cat err)"
matches '0 uploaded, 4 already there, 0 conflicts, 2 pending, 0 failed (0 known' err || fail "recheck: $(cat err)"
[ "$(requests)" -gt "$before" ] || fail "--recheck asked nothing"
# The journal is a private file in the state directory, one line per shipped recording.
J=$WORK/state/ship/shipped.journal
[ "$(stat -c %a "$WORK/state/ship")" = 700 ] && [ "$(stat -c %a "$J")" = 600 ] || fail "journal not private"
[ "$(grep -c ' shipped ' "$J")" = 4 ] || fail "journal: $(cat "$J")"

# --- conflict: a different object at the key is never overwritten ------------------
cast "$ROOT/$DAY/151500-c.cast" mine
s3 put "fleet/bastion1/$DAY/151500-c.cast" "someone else"
rc=0; "$RECAST" ship "$ROOT/$DAY/151500-c.cast" --to s3://recs/fleet --host bastion1 --abort-after 0 >out 2>err || rc=$?
[ "$rc" = 3 ] || fail "a conflict exits 3, got $rc: $(cat err)"
matches 'conflict: s3://recs/fleet/bastion1/2026-11-22/151500-c.conflict-[0-9a-f]{12}.cast: .*holds a different object' -E err ||
  fail "conflict not reported: $(cat err)"
sha=$(sha256sum "$ROOT/$DAY/151500-c.cast" | cut -c1-12)
s3 body "fleet/bastion1/$DAY/151500-c.cast" "someone else" -- \
  object "fleet/bastion1/$DAY/151500-c.conflict-$sha.cast" "$ROOT/$DAY/151500-c.cast" single || fail "conflict"
rc=0; "$RECAST" ship "$ROOT/$DAY/151500-c.cast" --to s3://recs/fleet --host bastion1 --abort-after 0 >out 2>err || rc=$?
[ "$rc" = 3 ] && matches 'already shipped as' err && matches '0 uploaded' err || fail "conflict, second run: $(cat err)"

# Signatures are checked: a wrong secret and an unknown key are named as such.
AWS_SECRET_ACCESS_KEY=wrong expect_fail 1 'the secret key does not match the access key id \(SignatureDoesNotMatch; credentials from the environment\)' \
  "$RECAST" ship "$ROOT/$DAY/101500-db1.cast" --to s3://recs/fleet --host bastion1 --recheck --retries 1
AWS_ACCESS_KEY_ID=AKIAUNKNOWN000000000 expect_fail 1 'the access key id is not known to the server \(InvalidAccessKeyId' \
  "$RECAST" ship "$ROOT/$DAY/101500-db1.cast" --to s3://recs/fleet --host bastion1 --recheck --retries 1

# A clock too far from the server's: S3 refuses a request signed more than 15 minutes
# from its own time (RequestTimeTooSkewed in the body; a HEAD gets a bare 403 and the
# server's Date). moto does not check it: a stand-in server with S3's rule, whose
# clock is an hour ahead of this host's.
cat >"$WORK/skewed.py" <<'PY'
import datetime, email.utils, http.server, time
AHEAD = 3600
XML = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>RequestTimeTooSkewed</Code>'
       b'<Message>The difference between the request time and the current time is too large.</Message>'
       b'<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds></Error>')
class Skewed(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def answer(self, body):
        now = time.time() + AHEAD
        signed = datetime.datetime.strptime(self.headers.get("x-amz-date", "19700101T000000Z"), "%Y%m%dT%H%M%SZ")
        skew = abs(now - signed.replace(tzinfo=datetime.timezone.utc).timestamp())
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(403 if skew > 900 else 500)
        self.send_header("Date", email.utils.formatdate(now, usegmt=True))
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(XML) if body else 0))
        self.end_headers()
        if body:
            self.wfile.write(XML)
    def do_HEAD(self): self.answer(False)
    def do_GET(self): self.answer(True)
    def do_PUT(self): self.answer(True)
    def do_POST(self): self.answer(True)
    def log_message(self, *args): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Skewed)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
python3 "$WORK/skewed.py" >"$WORK/skewed.port" &
SKEWED_PID=$!
at_exit "kill $SKEWED_PID"
for _ in $(seq 50); do [ -s "$WORK/skewed.port" ] && break; sleep 0.1; done
AWS_ENDPOINT_URL_S3=http://127.0.0.1:$(cat "$WORK/skewed.port") expect_fail 1 \
  "this host's clock is too far from the server's \(RequestTimeTooSkewed, 3[56][0-9][0-9] s; fix the clock" \
  "$RECAST" ship "$ROOT/$DAY/101500-db1.cast" --to s3://recs/fleet --host bastion1 --recheck --retries 1

# moto 5.2.1 checks a signature over a query value holding '/' (ListMultipartUploads'
# prefix=KEY, %2F as SigV4 requires) against the decoded '/': boto3 itself fails
# there (list_multipart_uploads(Prefix="fleet/") -> SignatureDoesNotMatch). So what
# lists uploads runs with moto's checks off.
moto_auth 1e9

# --- multipart: parts of 5 MiB, S3's minimum ---------------------------------------
"$RECAST" ship "$BIG/161500-big.cast" --to s3://recs/fleet --host bastion1 --part-size 5M --verify-read >out 2>err ||
  fail "multipart: $(cat err)"
s3 object "fleet/bastion1/$DAY/161500-big.cast" "$BIG/161500-big.cast" multipart -- \
  parts "fleet/bastion1/$DAY/161500-big.cast" 3 || fail "multipart"

# --- a run killed mid-upload is resumed: no part lost, none sent twice ------------
KEY="fleet/bastion1/$DAY/171500-resume.cast"
"$RECAST" ship "$BIG/171500-resume.cast" --to s3://recs/fleet --host bastion1 --part-size 5M --part-jobs 1 --limit-rate 3M \
  >out.killed 2>err.killed &
SHIP_PID=$!
parts=$(s3 wait-part)
# While it runs: the secret is in no process's argv.
ps -eo args | grep -F -- "$SECRET" | grep -v grep && fail "the secret key is in a process's argv"
kill -9 "$SHIP_PID"; wait "$SHIP_PID" 2>/dev/null || true
parts=$(s3 wait-part) # what the store holds now: a part may have finished meanwhile
[ "$parts" -ge 1 ] || fail "no part was uploaded before the kill"
[ "$parts" -lt 3 ] || fail "the upload finished before the kill (limit-rate not applied?)"
s3 absent "$KEY" || fail "the killed upload left an object"
"$RECAST" ship "$BIG/171500-resume.cast" --to s3://recs/fleet --host bastion1 --part-size 5M >out 2>err ||
  fail "resume: $(cat err)"
matches "resuming upload with $parts of 3 parts" err || fail "not resumed: $(cat err)"
sent=$(grep -oE '[0-9.]+ MB in' err | cut -d' ' -f1)
s3 object "$KEY" "$BIG/171500-resume.cast" multipart -- parts "$KEY" 3 -- \
  count "fleet/bastion1/$DAY/171500" 1 -- no-uploads || fail "resume"
# Only the missing parts went: 12 MiB minus the parts already there.
python3 -c "import sys; sys.exit(0 if float('$sent') <= (12 - 5 * $parts) * 1048576 / 1e6 + 0.01 else 1)" ||
  fail "the resumed run sent $sent MB: parts already there were sent again"

# --- unfinished uploads nobody continues are aborted after --abort-after -----------
# (moto says every upload was initiated on 2010-11-10, so the default 7d applies.)
s3 create-upload "fleet/bastion1/2026-11-20/gone.cast"
"$RECAST" ship "$ROOT/$DAY/101500-db1.cast" --to s3://recs/fleet --host bastion1 --recheck >out 2>err || fail "$(cat err)"
matches 'aborted an upload of fleet/bastion1/2026-11-20/gone.cast' err || fail "stale upload not aborted: $(cat err)"
s3 no-uploads || fail "stale upload still there"

# --- credentials from a profile; errors named; the secret never printed ------------
mkdir -p "$HOME/.aws"
printf '[ship]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$KEY_ID" "$SECRET" >"$HOME/.aws/credentials"
printf '[profile ship]\nregion = us-east-1\n' >"$HOME/.aws/config"
(unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
 "$RECAST" ship "$ROOT/$DAY/101500-db1.cast" --to s3://recs/fleet --host bastion1 --recheck --profile ship) >out 2>err ||
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
. "$HERE/ship_journal.sh"
echo "ok"
