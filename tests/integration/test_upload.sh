# recast upload and recast auth against an HTTP server on 127.0.0.1 that implements
# asciinema-server's documented contract (no asciinema-server can be installed here):
# the 3.x endpoint (POST /api/v1/recordings, field "file") and 2.x's (POST
# /api/asciicasts, field "asciicast"), Basic auth with the install ID as password
# (lower-case UUID), 201 with {url, message}, 401/413/422 with {type, message}. The
# real asciinema 2.2 client and recast both upload to it; recast's requests must carry
# what the 3.x API expects; what the server would reject is refused before sending.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
require asciinema
export HOME="$WORK/home" USER=alice LANG=C.UTF-8 LC_ALL=C.UTF-8
unset XDG_STATE_HOME XDG_CONFIG_HOME ASCIINEMA_CONFIG_HOME ASCIINEMA_INSTALL_ID ASCIINEMA_SERVER_URL ASCIINEMA_API_URL || true
mkdir -p "$HOME"

cat >server.py <<'PY'
import base64, email, email.policy, json, os, re, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
LOG, LIMIT = sys.argv[1], int(sys.argv[2])
UUID = re.compile(r"\A[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}\Z")
REVOKED = "00000000-0000-4000-8000-000000000000"
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def answer(self, status, obj, location=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if location: self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(n)
        user = password = None
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        field = filename = None
        data = b""
        msg = email.message_from_bytes(b"Content-Type: " + self.headers.get("Content-Type", "").encode() + b"\r\n\r\n" + raw,
                                       policy=email.policy.HTTP)
        if msg.is_multipart():
            for part in msg.iter_parts():
                field, filename = part.get_param("name", header="content-disposition"), part.get_filename()
                data = part.get_payload(decode=True)
        entry = {"path": self.path, "user": user, "password": password, "field": field, "filename": filename,
                 "accept": self.headers.get("Accept"), "size": len(data)}
        with open(LOG, "a") as f: f.write(json.dumps(entry) + "\n")
        if os.path.exists(LOG + ".fail-next"):
            os.remove(LOG + ".fail-next")
            return self.answer(503, {"type": "unavailable", "message": "try again"})
        want = {"/api/v1/recordings": "file", "/api/asciicasts": "asciicast"}.get(self.path)
        if want is None: return self.answer(404, {"type": "not_found", "message": "Not found"})
        if password is None or not UUID.match(password):
            return self.answer(401, {"type": "unauthenticated", "message": "Invalid installation ID"})
        if password == REVOKED:
            return self.answer(401, {"type": "unauthenticated", "message": "This installation ID has been revoked"})
        if n > LIMIT:
            return self.answer(413, {"type": "content_too_large", "message": "The recording exceeds the size limit of %d bytes" % LIMIT})
        if field != want: return self.answer(400, {"type": "bad_request", "message": "missing field " + want})
        lines = data.decode("utf-8", "replace").splitlines()
        try:
            header = json.loads(lines[0])
            assert header.get("version") in (1, 2, 3)
        except Exception:
            return self.answer(422, {"type": "validation_failed", "message": "This doesn't look like a valid asciicast file"})
        if not any(l.startswith("[") for l in lines[1:]):
            return self.answer(422, {"type": "validation_failed", "message": "This recording has no events"})
        url = "http://127.0.0.1:%d/a/1" % self.server.server_port
        self.answer(201, {"id": 1, "url": url, "file_url": url + ".cast", "message": "View the recording at:\n\n    " + url + "\n"},
                    location=url)
s = HTTPServer(("127.0.0.1", 0), H)
open(LOG + ".port", "w").write(str(s.server_port))
s.serve_forever()
PY
python3 server.py "$WORK/log" 4096 &
at_exit "kill $!"
for _ in $(seq 100); do [ -s "$WORK/log.port" ] && break; sleep 0.05; done
export ASCIINEMA_SERVER_URL=http://127.0.0.1:$(cat "$WORK/log.port")
last() { tail -n 1 "$WORK/log"; }

# --- auth: a new install ID at asciinema 3.x's place, the same one next time --------
"$RECAST" auth >out 2>err || fail "auth: $(cat err)"
id=$(cat "$HOME/.local/state/asciinema/install-id")
[[ $id =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]] || fail "install ID '$id' is not a UUIDv4"
matches -F "$ASCIINEMA_SERVER_URL/connect/$id" out || fail "auth: $(cat out)"
[ "$(stat -c %a "$HOME/.local/state/asciinema/install-id")" = 600 ] || fail "install-id file not 0600"
"$RECAST" auth --server-url http://example.org/ >out 2>err
matches -F "http://example.org/connect/$id" out || fail "auth, same ID, --server-url: $(cat out)"
# asciinema 2.x's ID (its config directory) is shared when 3.x's is absent.
mkdir -p "$WORK/a2"
echo 11111111-2222-4333-8444-555555555555 >"$WORK/a2/install-id"
HOME=$WORK/h2 ASCIINEMA_CONFIG_HOME=$WORK/a2 "$RECAST" auth >out
matches -F "/connect/11111111-2222-4333-8444-555555555555" out || fail "2.x install ID not used: $(cat out)"
ASCIINEMA_INSTALL_ID=99999999-2222-4333-8444-555555555555 "$RECAST" auth >out
matches -F "/connect/99999999-2222-4333-8444-555555555555" out || fail "ASCIINEMA_INSTALL_ID not used"

# --- upload: what the 3.x API expects ----------------------------------------------
printf '{"version": 2, "width": 80, "height": 24}\n[0.5, "o", "hello\\r\\n"]\n' >good.cast
"$RECAST" upload good.cast >out 2>err || fail "upload: $(cat err)"
matches -F "View the recording at:" out || fail "upload printed: $(cat out)"
python3 - "$(last)" "$id" <<'PY' || fail "request: $(last)"
import json, sys
e = json.loads(sys.argv[1])
want = {"path": "/api/v1/recordings", "field": "file", "user": "alice", "password": sys.argv[2],
        "accept": "application/json", "size": len(open("good.cast", "rb").read())}
for k, v in want.items(): assert e[k] == v, (k, e[k], v)
PY
# The real asciinema 2.2 client, same ID (its 2.x place), same server: accepted too.
mkdir -p "$HOME/.config/asciinema" && cp "$HOME/.local/state/asciinema/install-id" "$HOME/.config/asciinema/install-id"
ASCIINEMA_API_URL=$ASCIINEMA_SERVER_URL asciinema upload good.cast >out 2>&1 || fail "asciinema upload: $(cat out)"
matches -F "View the recording at:" out || fail "asciinema 2.2 upload: $(cat out)"
last | matches '"path": "/api/asciicasts", "user": "alice", "password": "'"$id"'", "field": "asciicast"' ||
  fail "asciinema 2.2's request: $(last)"

# --- refused before sending ----------------------------------------------------------
requests=$(wc -l <"$WORK/log")
printf '{"version": 2, "width": 80, "height": 24}\n' >empty.cast
expect_fail 1 'no events' "$RECAST" upload empty.cast
gzip -k good.cast
expect_fail 1 'gzip-compressed.*decompress first' "$RECAST" upload good.cast.gz
expect_fail 1 'a ttyrec log, not asciicast; convert it first' "$RECAST" upload "$FIXTURES/ttyrec/$(ls "$FIXTURES/ttyrec" | head -1)"
expect_fail 1 'over the server.s limit of 10' "$RECAST" upload --max-size 10 good.cast
ASCIINEMA_INSTALL_ID=NOT-A-UUID expect_fail 1 'not a lower-case UUID' "$RECAST" upload good.cast
[ "$(wc -l <"$WORK/log")" = "$requests" ] || fail "a refused upload reached the server"

# --- the server's answers ---------------------------------------------------------------
ASCIINEMA_INSTALL_ID=00000000-0000-4000-8000-000000000000 expect_fail 1 'HTTP 401: This installation ID has been revoked' \
  "$RECAST" upload good.cast
head -c 5000 /dev/zero | tr '\0' 'x' | sed 's/.*/[0.1, "o", "&"]/' >>big.cast
printf '{"version": 2, "width": 80, "height": 24}\n' | cat - big.cast >big2.cast
expect_fail 1 'HTTP 413: The recording exceeds the size limit of 4096 bytes' "$RECAST" upload big2.cast
printf '{"version": 2, "width": 80, "height": 24}\n[0.5, "o", "x"]\n' >ok.cast
touch "$WORK/log.fail-next"
"$RECAST" upload ok.cast >out 2>err || fail "5xx not retried: $(cat err)"
matches 'HTTP 503; retrying' err || fail "no retry note: $(cat err)"
matches -F "View the recording at:" out || fail "after a retry: $(cat out)"
for f in out err "$WORK/out" "$WORK/err"; do matches -F -- "$id" "$f" && fail "the install ID was printed ($f)"; done
echo ok
