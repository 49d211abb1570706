#!/usr/bin/env bash
# A large transfer through `-L`, under recssh (relayed and captured to PCAP) next to
# plain ssh and next to the cheapest relay in the same place (bare_relay: ssh's private
# Unix socket, splice(2), nothing recorded), same sshd on 127.0.0.1, same data,
# interleaved runs; then 100 parallel connections through `-D` for recssh's peak RSS.
# Needs a build (make build), sshd, python3 and curl.
#   bash bench/forward.sh [MB] [RUNS] [PARALLEL]   (default 1024 3 100)
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-1024}
runs=${2:-3}
parallel=${3:-100}
recssh=$PWD/build/cmd/recssh
bare_relay=$PWD/build/bench/bare_relay
WORK=$(mktemp -d /tmp/recssh-bench-fwd.XXXXXX)
AT_EXIT=()
at_exit() { AT_EXIT+=("$1"); }
fail() { echo "FAIL: $*" >&2; exit 1; }
require() { command -v "$1" >/dev/null || fail "$1 is needed"; }
cleanup() {
  local c
  for c in "${AT_EXIT[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
. tests/integration/sshd.sh
start_sshd
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A server that sends MB mebibytes of zeros-and-noise to each connection.
SP=$(port)
python3 - "$SP" "$mb" <<'PY' &
import os, socket, sys, threading
port, mb = int(sys.argv[1]), int(sys.argv[2])
chunk = os.urandom(1 << 20)
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port)); srv.listen(256)
def one(c):
    with c:
        try:
            c.recv(1)
            for _ in range(mb): c.sendall(chunk)
        except OSError: pass
while True:
    c, _ = srv.accept(); threading.Thread(target=one, args=(c,), daemon=True).start()
PY
at_exit "kill $!"
fetch() { # fetch PORT: wall seconds to read everything through the forward
  python3 - "$1" <<'PY'
import socket, sys, time
for _ in range(300):
    try:
        c = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); break
    except OSError: time.sleep(0.05)
# From the first byte: recssh accepts at once and holds the connection until ssh,
# still logging in, has its end; that wait is not throughput.
c.sendall(b"g"); n = len(c.recv(1 << 20)); t = time.time()
while True:
    b = c.recv(1 << 20)
    if not b: break
    n += len(b)
print("%.3f %d" % (time.time() - t, n))
PY
}
peak_kib() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }
one_run() { # one_run ssh|bare|recssh: "seconds bytes peak-RSS-KiB lost" into $WORK/run
  local lp pid relay=; lp=$(port)
  if [ "$1" = ssh ]; then
    ssh -F "$SSH_CONFIG" -N -L "$lp:127.0.0.1:$SP" testhost </dev/null & pid=$!
  elif [ "$1" = bare ]; then
    mkdir -m 700 "$WORK/bare"
    ssh -F "$SSH_CONFIG" -N -L "$WORK/bare/ssh.sock:127.0.0.1:$SP" testhost </dev/null & pid=$!
    "$bare_relay" "$lp" "$WORK/bare/ssh.sock" & relay=$!
  else
    "$recssh" --dir "$WORK/rec" --quiet --forwards="${FORWARDS:-pcap}" -F "$SSH_CONFIG" -N -L "$lp:127.0.0.1:$SP" testhost </dev/null & pid=$!
  fi
  local r; r=$(fetch "$lp")
  local rss; rss=$(peak_kib $pid)
  kill -TERM $pid $relay; wait $pid $relay 2>/dev/null || true
  rm -rf "$WORK/bare"
  local lost=0
  [ "$1" = recssh ] && lost=$( (grep -ho 'lost=[0-9]*' "$WORK"/rec/*/*.cast || true) | head -n 1 | cut -d= -f2)
  echo "$r $rss ${lost:-0}" >"$WORK/run"
  rm -rf "$WORK/rec"
}
# ssh's cost through recssh depends on it (recssh(1), Throughput): shown with the result.
wmem=$(cat /proc/sys/net/core/wmem_default 2>/dev/null || echo unknown)
echo "# ${mb} MiB through -L, $runs runs each, interleaved (MB/s; recssh/ssh, recssh/bare relay; net.core.wmem_default=$wmem)"
for i in $(seq "$runs"); do
  one_run ssh; read -r ts bs _ <"$WORK/run"
  one_run bare; read -r tb bb _ <"$WORK/run"
  one_run recssh; read -r tr br rss lost <"$WORK/run"
  [ "$bs" = $((mb * 1048576)) ] && [ "$bb" = "$bs" ] && [ "$br" = "$bs" ] ||
    fail "short transfer: ssh $bs, bare relay $bb, recssh $br"
  awk -v ts="$ts" -v tb="$tb" -v tr="$tr" -v b="$bs" -v rss="$rss" -v lost="$lost" \
    'BEGIN { printf "ssh %.0f MB/s  bare relay %.0f MB/s  recssh %.0f MB/s  ratio %.2f (bare relay %.2f)  recssh/bare relay %.2f  recssh peak RSS %.1f MiB  not captured %d bytes\n", b/ts/1e6, b/tb/1e6, b/tr/1e6, ts/tr, ts/tb, tb/tr, rss/1024, lost }'
done

echo "# $parallel parallel connections through -D (curl --socks5-hostname, 1 MiB each)"
mkdir -p "$WORK/www" && head -c 1048576 /dev/urandom >"$WORK/www/f"
HP=$(port)
(cd "$WORK/www" && exec python3 -m http.server "$HP" --bind 127.0.0.1 >/dev/null 2>&1) & at_exit "kill $!"
DP=$(port)
"$recssh" --dir "$WORK/rec" --quiet -F "$SSH_CONFIG" -N -D "$DP" testhost </dev/null &
pid=$!
python3 tests/tools/fwd_peer.py listening "$DP" # (bound after reading ssh's configuration)
curls=()
for i in $(seq "$parallel"); do
  curl -s --max-time 120 --socks5-hostname "127.0.0.1:$DP" -o "$WORK/got.$i" "http://localhost:$HP/f" &
  curls+=($!)
done
wait "${curls[@]}" || true
rss=$(peak_kib $pid)
kill -TERM $pid; wait $pid 2>/dev/null || true
ok=$(for i in $(seq "$parallel"); do cmp -s "$WORK/got.$i" "$WORK/www/f" && echo ok; done | wc -l)
opened=$(grep -c 'forward open D' "$WORK"/rec/*/*.cast)
echo "complete transfers: $ok/$parallel  connections recorded: $opened  recssh peak RSS: $(awk -v k="$rss" 'BEGIN {printf "%.1f", k/1024}') MiB"
