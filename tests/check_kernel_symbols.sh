#!/usr/bin/env bash
# The SIMD kernel files (core/json_unescape_*.cpp, core/utf8_valid_avx512.cpp) are
# compiled with their own target flags. Anything they define with external linkage
# besides their entry points (an inline function, a template instance: weak symbols)
# could be merged by the linker with the baseline copy that other files use, and run
# AVX-512 code on a CPU without it. This checks their objects: only strong
# recssh::unescape:: symbols.
#   check_kernel_symbols.sh "OBJECT;OBJECT;..."  (the objects of recssh_core)
set -euo pipefail
IFS=';' read -r -a objects <<< "$1"
checked=0
for o in "${objects[@]}"; do
  case $(basename "$o") in json_unescape_*.o | utf8_valid_avx512*.o) ;; *) continue ;; esac
  checked=$((checked + 1))
  bad=$(nm -C --defined-only "$o" | awk '$2 ~ /^[A-Zuvw]$/ && !($2 ~ /^[TDRB]$/ && $3 ~ /^recssh::unescape::/)')
  if [ -n "$bad" ]; then
    echo "FAIL: $o defines symbols other kernels or the baseline code could bind to:" >&2
    echo "$bad" >&2
    exit 1
  fi
done
[ "$checked" -ge 5 ] || { echo "FAIL: only $checked kernel objects found in: $1" >&2; exit 1; }
echo "ok: $checked kernel objects define only their entry points"
