# Every SIMD kernel this CPU runs, forced with RECSSH_SIMD, gives the bytes the default
# one gives (stdout, stderr and status of cat, validate, info and convert on every cast
# fixture and on generated casts, read ahead on threads and line by line); a forced
# kernel is the one that runs (RECSSH_SIMD_VERBOSE); an unknown name is refused at
# start with a message and status 2. A kernel the CPU lacks is skipped with a line
# saying so; scalar and (on x86-64) sse2 must run, and so does the CPU's best.
. "$(dirname "$0")/common.sh"
: "${GEN_CAST:?GEN_CAST must point at bench/gen_cast}"
C=$FIXTURES/cast
"$GEN_CAST" mixed.cast 3 11 mixed
"$GEN_CAST" small.cast 2 12 small
# Lines the vector decoders hand to their narrower fallbacks: escapes beyond ASCII,
# surrogate pairs, backslash runs across 32- and 64-byte steps, a bad escape.
{
  echo '{"version": 2, "width": 80, "height": 24}'
  for i in $(seq 1 40); do
    pad=$(printf '%*s' "$i" '')
    printf '[%d.5, "o", "%s\\u00e9\\ud83d\\ude00\\\\\\\\\\"\\u001b[1m\\r\\n%s\\u20ac"]\n' "$i" "$pad" "$pad$pad"
  done
  echo '[99, "o", "bad \x escape"]'
} > escapes.cast

inputs=("$C"/*.cast "$C"/*.json mixed.cast small.cast escapes.cast)

# run_all DIR [ENV...]: each command's stdout, stderr and status into DIR. The small
# fixtures once; the generated casts with every command, line by line and read ahead
# on a thread.
run_all() {
  local dir=$1 f i=0 rc cmd threads
  shift
  mkdir -p "$dir"
  for f in "${inputs[@]}"; do
    i=$((i + 1))
    local cmds=("cat" "validate --all" "convert --to v3") thread_counts=(1)
    case $f in "$C"/*) ;; *) cmds+=("cat --skip-bad" "info --json" "convert --to v2"); thread_counts=(1 2) ;; esac
    for threads in "${thread_counts[@]}"; do
      local n=0
      for cmd in "${cmds[@]}"; do
        n=$((n + 1))
        local out=$dir/$i.$threads.$n extra=()
        case $cmd in convert*) extra=(-) ;; esac
        rc=0
        env "$@" RECSSH_THREADS=$threads "$RECAST" $cmd "$f" "${extra[@]}" > "$out.out" 2> "$out.err" || rc=$?
        echo "$rc" > "$out.rc"
        [ "$rc" -lt 64 ] || fail "$cmd $f crashed (status $rc) with $*"
      done
    done
  done
}

# The kernel RECSSH_SIMD_VERBOSE reports for this environment.
kernel_of() { env "$@" RECSSH_SIMD_VERBOSE=1 "$RECAST" --version 2>&1 >/dev/null | sed -n 's/^recast: simd: \([a-z0-9]*\) .*/\1/p'; }

best=$(kernel_of)
[ -n "$best" ] || fail "RECSSH_SIMD_VERBOSE=1 printed no kernel"
echo "default kernel: $best"
run_all ref
[ "$(grep -l . ref/*.out | wc -l)" -gt 40 ] || fail "too little output to compare"
grep -q "escapes.cast:42: event data: invalid string" ref/*.err || fail "escapes.cast: no error for its bad escape"

ran=()
for k in scalar sse2 avx2 avx512 avx512vbmi2; do
  rc=0
  RECSSH_SIMD=$k "$RECAST" --version > /dev/null 2> refused.err || rc=$?
  if [ $rc != 0 ]; then
    [ $rc = 2 ] || fail "RECSSH_SIMD=$k: status $rc, expected 2: $(cat refused.err)"
    grep -qE "^recast: error: RECSSH_SIMD=$k: this (CPU lacks|build has no such kernel)" refused.err ||
      fail "RECSSH_SIMD=$k refused without the message: $(cat refused.err)"
    case $k in scalar) fail "the scalar kernel was refused" ;; esac
    [ $k != sse2 ] || [ "$(uname -m)" != x86_64 ] || fail "the sse2 kernel was refused on x86-64"
    echo "kernel $k: skipped, $(sed 's/^recast: error: //' refused.err)"
    continue
  fi
  [ "$(kernel_of RECSSH_SIMD=$k)" = "$k" ] || fail "RECSSH_SIMD=$k ran $(kernel_of RECSSH_SIMD=$k)"
  run_all "k-$k" RECSSH_SIMD=$k
  diff -r ref "k-$k" > diff.out || fail "kernel $k differs from the default ($best): $(head -c 2000 diff.out)"
  echo "kernel $k: same bytes as the default"
  ran+=("$k")
done
[[ " ${ran[*]} " == *" $best "* ]] || fail "the default kernel $best did not run forced"

# Refused at start, before any output: an unknown name, and (where the CPU lacks one)
# a kernel it cannot run.
expect_fail 2 '^recast: error: RECSSH_SIMD=avx1024: no such kernel \(one of: scalar sse2 avx2 avx512 avx512vbmi2, or auto\)$' \
  env RECSSH_SIMD=avx1024 "$RECAST" cat "$C/full-v2.cast"
[ ! -s "$WORK/out" ] || fail "a refused kernel still gave output"
[ "$(kernel_of RECSSH_SIMD=auto)" = "$best" ] || fail "RECSSH_SIMD=auto is not the default"
[ "$(kernel_of RECSSH_SIMD=)" = "$best" ] || fail "an empty RECSSH_SIMD is not the default"
echo "ran: ${ran[*]}"
echo ok
