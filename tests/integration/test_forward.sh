# Port forwards under recssh against a real sshd on 127.0.0.1: -L, -R and -D relayed
# and captured, each connection's bytes read back by tshark exactly as sent, one PCAP
# per destination, markers and the header's list in the cast, --forwards=meta, a port
# already taken (ssh's own error and status), ssh -f (recssh goes to the background
# where ssh would, and records on), and ssh's exit status kept.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
. "$HERE/sshd.sh"
: "${RECSSH:?}"
require tshark
require curl
require python3
require tcpdump
require script
require ss
PEER="python3 $HERE/../tools/fwd_peer.py"
start_sshd
R="$WORK/rec"
port() { $PEER port; }

# Two destinations: a TCP peer that answers each connection with its own reply after
# reading the request to EOF, and python's http.server.
head -c 300000 /dev/urandom >"$WORK/reply"
head -c 200000 /dev/urandom >"$WORK/request"
SP=$(port)
$PEER serve "$SP" "$WORK/reply" & at_exit "kill $!"
mkdir "$WORK/www" && head -c 150000 /dev/urandom >"$WORK/www/blob"
HP=$(port)
(cd "$WORK/www" && exec python3 -m http.server "$HP" --bind 127.0.0.1 >/dev/null 2>&1) & at_exit "kill $!"
$PEER wait "$SP"; $PEER wait "$HP"

# follow PCAP STREAM: each direction's bytes into $WORK/up and $WORK/down.
follow() { $PEER follow "$1" "$2" "$WORK/up" "$WORK/down"; }
# start_recssh ARGS...: recssh -N in the background; RPID is its pid.
start_recssh() {
  "$RECSSH" --dir "$R" -F "$SSH_CONFIG" -N "$@" testhost </dev/null 2>"$WORK/recssh.err" &
  RPID=$!
  at_exit "kill $RPID"
}
stop_recssh() {
  kill -TERM "$RPID"
  wait "$RPID" || true
}
# listening PORT...: until recssh listens on each port. It binds them after reading
# ssh's configuration, so a client started at once could find nothing there.
listening() { $PEER listening "$@" || fail "recssh does not listen: $(cat "$WORK/recssh.err")"; }
cast_of() { find "$R" -name '*.cast' -newer "$1" | head -n 1; }

# --- -L: two connections to one destination, one to another -----------------------
L1=$(port); L2=$(port)
touch "$WORK/t0"; sleep 1
start_recssh -L "$L1:127.0.0.1:$SP" -L "127.0.0.1:$L2:127.0.0.1:$HP"
listening "$L1" "$L2"
$PEER send "$L1" "$WORK/request" "$WORK/got1"
cmp -s "$WORK/got1" "$WORK/reply" || fail "-L: the reply through the forward differs"
$PEER send "$L1" "$WORK/request" "$WORK/got2"
cmp -s "$WORK/got2" "$WORK/reply" || fail "-L: the second reply differs"
curl -s --max-time 30 -D "$WORK/h" -o "$WORK/body" "http://127.0.0.1:$L2/blob" || fail "-L: curl through the forward failed"
cmp -s "$WORK/body" "$WORK/www/blob" || fail "-L: curl got other bytes"
stop_recssh
cast=$(cast_of "$WORK/t0")
[ -n "$cast" ] || fail "-L: no cast"
stem=${cast%.cast}
p1="${stem}_127.0.0.1_$SP.pcap"; p2="${stem}_127.0.0.1_$HP.pcap"
[ -f "$p1" ] && [ -f "$p2" ] || fail "-L: expected one PCAP per destination beside $cast: $(ls "$(dirname "$cast")")"
[ "$(find "$(dirname "$cast")" -name '*.pcap' -newer "$WORK/t0" | wc -l)" = 2 ] || fail "-L: more than two PCAPs"
[ "$(stat -c %a "$p1")" = 600 ] || fail "-L: PCAP mode $(stat -c %a "$p1")"
# Both connections to the first destination are flows of one file, byte-exact.
for s in 0 1; do
  follow "$p1" $s
  cmp -s "$WORK/up" "$WORK/request" || fail "-L: flow $s up: tshark's bytes differ from what was sent ($(wc -c <"$WORK/up"))"
  cmp -s "$WORK/down" "$WORK/reply" || fail "-L: flow $s down: tshark's bytes differ from the reply ($(wc -c <"$WORK/down"))"
