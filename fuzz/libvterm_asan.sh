#!/usr/bin/env bash
# libvterm 0.1.4 (the version Debian 12 ships) built from Debian's own source tarball
# with AddressSanitizer and UBSan, for fuzz_screen: the distribution's library is not
# instrumented, so a write it makes out of bounds would go unseen. The tarball is
# checked against its SHA-256. Without network the fuzz target links the system's
# libvterm instead (make fuzz-build says so); nothing else depends on this.
#   bash fuzz/libvterm_asan.sh OUT_DIR    -> OUT_DIR/libvterm_asan.a
set -euo pipefail
out=$1
want=bc70349e95559c667672fc8c55b9527d9db9ada0fb80a3beda533418d782d3dd
url=http://deb.debian.org/debian/pool/main/libv/libvterm/libvterm_0.1.4.orig.tar.gz
[ -s "$out/libvterm_asan.a" ] && exit 0
mkdir -p "$out"
curl -fsS --retry 2 -o "$out/libvterm.tar.gz" "$url"
echo "$want  $out/libvterm.tar.gz" | sha256sum -c --quiet
tar -xzf "$out/libvterm.tar.gz" -C "$out"
src=$out/libvterm-0.1.4
rm -f "$out"/*.o
for c in "$src"/src/*.c; do
  clang -c -g -O1 -std=c99 -fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer \
    -I"$src/include" "$c" -o "$out/$(basename "$c" .c).o"
done
ar rcs "$out/libvterm_asan.a.tmp" "$out"/*.o
mv "$out/libvterm_asan.a.tmp" "$out/libvterm_asan.a"
