# The binary built here on older CPUs, as a user's would run it: under Debian's
# qemu-user emulating a Westmere (SSE4.2, no AVX) and a Haswell (AVX2, no AVX-512),
# recast picks the kernel that CPU supports (sse2, avx2), refuses one it lacks, and
# gives the native run's bytes (stdout, stderr, status) for cat, validate, info and
# convert on every cast fixture and on generated casts; the asciinema compatibility
# test and the command-line test pass under each. (qemu 7.2 emulates no AVX-512: the
# AVX-512 kernels are tested natively, test_simd_kernels.)
. "$(dirname "$0")/common.sh"
: "${GEN_CAST:?GEN_CAST must point at bench/gen_cast}"
: "${SOURCE_DIR:?SOURCE_DIR must point at the source tree}"
if [ "$(uname -m)" != x86_64 ]; then
  echo "SKIP: not an x86-64 machine: qemu-x86_64 would emulate the whole CPU"
  exit 77
fi
require qemu-x86_64
C=$FIXTURES/cast
"$GEN_CAST" mixed.cast 3 21 mixed
"$GEN_CAST" small.cast 2 22 small
inputs=("$C"/*.cast "$C"/*.json mixed.cast small.cast)

# run_all DIR RECAST: each command's stdout, stderr and status into DIR.
run_all() {
  local dir=$1 recast=$2 f i=0 rc cmd
  mkdir -p "$dir"
  for f in "${inputs[@]}"; do
    i=$((i + 1))
    local n=0
    for cmd in "cat" "validate --all" "info --json" "convert --to v2" "convert --to v3"; do
      n=$((n + 1))
      local out=$dir/$i.$n extra=()
      case $cmd in convert*) extra=(-) ;; esac
      rc=0
      "$recast" $cmd "$f" "${extra[@]}" > "$out.out" 2> "$out.err" || rc=$?
      echo "$rc" > "$out.rc"
      [ "$rc" -lt 64 ] || fail "$recast $cmd $f: status $rc (SIGILL is 132): $(head -c 500 "$out.err")"
    done
  done
}
run_all native "$RECAST"

# CPU model, the kernel it must pick, one it must refuse. The Haswell model without
# the features TCG lacks (pcid, TSX...), which qemu would otherwise warn about on
# stderr.
for spec in "Westmere sse2 avx2" "Haswell,-pcid,-x2apic,-tsc-deadline,-hle,-invpcid,-rtm avx2 avx512"; do
  read -r cpu kernel lacks <<< "$spec"
  name=${cpu%%,*}
  wrapper=$WORK/recast-$name
  printf '#!/bin/sh\nexec qemu-x86_64 -cpu %s %q "$@"\n' "$cpu" "$RECAST" > "$wrapper"
  chmod +x "$wrapper"
  "$wrapper" --version > version.out 2> version.err || fail "$name: --version failed: $(cat version.err)"
  [ ! -s version.err ] || fail "$name: stderr from qemu or recast: $(cat version.err)"
  got=$(RECSSH_SIMD_VERBOSE=1 "$wrapper" --version 2>&1 >/dev/null | sed -n 's/^recast: simd: \([a-z0-9]*\) .*/\1/p')
  [ "$got" = "$kernel" ] || fail "$name: picked '$got', expected $kernel"
  expect_fail 2 "^recast: error: RECSSH_SIMD=$lacks: this CPU lacks " env RECSSH_SIMD=$lacks "$wrapper" cat "$C/full-v2.cast"
  run_all "$name" "$wrapper"
  diff -r native "$name" > diff.out || fail "$name: output differs from the native run: $(head -c 2000 diff.out)"
  echo "$name: kernel $kernel, same bytes as the native run"
  for t in test_asciinema_compat test_cli; do
    RECAST=$wrapper bash "$SOURCE_DIR/tests/integration/$t.sh" > "$t.log" 2>&1 || fail "$name: $t failed: $(tail -5 "$t.log")"
    echo "$name: $t passed"
  done
done
echo ok
