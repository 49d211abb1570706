#!/usr/bin/env bash
# A large recording of real programs' output, for the benches that gen_cast's
# synthetic profiles stand in for: the commands below run once in a terminal of
# 181x35 recorded by `recast rec` (their own colours, tables, man's bold and
# underline, top's screens), and the recording is then appended to itself with
# `recast append` until it reaches the size asked for (1 GiB spans about 7 minutes:
# the commands run flat out). Needs a build (make build).
#   bash bench/real_cast.sh OUT MEGABYTES
# RECAST: the recast to use; REC_OPTS: more options for recast rec (the tests make
# events of up to 256 KiB certain with --coalesce-ms/--coalesce-bytes).
# A recorder reads a command's output in pieces as large as the pty gives, so many
# events are tens or hundreds of KiB (the speculative seek's bisection must read past
# 64 KiB without a line end: play/speculation.cpp).
set -euo pipefail
out=$(realpath -m "$1")
cd "$(dirname "$0")/.."
size=$2
recast=${RECAST:-$PWD/build/cmd/recast}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/commands.sh" <<'EOF'
export PAGER=cat GIT_PAGER=cat SYSTEMD_PAGER=
prompt() { printf '\033[1;32mop@bastion\033[0m:\033[1;34m~/src\033[0m$ %s\n' "$1"; }
# (4 MiB of each at most: the recording's size does not follow the machine's /usr)
run() { prompt "$1"; sh -c "$1" 2>&1 | head -c 4194304 || true; }
run "ls -la --color=always -R /usr/share/doc"
# (not the files that hold terminal sequences of their own: the fuzzers' seeds)
run "git --no-pager log --color=always --stat -p -n 80 -- . ':(exclude)fuzz' ':(exclude)tests/fixtures'"
run "ls -la --color=always -R /usr/include /usr/lib/python3"
run "grep -rn --color=always 'struct' /usr/include | head -n 50000"
run "ps auxf"
run "top -b -n 3 -d 0.2 -w 180"
run "dpkg -l"
run "grep -rn --color=always 'std::' play core cmd | head -n 20000"
for page in man/*.1; do run "groff -man -Tutf8 -rLL=178n $page"; done
run "ls -l --color=always /usr/bin /usr/lib/x86_64-linux-gnu"
run "git --no-pager diff --color=always HEAD~20 HEAD -- play core"
run "ip -c addr; ip -c route"
run "df -h; free -m; uptime"
EOF
# (stdin not a terminal: recast rec records without one of its own)
# shellcheck disable=SC2086 # (REC_OPTS: words)
"$recast" rec -q --overwrite --cols 181 --rows 35 ${REC_OPTS:-} -c "sh $tmp/commands.sh" "$tmp/base.cast" </dev/null >/dev/null
base=$(stat -c %s "$tmp/base.cast")
copies=$(((size * 1048576 + base - 1) / base))
cp "$tmp/base.cast" "$tmp/out.cast"
if [ "$copies" -gt 1 ]; then
  more=()
  for _ in $(seq 2 "$copies"); do more+=("$tmp/base.cast"); done
  "$recast" append "$tmp/out.cast" "${more[@]}" 2>"$tmp/append.err" || { cat "$tmp/append.err" >&2; exit 1; }
fi
mv "$tmp/out.cast" "$out"
echo "$out: $copies copies of a $((base / 1024)) KiB recording of real commands"
