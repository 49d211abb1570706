#!/usr/bin/env bash
# The built-in demo: records a scripted terminal session with `recast rec`, an ssh
# session with `recssh` against a throwaway sshd on 127.0.0.1 (when openssh-server is
# installed; the test harness's own set-up is reused), converts the bundled recordings
# (asciinema 2.2, v1 and v3 casts, a generated 4 MiB session) into asciicast v2, v3
# and .cast.gz, checks them, shows what is inside, then reviews them: lists, searches,
# seeks to the middle of one, seals and verifies one. Results go to demo-out/.
set -eu
build=${1:-build}
recast=$build/cmd/recast
out=demo-out
rm -rf "$out"
mkdir -p "$out"
fixtures=tests/fixtures/cast

here=$PWD
echo "== recording a scripted session: recast rec -c ... $out/session.cast"
"$recast" rec -q --cols 80 --rows 24 -t "recssh demo" -c 'printf "\033[1;32mhello from a recorded pty\033[0m\n"; ls -l /etc/hostname; sleep 0.3; echo done; exit 3' "$out/session.cast" || echo "(exit status $? kept in the recording)"

if [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null; then
  echo "== recording an ssh session: recssh -F <throwaway config> testhost 'uname -sr; id -un >&2'"
  RECAST=$here/$recast
  export RECAST
  (
    . "$here/tests/integration/common.sh"
    . "$here/tests/integration/sshd.sh"
    start_sshd
    "$here/$build/cmd/recssh" --dir "$here/$out/recordings" -F "$SSH_CONFIG" testhost 'uname -sr; id -un >&2; exit 0' </dev/null
  )
  for f in "$out"/recordings/*/*.cast; do "$recast" info "$f"; done
fi

echo "== converting the bundled recordings into $out/"
"$recast" convert -v "$fixtures/asciinema-2.2-stdin.cast" "$out/asciinema-2.2.cast"
"$recast" convert -v "$fixtures/minimal-v1.json" "$out/from-v1.cast"
"$recast" convert -v "$fixtures/minimal-v3.cast" "$out/from-v3.cast"
"$recast" convert -v --to v3 "$fixtures/full-v2.cast" "$out/full.v3.cast"
"$build/bench/gen_cast" "$out/generated.raw.cast" 4
"$recast" convert "$out/generated.raw.cast" "$out/generated.cast.gz"
rm -f "$out/generated.raw.cast"

echo "== converting the bundled legacy logs (real files from script, sudo, tlog, ttyrec, audit) into $out/legacy/"
rm -rf "$out/legacy"
"$recast" convert -r tests/fixtures -o "$out/legacy"
"$recast" convert --list tests/fixtures/audit/audit.log 2>/dev/null

echo "== validating"
"$recast" validate "$out"/*.cast "$out"/*.cast.gz
find "$out/legacy" -name '*.cast' -exec "$recast" validate {} +

echo "== what is inside"
"$recast" info "$out/asciinema-2.2.cast" "$out/full.v3.cast"

echo "== the output of one recording (recast cat)"
"$recast" cat "$out/asciinema-2.2.cast"

echo "== listing and searching them (recast ls, recast grep)"
"$recast" ls "$out" | tail -n 6
"$recast" grep hello "$out"

echo "== the screen halfway through the generated session (recast play --at 50%)"
# (standard output is a file here, not a terminal: with --no-wait, written at once)
"$recast" play --no-wait --no-index --at 50% --until 50% "$out/generated.cast.gz" >"$out/at-50.out"
echo "$(wc -c <"$out/at-50.out") bytes that draw it: cat $out/at-50.out in a terminal"

echo "== sealing one, signed with a throwaway key, and verifying it (recast seal, recast verify)"
if command -v ssh-keygen >/dev/null; then
  ssh-keygen -q -t ed25519 -N '' -C "recssh demo" -f "$out/demo-key"
  echo "demo@example.org $(cut -d' ' -f1,2 "$out/demo-key.pub")" >"$out/allowed-signers"
  "$recast" seal -k "$out/demo-key" "$out/session.cast"
  "$recast" verify --allowed-signers "$out/allowed-signers" "$out/session.cast"
else
  "$recast" seal --no-sign "$out/session.cast"
  "$recast" verify --allow-unsigned "$out/session.cast"
fi

cat <<EOM

Results are in $out/:
$(ls -l "$out")

Play them with (space pauses, arrows jump 5 s, [ ] go to markers, ? helps, q quits):
  $recast play $out/session.cast
  $recast play --at 50% $out/generated.cast.gz
  $recast play $out/legacy/script/adv.cast       (util-linux script, advanced timing)
  $recast play $out/legacy/sudo/io/00/00/01.cast (a sudo I/O log)
  asciinema play $out/asciinema-2.2.cast       (what recast writes, asciinema plays too)
  $recast cat $out/generated.cast.gz | less -R
EOM