done
follow "$p2" 0
cat "$WORK/h" "$WORK/body" | cmp -s - "$WORK/down" || fail "-L: the HTTP response in the capture differs from curl's"
matches "^GET /blob HTTP/1.1" "$WORK/up" || fail "-L: the HTTP request is not in the capture"
tcpdump -r "$p1" -nn 2>/dev/null | matches "Flags \[S\]" || fail "tcpdump does not read the PCAP"
# Every IP and TCP checksum is right, as a capture on the wire would have it.
bad=$(tshark -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -r "$p1" -Y "ip.checksum.status == 0 || tcp.checksum.status == 0" 2>/dev/null | wc -l)
good=$(tshark -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -r "$p1" -Y "tcp.checksum.status == 1" 2>/dev/null | wc -l)
[ "$bad" = 0 ] && [ "$good" -gt 10 ] || fail "checksums: $bad bad, $good good"
head -n 1 "$cast" | matches "\"forwards\":\\[\"L $L1 -> 127.0.0.1:$SP (pcap)\",\"L 127.0.0.1:$L2 -> 127.0.0.1:$HP (pcap)\"\\]" ||
  fail "-L: header's forwards: $(head -n 1 "$cast")"
matches "\"recssh: forward open L 127.0.0.1:$L1 -> 127.0.0.1:$SP conn=1\"" "$cast" || fail "-L: no open marker: $(cat "$cast")"
matches "\"recssh: forward close conn=1 up=200000 down=300000 bytes\"" "$cast" || fail "-L: no close marker with counts: $(cat "$cast")"
matches "forward open L 127.0.0.1:$L2 -> 127.0.0.1:$HP conn=3" "$cast" || fail "-L: third connection's marker"
"$RECAST" validate "$cast" >/dev/null || fail "-L: the cast does not validate"
# Review: ls lists the forwards (--json as the header has them, -L their number and totals).
"$RECAST" ls --json "$cast" | matches "\"forwards\":\[\"L $L1 -> 127.0.0.1:$SP (pcap)\"," || fail "ls --json: $("$RECAST" ls --json "$cast")"
# -L also totals them from the relay's markers: 3 connections, 400000 + 600000 bytes
# through the first forward and curl's request and 150000-byte reply through the second.
"$RECAST" ls -L "$cast" | head -n 1 | matches -E "  2  3c/1\.1M  $cast\$" || fail "ls -L: $("$RECAST" ls -L "$cast")"
"$RECAST" ls -L --json "$cast" | matches -F "\"forward_totals\":[{\"route\":\"L 127.0.0.1:$L1 -> 127.0.0.1:$SP\",\"connections\":2,\"up\":400000,\"down\":600000," ||
  fail "ls -L --json: $("$RECAST" ls -L --json "$cast")"
"$RECAST" info "$cast" | matches "forward close conn=1 up=200000 down=300000 bytes" || fail "info does not show the forwards"
# ...and their totals per forward: two connections of 200,000 bytes up and 300,000 down.
"$RECAST" info "$cast" >"$WORK/info.out"
matches -F "  forward: L 127.0.0.1:$L1 -> 127.0.0.1:$SP: 2 connections, 400000 bytes up, 600000 down" "$WORK/info.out" ||
  fail "info: no totals for the first forward: $(cat "$WORK/info.out")"
matches -E "  forward: L 127.0.0.1:$L2 -> 127.0.0.1:$HP: 1 connection, [0-9]+ bytes up, [0-9]+ down\$" "$WORK/info.out" ||
  fail "info: no totals for the second forward: $(cat "$WORK/info.out")"
"$RECAST" info --json "$cast" | matches -F "\"forward_totals\":[{\"route\":\"L 127.0.0.1:$L1 -> 127.0.0.1:$SP\",\"connections\":2,\"up\":400000,\"down\":600000,\"lost\":0," ||
  fail "info --json: $("$RECAST" info --json "$cast")"
# grep --tcpip: the flows' bytes as lines, with the time and the flow; .gz too.
"$RECAST" grep --tcpip "^GET /blob HTTP/1.1$" "$R" >"$WORK/g.out" || fail "grep --tcpip found nothing"
matches -E "^$p2:[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z: 127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:$HP: GET /blob HTTP/1.1$" "$WORK/g.out" ||
  fail "grep --tcpip: $(cat "$WORK/g.out")"
