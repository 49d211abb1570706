# The man page documents every long option that `recast SUBCOMMAND --help` shows.
. "$(dirname "$0")/common.sh"
man=$SOURCE_DIR/man/recast.1
for sub in cat info validate convert; do
  for opt in $("$RECAST" $sub --help | grep -oE -- '--[a-z0-9-]+' | sort -u); do
    [ "$opt" = --help ] && continue
    grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" "$man" || fail "man/recast.1 lacks $opt (recast $sub)"
  done
done
if command -v groff >/dev/null; then groff -man -ww -z "$man" 2>&1 | { ! grep -q .; } || fail "groff warnings"; fi
echo ok
