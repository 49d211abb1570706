#!/usr/bin/env python3
"""Peers for the port-forward tests, and the check of what a capture holds.

  fwd_peer.py port                           print a free loopback port
  fwd_peer.py serve PORT REPLY               per connection: read to EOF, send REPLY, close
  fwd_peer.py send PORT DATA OUT             connect, send DATA, half-close, save the reply
  fwd_peer.py wait PORT [SECONDS]            until something listens on PORT (by connecting)
  fwd_peer.py listening PORT...              the same for each PORT, without connecting
  fwd_peer.py follow PCAP STREAM UP DOWN     tshark's follow,tcp,raw of STREAM: each direction's bytes
"""
import socket, subprocess, sys, threading, time


def free_port():
    # Below the ephemeral range: a port the kernel handed out (bind to 0) is also what
    # it hands to the next outgoing connection's local end (curl's, ssh's), which can
    # take it between this check and the test's listen.
    try:
        low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    import random
    for _ in range(1000):
        port = random.randrange(10000, max(10001, low))
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            s.close()
        print(port)
        return
    sys.exit("no free loopback port below %d" % low)


def serve(port, reply_path):
    reply = open(reply_path, "rb").read()
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", int(port)))
    srv.listen(64)

    def one(c):
        with c:
            while c.recv(65536):
                pass
            c.sendall(reply)

    while True:
        c, _ = srv.accept()
        threading.Thread(target=one, args=(c,), daemon=True).start()


def send(port, data_path, out_path):
    data = open(data_path, "rb").read()
    with socket.create_connection(("127.0.0.1", int(port)), timeout=60) as c:
        c.sendall(data)
        c.shutdown(socket.SHUT_WR)
        got = b""
        while True:
            b = c.recv(65536)
            if not b:
                break
            got += b
    open(out_path, "wb").write(got)


def wait(port, seconds="20"):
    end = time.time() + float(seconds)
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", int(port)), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("nothing listens on port %s" % port)


def listening(*ports):
    # From the kernel's socket tables, not by connecting: to a relay such as recssh's
    # listener a probe is a connection of its own, one more in what it records.
    def listened():
        found = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                rows = open(table).read().split("\n")[1:]
            except OSError:
                continue
            for row in rows:
                f = row.split()
                if len(f) > 3 and f[3] == "0A":  # TCP_LISTEN
                    found.add(int(f[1].rsplit(":", 1)[1], 16))
        return found
    end = time.time() + 20
    while missing := {int(p) for p in ports} - listened():
        if time.time() > end:
            sys.exit("nothing listens on port %s" % " ".join(map(str, sorted(missing))))
        time.sleep(0.1)


def follow(pcap, stream, up_path, down_path):
    out = subprocess.run(["tshark", "-r", pcap, "-qz", "follow,tcp,raw,%s" % stream],
                         check=True, capture_output=True, text=True).stdout
    up, down, started = b"", b"", False
    for line in out.split("\n"):
        if line.startswith("Node 1:"):
            started = True
            continue
        if not started or line.startswith("===") or not line.strip():
            continue
        if line.startswith("\t"):
            down += bytes.fromhex(line.strip())
        else:
            up += bytes.fromhex(line.strip())
    open(up_path, "wb").write(up)
    open(down_path, "wb").write(down)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"port": free_port, "serve": serve, "send": send, "wait": wait, "listening": listening, "follow": follow}[cmd](*args)