gzip -c "$p2" >"$WORK/cap.pcap.gz"
[ "$("$RECAST" grep --tcpip -c "HTTP/1.0 200 OK" "$WORK/cap.pcap.gz")" = "$WORK/cap.pcap.gz:1" ] || fail "grep --tcpip -c on .pcap.gz"
rc=0; "$RECAST" grep --tcpip "no such text anywhere" "$p1" >/dev/null || rc=$?
[ "$rc" = 1 ] || fail "grep --tcpip without a hit: exit $rc"
# A capture tcpdump made itself, on the loopback interface (Ethernet frames, as Linux
# gives them for lo): grep --tcpip reads it the same way.
tcpdump -i lo -U -n -w "$WORK/lo.pcap" "tcp port $HP" 2>"$WORK/tcpdump.err" &
tcpdump_pid=$!
for _ in $(seq 50); do matches -i "listening on" "$WORK/tcpdump.err" && break; sleep 0.1; done
curl -s --max-time 30 -o /dev/null "http://127.0.0.1:$HP/blob" || fail "curl to the web server failed"
sleep 0.5
kill -INT "$tcpdump_pid"; wait "$tcpdump_pid" || true
tcpdump -r "$WORK/lo.pcap" 2>&1 >/dev/null | matches "link-type EN10MB" || fail "tcpdump's capture is not Ethernet: $(tcpdump -r "$WORK/lo.pcap" 2>&1 | head -n 2)"
"$RECAST" grep --tcpip "^GET /blob HTTP/1.1$" "$WORK/lo.pcap" >"$WORK/g2.out" || fail "grep --tcpip on tcpdump's capture found nothing"
matches -E ": 127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:$HP: GET /blob HTTP/1.1$" "$WORK/g2.out" || fail "grep --tcpip (Ethernet): $(cat "$WORK/g2.out")"
[ "$("$RECAST" grep --tcpip -c "HTTP/1.0 200 OK" "$WORK/lo.pcap")" = "$WORK/lo.pcap:1" ] || fail "grep --tcpip -c (Ethernet)"
# Rotation: captures age like recordings, on their own mtime. Past retention they go
# with their recording (and without one: a merge leaves its inputs' captures behind);
# a kept one keeps them; past compress-after they become .pcap.gz that tshark and
# grep --tcpip read, byte for byte the capture.
export RECSSH_STATE_DIR="$WORK/state"
mkdir -p "$WORK/rot/2025-01-01" "$WORK/rot/2025-01-02" "$WORK/rot/2025-01-03"
cp "$cast" "$p1" "$p2" "$WORK/rot/2025-01-01/"
cp "$cast" "$p1" "$WORK/rot/2025-01-02/"
cp "$p2" "$WORK/rot/2025-01-03/orphan_127.0.0.1_80.pcap"
touch -d '200 days ago' "$WORK/rot/2025-01-01/"* "$WORK/rot/2025-01-03/"*
touch -d '3 days ago' "$WORK/rot/2025-01-02/"*
"$RECAST" rotate --retain 90d --compress-after 1d "$WORK/rot" >"$WORK/rot.out" 2>&1 || fail "rotate: $(cat "$WORK/rot.out")"
[ -z "$(ls -A "$WORK/rot/2025-01-01" 2>/dev/null)" ] || fail "retention left captures behind: $(ls "$WORK/rot/2025-01-01")"
[ -z "$(ls -A "$WORK/rot/2025-01-03" 2>/dev/null)" ] || fail "retention left an orphan capture: $(ls "$WORK/rot/2025-01-03")"
kept=$WORK/rot/2025-01-02/$(basename "$p1").gz
[ "$(ls "$WORK/rot/2025-01-02" | wc -l)" = 2 ] && [ -f "$kept" ] ||
  fail "a kept recording's capture not kept and compressed: $(ls "$WORK/rot/2025-01-02")"
gzip -dc "$kept" | cmp -s - "$p1" || fail "the compressed capture is not the capture"
[ "$(stat -c %a "$kept")" = 600 ] || fail "the compressed capture is not private: $(stat -c %a "$kept")"
matches 'captures: 1 compressed, 3 deleted' "$WORK/rot.out" || fail "rotate's summary: $(cat "$WORK/rot.out")"
[ "$(tshark -r "$kept" -qz follow,tcp,raw,0 2>/dev/null | grep -c '^[0-9a-f]')" -gt 0 ] || fail "tshark cannot read $kept"
"$RECAST" grep --tcpip -c . "$WORK/rot" | matches "^$kept:[1-9]" || fail "grep --tcpip over the rotated tree"
tail -n 1 "$cast" | matches 'recssh: end:' || fail "-L: no end marker after the forwards' markers"

