#!/usr/bin/env bash
# The Debian package as a user gets it: its contents, lintian, then installed with apt,
# used, removed and purged. Run by `make test-deb` (after `make deb`), as root.
set -euo pipefail
dir=${1:?usage: test_deb.sh BUILD-DEB-DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }

# matches [GREP-OPTS] PATTERN: grep -q that reads its whole input. Under pipefail,
# `producer | grep -q` fails when grep exits at the first hit and the producer then
# dies of SIGPIPE writing the rest (seen: a completion with 3 candidates).
matches() { grep "$@" >/dev/null; }

version=$(sed -n 's/^project(recssh VERSION \([0-9.]*\).*/\1/p' "$top/CMakeLists.txt")
[ -n "$version" ] || fail "no project version in CMakeLists.txt"
changelog=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
[ "$changelog" = "$version" ] || fail "debian/changelog says $changelog, CMakeLists.txt $version (one version, one place)"

deb=$(ls "$dir"/recssh_"$version"_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "no recssh_${version}_*.deb in $dir"

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/recssh ./usr/bin/recast ./usr/share/man/man1/recssh.1.gz ./usr/share/man/man1/recast.1.gz \
         ./usr/share/man/man5/recssh.conf.5.gz ./usr/share/bash-completion/completions/recssh \
         ./usr/share/bash-completion/completions/recast ./usr/share/zsh/vendor-completions/_recssh \
         ./lib/systemd/system/recast-rotate.service ./lib/systemd/system/recast-rotate.timer \
         ./usr/share/recssh/examples/recssh-profile.sh ./usr/share/recssh/examples/recssh-forcecommand.sh \
         ./usr/share/recssh/examples/recast-rotate.cron ./usr/share/doc/recssh/copyright; do
  grep -qxF "$f" <<<"$contents" || fail "$deb lacks $f"
done
dpkg-deb -c "$deb" | matches 'etc/profile.d' && fail "the package enables the login hook (it must only ship it as an example)"
grep -q 'ExecStart=/usr/bin/recast rotate' <(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./lib/systemd/system/recast-rotate.service) \
  || fail "the packaged unit does not run /usr/bin/recast"

# lintian: no errors (warnings and notes are printed for the record).
lintian --allow-root --tag-display-limit 0 "$deb" | tee "$dir/lintian.txt" || true
grep -q '^E:' "$dir/lintian.txt" && fail "lintian reports errors (above)"

# Installed with apt (dependencies resolved as a user's install would), used, removed.
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "$(realpath "$deb")" >/dev/null
[ "$(/usr/bin/recssh --version)" = "recssh $version" ] || fail "recssh --version: $(/usr/bin/recssh --version)"
[ "$(/usr/bin/recast --version)" = "recast $version" ] || fail "recast --version: $(/usr/bin/recast --version)"
man -w recssh >/dev/null || fail "man -w recssh finds nothing"
man -w 5 recssh.conf >/dev/null || fail "man -w 5 recssh.conf finds nothing"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/recast rec -q -c 'echo packaged' "$tmp/p.cast" </dev/null >/dev/null
[ "$(/usr/bin/recast cat "$tmp/p.cast" | tr -d '\r')" = packaged ] || fail "the installed recast does not record"
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl is-enabled recast-rotate.timer 2>/dev/null | matches -x enabled && fail "the timer was enabled on install"
fi
apt-get remove -y -qq recssh >/dev/null
[ ! -e /usr/bin/recssh ] || fail "remove left /usr/bin/recssh"
apt-get purge -y -qq recssh >/dev/null
dpkg-query -W -f='${Status}' recssh 2>/dev/null | matches 'not-installed\|^$' || \
  [ -z "$(dpkg-query -W -f='${Status}' recssh 2>/dev/null)" ] || fail "purge left the package's state: $(dpkg-query -W -f='${Status}' recssh)"
[ -z "$(dpkg -L recssh 2>/dev/null)" ] || fail "purge left files listed"
echo "test_deb: 1 passed, 0 failed"
