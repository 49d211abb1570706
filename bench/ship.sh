#!/usr/bin/env bash
# recast ship next to the AWS CLI (`aws s3 cp --recursive`), same files, same server in
# the same run: moto_server on 127.0.0.1 (a Python server, so it is the bottleneck for
# both; a relative measure). Then a second run with nothing to do, and one big file
# (multipart) for peak RSS. Needs a build (make build), moto_server and aws (pip).
#   bash bench/ship.sh [FILES] [TOTAL_MB] [BIG_MB]   (default 10000 1024 1024)
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-10000}
total=${2:-1024}
big_mb=${3:-1024}
recast=$PWD/build/cmd/recast
data=$PWD/bench/data/ship
rm -rf "$data"
mkdir -p "$data/root/2026-11-22" "$data/big/2026-11-22"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >"$data/moto.log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null; rm -rf "$data"' EXIT
# The shipped journal of these runs stays with the data (not in the user's state).
export RECSSH_STATE_DIR=$data/state
export AWS_ACCESS_KEY_ID=AKIABENCH00000000000 AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
export AWS_ENDPOINT_URL_S3=http://127.0.0.1:$port AWS_ENDPOINT_URL=http://127.0.0.1:$port
per=$((total * 1048576 / files))
python3 - "$data/root/2026-11-22" "$files" "$per" <<'PY'
import os, sys
d, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
head = b'{"version": 2, "width": 80, "height": 24, "timestamp": 1795000000}\n'
body = head + b'[0.5, "o", "' + b"x" * max(0, size - len(head) - 16) + b'"]\n'
for i in range(n):
    with open(os.path.join(d, "%06d-bench.cast" % i), "wb") as f: f.write(body)
PY
build/bench/gen_cast "$data/big/2026-11-22/000000-big.cast" "$big_mb" 7 small
touch -d '-2 hours' "$data"/root/2026-11-22/* "$data"/big/2026-11-22/*
for _ in $(seq 300); do curl -s -o /dev/null "$AWS_ENDPOINT_URL/" && break; sleep 0.1; done
aws s3 mb s3://recast >/dev/null
aws s3 mb s3://awscli >/dev/null
bytes=$(du -sb "$data/root" | cut -f1)

run() { # run NAME CMD...: wall seconds and peak RSS
  /usr/bin/time -f "%e %M" -o "$data/t" "$@" >/dev/null 2>"$data/err" || { cat "$data/err"; exit 1; }
  read -r w m <"$data/t"
  printf '%-28s %8.2f s %8.1f MB/s  peak RSS %6.1f MiB\n' "$1 $2" "$w" "$(awk "BEGIN{print $bytes/1e6/$w}")" "$(awk "BEGIN{print $m/1024}")"
}
echo "$files files, $((bytes / 1048576)) MiB"
run "$recast" ship "$data/root" --to s3://recast/bench --host h -j 8 -q
run aws s3 cp --recursive --quiet "$data/root" s3://awscli/bench/h
echo "second run (nothing to do; the shipped journal answers, no request):"
run "$recast" ship "$data/root" --to s3://recast/bench --host h -j 8 -q
echo "second run asking the store (--recheck: a HEAD per file):"
run "$recast" ship "$data/root" --to s3://recast/bench --host h -j 8 -q --recheck
bytes=$(stat -c %s "$data/big/2026-11-22/000000-big.cast")
echo "one file of $((bytes / 1048576)) MiB (multipart, 64 MiB parts):"
run "$recast" ship "$data/big/2026-11-22/000000-big.cast" --to s3://recast/bench --host h -q
run aws s3 cp --quiet "$data/big/2026-11-22/000000-big.cast" s3://awscli/bench/big.cast