# --- -R: a connection made on the sshd side reaches a local server ----------------
RP=$(port)
touch "$WORK/t1"; sleep 1
start_recssh -R "$RP:127.0.0.1:$SP"
$PEER wait "$RP"
$PEER send "$RP" "$WORK/request" "$WORK/got3"
cmp -s "$WORK/got3" "$WORK/reply" || fail "-R: the reply through the remote forward differs"
stop_recssh
cast=$(cast_of "$WORK/t1")
pr="${cast%.cast}_127.0.0.1_$SP.pcap"
[ -f "$pr" ] || fail "-R: no PCAP $pr"
follow "$pr" 1 # stream 0 is the probe of `wait`
cmp -s "$WORK/up" "$WORK/request" && cmp -s "$WORK/down" "$WORK/reply" || fail "-R: captured bytes differ"
matches "forward open R $RP -> 127.0.0.1:$SP conn=1" "$cast" || fail "-R: marker: $(cat "$cast")"
# The probe connection of `wait` is a flow too, with no bytes.
matches "forward close conn=2 up=200000 down=300000 bytes" "$cast" || fail "-R: close marker: $(cat "$cast")"

# --- -D: SOCKS5 with a host name and SOCKS4a, through ssh's own SOCKS ---------------
DP=$(port)
touch "$WORK/t2"; sleep 1
start_recssh -D "$DP"
listening "$DP"
curl -sS --max-time 30 --socks5-hostname "127.0.0.1:$DP" -o "$WORK/b5" "http://localhost:$HP/blob" 2>"$WORK/curl.err" || fail "-D: curl --socks5-hostname failed: $(cat "$WORK/curl.err") $(cat "$WORK/recssh.err")"
curl -s --max-time 30 --socks4a "127.0.0.1:$DP" -o "$WORK/b4" "http://localhost:$HP/blob" || fail "-D: curl --socks4a failed"
cmp -s "$WORK/b5" "$WORK/www/blob" && cmp -s "$WORK/b4" "$WORK/www/blob" || fail "-D: curl got other bytes"
# ssh's own SOCKS end is a Unix socket in recssh's 0700 directory, not a loopback port
# that another local user could reach past the recording.
SSHPID=$(pgrep -P "$RPID" -x ssh)
ss -lxpH | grep "pid=$SSHPID," | matches '/recssh-fwd\.[^/ ]*/D1 ' || fail "-D: ssh's private end is not its Unix socket: $(ss -lxpH | grep "pid=$SSHPID,")"
! ss -ltpH | grep -q "pid=$SSHPID," || fail "-D: ssh listens on TCP: $(ss -ltpH | grep "pid=$SSHPID,")"
stop_recssh
cast=$(cast_of "$WORK/t2")
pd="${cast%.cast}_localhost_$HP.pcap"
[ -f "$pd" ] || fail "-D: no PCAP for localhost:$HP: $(ls "$(dirname "$cast")")"
for s in 0 1; do
  follow "$pd" $s
  # The SOCKS handshake is not traffic: the flow starts with the HTTP request.
  head -c 10 "$WORK/up" | matches "^GET /blob" || fail "-D: flow $s does not start with the request: $(head -c 20 "$WORK/up" | od -c | head -2)"
  tail -c 150000 "$WORK/down" | cmp -s - "$WORK/www/blob" || fail "-D: flow $s's response differs"
done
matches "forward open D 127.0.0.1:$DP -> localhost:$HP conn=1" "$cast" || fail "-D: marker: $(cat "$cast")"
head -n 1 "$cast" | matches "\"D $DP (socks) (pcap)\"" || fail "-D: header: $(head -n 1 "$cast")"

# --- --forwards=meta: markers and counts, no content --------------------------------
L3=$(port)
touch "$WORK/t3"; sleep 1
"$RECSSH" --dir "$R" --forwards=meta -F "$SSH_CONFIG" -N -L "$L3:127.0.0.1:$SP" testhost </dev/null 2>"$WORK/recssh.err" &
RPID=$!; at_exit "kill $RPID"
listening "$L3"
$PEER send "$L3" "$WORK/request" "$WORK/got4"
cmp -s "$WORK/got4" "$WORK/reply" || fail "meta: the forward does not work"
stop_recssh
cast=$(cast_of "$WORK/t3")
[ -z "$(find "$R" -name '*.pcap' -newer "$WORK/t3")" ] || fail "meta: a PCAP was written"
matches "forward close conn=1 up=200000 down=300000 bytes" "$cast" || fail "meta: no counts: $(cat "$cast")"
head -n 1 "$cast" | matches "(meta)" || fail "meta: header"

