#!/bin/sh
# The README's two commands: `sh quickstart.sh demo` and `sh quickstart.sh test`.
# On a fresh Debian 12 machine (as root) not even make is there: install it, then let
# the Makefile install the rest of what is missing, build, and run the target.
set -eu
target=${1:-demo}
case $target in demo|test|build|bench) ;; *) echo "usage: sh quickstart.sh demo|test" >&2; exit 2 ;; esac
cd "$(dirname "$0")"
if ! command -v make >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then echo "quickstart: make is missing; run as root to install it" >&2; exit 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends make
fi
exec make "$target"
