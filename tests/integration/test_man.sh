# The man page documents every long option that `recast SUBCOMMAND --help` shows.
. "$(dirname "$0")/common.sh"
: "${RECSSH:?}"
man=$SOURCE_DIR/man/recssh.1
for opt in $("$RECSSH" --help | grep -oE -- '--[a-z0-9-]+' | sort -u); do
  grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" "$man" || fail "man/recssh.1 lacks $opt"
done
man=$SOURCE_DIR/man/recast.1
for sub in rec cat play info validate convert append merge rotate grep ls ship; do
  for opt in $("$RECAST" $sub --help | grep -oE -- '--[a-z0-9-]+' | sort -u); do
    [ "$opt" = --help ] && continue
    grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" "$man" || fail "man/recast.1 lacks $opt (recast $sub)"
  done
done
# Every key the config reader knows (its key table in store/config.cpp) is in recssh.conf(5).
keys=$(grep -oE '^ *\{"[a-z-]+",' "$SOURCE_DIR/store/config.cpp" | grep -oE '"[a-z-]+"' | tr -d '"')
[ "$(printf '%s\n' "$keys" | wc -l)" -ge 14 ] || fail "could not read the config keys from store/config.cpp"
man=$SOURCE_DIR/man/recssh.conf.5
for key in $keys; do
  grep -q -- "^\.BI $(printf '%s' "$key" | sed 's/-/\\\\-/g') " "$man" || fail "man/recssh.conf.5 lacks key $key"
done
if command -v groff >/dev/null; then
  for m in "$SOURCE_DIR"/man/*.[15]; do groff -man -ww -z "$m" 2>&1 | { ! grep -q .; } || fail "groff warnings in $m"; done
fi
echo ok