# --- a port already taken: ssh's own error and status ---------------------------------
BUSY=$(port)
python3 -c "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',$BUSY)); s.listen(); time.sleep(60)" &
at_exit "kill $!"
$PEER wait "$BUSY"
rc=0; ssh -F "$SSH_CONFIG" -o ExitOnForwardFailure=yes -L "127.0.0.1:$BUSY:127.0.0.1:$SP" testhost true </dev/null 2>"$WORK/ssh.err" || rc=$?
rrc=0; "$RECSSH" --dir "$R" -F "$SSH_CONFIG" -o ExitOnForwardFailure=yes -L "127.0.0.1:$BUSY:127.0.0.1:$SP" testhost true </dev/null 2>"$WORK/rec.err" || rrc=$?
[ "$rc" = 255 ] && [ "$rrc" = "$rc" ] || fail "busy port: recssh exited $rrc, ssh $rc"
grep -v '^recssh:' "$WORK/rec.err" | diff - "$WORK/ssh.err" >/dev/null || fail "busy port: recssh's ssh said $(cat "$WORK/rec.err"), plain ssh $(cat "$WORK/ssh.err")"
matches "left to ssh" "$WORK/rec.err" || fail "busy port: no note that the forward was left to ssh"

# --- a LocalForward from ssh's configuration (in a file it includes) is relayed like
# the command line's: ssh gets a copy of its configuration without it (-F) and the
# forward on its command line; both flows in the destination's one PCAP ------------
CF=$(port); CL=$(port)
mkdir -p "$WORK/fwd.d" "$WORK/run"
cp "$SSH_CONFIG" "$WORK/ssh_config.fwd"
printf '\nInclude "%s/fwd.d/*.conf"\n' "$WORK" >>"$WORK/ssh_config.fwd"
printf 'Host testhost\n  GatewayPorts yes\n  LocalForward=127.0.0.1:%s 127.0.0.1:%s\nHost other\n  DynamicForward 1\n' \
  "$CF" "$SP" >"$WORK/fwd.d/10-fwd.conf"
touch "$WORK/t5"; sleep 1
XDG_RUNTIME_DIR="$WORK/run" "$RECSSH" --dir "$R" -F "$WORK/ssh_config.fwd" -N -L "$CL:127.0.0.1:$SP" testhost \
  </dev/null 2>"$WORK/cfg.err" &
RPID=$!; at_exit "kill $RPID"
$PEER wait "$CF"
$PEER send "$CF" "$WORK/request" "$WORK/got5"
cmp -s "$WORK/got5" "$WORK/reply" || fail "config forward: not forwarded: $(cat "$WORK/cfg.err")"
$PEER send "$CL" "$WORK/request" "$WORK/got6"
cmp -s "$WORK/got6" "$WORK/reply" || fail "config forward: the command line's not forwarded: $(cat "$WORK/cfg.err")"
# GatewayPorts from the configuration: the command line's forward without a bind
# address listens on every address, as ssh's own would; the one bound to 127.0.0.1 not.
ss -ltnH "sport = :$CL" | grep -Eq '(0\.0\.0\.0|\*|\[::\]):'"$CL" || fail "GatewayPorts: $(ss -ltnH "sport = :$CL")"
! ss -ltnH "sport = :$CF" | grep -Eq '(0\.0\.0\.0|\*|\[::\]):'"$CF" || fail "GatewayPorts: $(ss -ltnH "sport = :$CF")"
# ssh reads the same configuration from the copy, but for the forwards.
top=$(ps -o args= -C ssh | grep -o "$WORK/run/recssh-conf[^ ]*" | head -n 1)
[ -n "$top" ] || fail "config forward: ssh was not given a copy: $(ps -o args= -C ssh)"
ssh -G -F "$WORK/ssh_config.fwd" testhost | grep -v forward >"$WORK/G.orig"
ssh -G -F "$top" testhost | grep -v forward >"$WORK/G.copy"
diff "$WORK/G.orig" "$WORK/G.copy" >&2 || fail "config forward: ssh -G differs with the copy"
! ssh -G -F "$top" testhost | grep -q '^localforward' || fail "config forward: the copy still forwards"
ls "$WORK/run"/recssh-conf.*/*.conf >/dev/null 2>&1 || fail "config forward: no private copy of the configuration: $(ls -la "$WORK/run"; cat "$WORK/cfg.err"; ps -ef | grep "[s]sh .*testhost")"
stop_recssh
[ -z "$(ls "$WORK/run")" ] || fail "config forward: private files left behind: $(ls -R "$WORK/run")"
[ ! -s "$WORK/cfg.err" ] || fail "config forward: recssh said $(cat "$WORK/cfg.err")"
cast=$(cast_of "$WORK/t5")
head -n 1 "$cast" | matches "L 127.0.0.1:$CF -> 127.0.0.1:$SP (pcap, ssh config)" ||
  fail "config forward: not listed as relayed: $(head -n 1 "$cast")"
head -n 1 "$cast" | matches "L $CL -> 127.0.0.1:$SP (pcap)" || fail "config forward: the command line's: $(head -n 1 "$cast")"
! head -n 1 "$cast" | grep -q '"D ' || fail "config forward: another host's forward listed"
# (three connections: the wait for the port, then one through each forward)
[ "$(grep -c 'forward open' "$cast")" = 3 ] || fail "config forward: not both relayed: $(grep forward "$cast")"
p5="${cast%.cast}_127.0.0.1_$SP.pcap"
for s in 1 2; do
  follow "$p5" $s
  cmp -s "$WORK/up" "$WORK/request" && cmp -s "$WORK/down" "$WORK/reply" || fail "config forward: flow $s differs"
done
# The same forward on the command line too: one forward (ssh skips the repeat), which
# ssh does not also try to bind from its configuration next to recssh.
touch "$WORK/t9"; sleep 1
"$RECSSH" --dir "$R" -F "$WORK/ssh_config.fwd" -o ExitOnForwardFailure=yes -L "127.0.0.1:$CF:127.0.0.1:$SP" \
  testhost true </dev/null 2>"$WORK/cfg.err" || fail "config forward repeated on the command line: $(cat "$WORK/cfg.err")"
head -n 1 "$(cast_of "$WORK/t9")" | matches "\"forwards\":\[\"L 127.0.0.1:$CF -> 127.0.0.1:$SP (pcap)\"\]" ||
  fail "config forward repeated: $(head -n 1 "$(cast_of "$WORK/t9")")"
# With --forwards=off ssh forwards it itself, from its own configuration; listed.
touch "$WORK/t6"; sleep 1
"$RECSSH" --dir "$R" --forwards=off -F "$WORK/ssh_config.fwd" testhost true </dev/null 2>"$WORK/cfg.err" ||
  fail "config forward, off: $(cat "$WORK/cfg.err")"
head -n 1 "$(cast_of "$WORK/t6")" | matches "L 127.0.0.1:$CF -> 127.0.0.1:$SP (ssh config: not recorded)" ||
  fail "config forward, off: not listed: $(head -n 1 "$(cast_of "$WORK/t6")")"

# --- -W: ssh's stdin and stdout are the connection; what comes back is the output --
touch "$WORK/t7"; sleep 1
# (with a -L, which -W makes ssh clear: recssh leaves it too)
PW=$(port)
"$RECSSH" --dir "$R" -F "$SSH_CONFIG" -W "127.0.0.1:$SP" -L "$PW:127.0.0.1:$SP" testhost <"$WORK/request" >"$WORK/got7" \
  2>"$WORK/w.err" || fail "-W: $(cat "$WORK/w.err")"
matches "with -W, ssh clears every other forward" "$WORK/w.err" || fail "-W: no note: $(cat "$WORK/w.err")"
cmp -s "$WORK/got7" "$WORK/reply" || fail "-W: the reply differs"
cast=$(cast_of "$WORK/t7")
head -n 1 "$cast" | matches "\"W 127.0.0.1:$SP (stdio: the output)\"" || fail "-W: header: $(head -n 1 "$cast")"
head -n 1 "$cast" | matches "\"L $PW -> 127.0.0.1:$SP (off)\"" || fail "-W: the -L: $(head -n 1 "$cast")"
grep -q '^\[[0-9.]*, "o", ' "$cast" || fail "-W: the reply is not the session's output"

# --- the session's exit status is ssh's --------------------------------------------
# (the forward given after the destination, where ssh reads options as well)
P7=$(port); touch "$WORK/t8"; sleep 1
rc=0; "$RECSSH" --dir "$R" -F "$SSH_CONFIG" testhost -L "$P7:127.0.0.1:$SP" 'exit 7' </dev/null 2>/dev/null || rc=$?
[ "$rc" = 7 ] || fail "exit status with a forward: $rc, expected 7"
head -n 1 "$(cast_of "$WORK/t8")" | matches "\"L $P7 -> 127.0.0.1:$SP (pcap)\"" ||
  fail "a forward after the destination: $(head -n 1 "$(cast_of "$WORK/t8")")"
# --- ssh -f: recssh goes to the background where ssh would, and records on ----------
# `-fN -L`, the tunnel idiom: recssh returns 0 once the forward is up (as ssh -f does),
# the forward works, and its connection is relayed and captured by the recssh left in
# the background, until that is stopped.
# (Its output read through $(...): the background session must not hold the caller's
# descriptors, as ssh -f's does not. Ended with SIGINT, which ssh -f dies of too.)
P9=$(port); touch "$WORK/t9"; sleep 1
out=$(timeout 30 "$RECSSH" --dir "$R" -F "$SSH_CONFIG" -fN -L "$P9:127.0.0.1:$HP" testhost </dev/null 2>&1) ||
  fail "-fN: recssh exited $? (124: it held the caller's output open): $out"
BG=$(pgrep -f -- "-fN -L $P9:") || fail "-fN: no recssh left in the background"
at_exit "kill $BG"
curl -s --max-time 30 -o "$WORK/body9" "http://127.0.0.1:$P9/blob" || fail "-fN: curl through the forward failed"
cmp -s "$WORK/body9" "$WORK/www/blob" || fail "-fN: curl got other bytes"
kill -INT $BG || fail "-fN: the background session ended before it was sent SIGINT"
for i in $(seq 100); do kill -0 $BG 2>/dev/null || break; sleep 0.1; done
! kill -0 $BG 2>/dev/null || fail "-fN: SIGINT did not end the background session"
cast=$(cast_of "$WORK/t9")
head -n 1 "$cast" | matches "\"L $P9 -> 127.0.0.1:$HP (pcap)\"" || fail "-fN: header: $(head -n 1 "$cast")"
head -n 1 "$cast" | matches '"-fN"' || fail "-fN: the header's argv is not as given: $(head -n 1 "$cast")"
matches "forward close conn=1 up=[0-9]* down=[0-9]* bytes" "$cast" || fail "-fN: no connection in $cast"
follow "${cast%.cast}_127.0.0.1_$HP.pcap" 0
tail -c 150000 "$WORK/down" | cmp -s - "$WORK/www/blob" || fail "-fN: the capture does not hold the reply"
# The same spelled -o ForkAfterAuthentication=yes (ssh's name for -f).
P11=$(port); touch "$WORK/t11"; sleep 1
"$RECSSH" --dir "$R" -F "$SSH_CONFIG" -o ForkAfterAuthentication=yes -N -L "$P11:127.0.0.1:$HP" testhost \
  </dev/null >"$WORK/f11.out" 2>&1 || fail "ForkAfterAuthentication: recssh exited $?: $(cat "$WORK/f11.out")"
BG=$(pgrep -f -- "-N -L $P11:") || fail "ForkAfterAuthentication: no recssh left in the background"
at_exit "kill $BG"
curl -s --max-time 30 -o "$WORK/body11" "http://127.0.0.1:$P11/blob" || fail "ForkAfterAuthentication: curl failed"
kill -TERM $BG || fail "ForkAfterAuthentication: the background session ended before it was sent SIGTERM"
for i in $(seq 100); do kill -0 $BG 2>/dev/null || break; sleep 0.1; done
matches "forward close conn=1 up=[0-9]* down=150[0-9]* bytes" "$(cast_of "$WORK/t11")" ||
  fail "ForkAfterAuthentication: the connection is not in the cast"
# From a terminal that then goes away (script(1)'s shell exits, as an `ssh -t` login's
# would, and the kernel hangs up its process group): the session stays, as ssh -f's.
P12=$(port)
script -qfc "'$RECSSH' --dir '$R' -F '$SSH_CONFIG' -fN -L $P12:127.0.0.1:$HP testhost" /dev/null </dev/null >/dev/null 2>&1
sleep 0.5
BG=$(pgrep -f -- "-fN -L $P12:") || fail "-fN from a terminal: the session did not outlive the terminal"
at_exit "kill $BG"
curl -s --max-time 30 -o /dev/null "http://127.0.0.1:$P12/blob" || fail "-fN from a terminal: curl failed"
kill -TERM $BG || fail "-fN from a terminal: the background session ended before it was sent SIGTERM"
# ^C (or a kill) while ssh is still logging in ends the session, and recssh exits with
# its status.
for sig in INT TERM; do
  "$RECSSH" --dir "$R" -F "$SSH_CONFIG" -o "ProxyCommand=sleep 59" -fN -L "$(port):127.0.0.1:$HP" testhost \
    </dev/null 2>/dev/null &
  W=$!
  sleep 1; kill -$sig $W
  rc=0; wait $W || rc=$?
  [ "$rc" != 0 ] || fail "-fN, SIG$sig while logging in: recssh exited 0"
  for i in $(seq 50); do pgrep -f "ProxyCommand=sleep 59" >/dev/null || break; sleep 0.1; done
  ! pgrep -f "ProxyCommand=sleep 59" >/dev/null || fail "-fN, SIG$sig while logging in: left running"
done
# A persistent master (ControlPersist) forks itself whatever it is told: left to ssh,
# with a note, and the tunnel works as ssh's own.
P13=$(port)
"$RECSSH" --dir "$R" -F "$SSH_CONFIG" -o ControlMaster=auto -o "ControlPath=$WORK/cm-%C" -o ControlPersist=60 \
  -fN -L "$P13:127.0.0.1:$HP" testhost </dev/null >/dev/null 2>"$WORK/cp.err" || fail "ControlPersist: $(cat "$WORK/cp.err")"
at_exit "ssh -F '$SSH_CONFIG' -o 'ControlPath=$WORK/cm-%C' -O exit testhost"
matches "with ControlPersist" "$WORK/cp.err" || fail "ControlPersist: no note: $(cat "$WORK/cp.err")"
curl -s --max-time 30 -o /dev/null "http://127.0.0.1:$P13/blob" || fail "ControlPersist: the tunnel does not work"
ssh -F "$SSH_CONFIG" -o "ControlPath=$WORK/cm-%C" -O exit testhost 2>/dev/null || true # (at_exit's too)
# -f with a command: its output, which comes after recssh returned, is recorded.
touch "$WORK/t10"; sleep 1
"$RECSSH" --dir "$R" -F "$SSH_CONFIG" -f testhost 'sleep 1; echo later' </dev/null >"$WORK/f10.out" 2>&1 ||
  fail "-f: recssh exited $?"
[ ! -s "$WORK/f10.out" ] || fail "-f: recssh waited for the command: $(cat "$WORK/f10.out")"
for i in $(seq 100); do grep -q later "$WORK/f10.out" && break; sleep 0.1; done
[ "$(cat "$WORK/f10.out")" = later ] || fail "-f: the command's output: $(cat "$WORK/f10.out")"
for i in $(seq 100); do matches "end: status=0" "$(cast_of "$WORK/t10")" && break; sleep 0.1; done
grep -q '^\[[0-9.]*, "o", "later' "$(cast_of "$WORK/t10")" || fail "-f: the output is not in the cast"
# ssh refuses -f without a command, and with a login that fails: its message and status.
rc=0; ssh -F "$SSH_CONFIG" -f testhost </dev/null 2>"$WORK/ssh.err" || rc=$?
rrc=0; "$RECSSH" --dir "$R" -F "$SSH_CONFIG" -f testhost </dev/null 2>"$WORK/rec.err" || rrc=$?
[ "$rc" = 255 ] && [ "$rrc" = "$rc" ] && cmp -s "$WORK/ssh.err" "$WORK/rec.err" ||
  fail "-f without a command: recssh $rrc $(cat "$WORK/rec.err"), ssh $rc $(cat "$WORK/ssh.err")"
rrc=0; "$RECSSH" --dir "$R" -F "$SSH_CONFIG" -o Port=1 -fN -L "$(port):127.0.0.1:$HP" testhost </dev/null 2>"$WORK/rec.err" || rrc=$?
[ "$rrc" = 255 ] || fail "-fN to a closed port: recssh exited $rrc: $(cat "$WORK/rec.err")"
echo "PASS"
