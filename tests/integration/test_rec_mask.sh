# recast rec --stdin in a real terminal (tmux): typed input that is not echoed is
# masked also inside a full-screen program (a tmux started by the recorded command:
# issue 14 C1), and what is echoed is kept, also when a line wraps or Tab completes
# it (issue 14 C4).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
. "$HERE/pty.sh"
require bash
export RECSSH_SYSTEM_CONFIG="$WORK/none" HOME="$WORK/home"
mkdir -p "$HOME"
marker='"m", "recssh: input masked (not echoed)"'
typed() { "$RECAST" cat --stream i "$1"; }

# --- a password read inside tmux is masked; a command typed there is kept ---------------
INNER="recssh-inner-$$"
at_exit "tmux -L $INNER kill-server"
printf 'set -g status off\n' >"$WORK/inner.conf" # no clock to redraw: the test is exact
cat >"$WORK/inner.sh" <<SH
unset TMUX
exec tmux -L $INNER -f $WORK/inner.conf new-session "env PS1='inner\\\$ ' bash --norc --noprofile"
SH
tmux_start 100 30 "\"$RECAST\" rec -q --stdin -c 'sh $WORK/inner.sh' $WORK/tmux.cast; echo \$? >$WORK/status1"
wait_for_text 'inner\$ *$'
keys 'echo typed-$((6*7))' Enter
wait_for_text 'typed-42'
keys 'read -s -p "Password: " pw; echo got-${#pw}' Enter
wait_for_text 'Password:'
keys 'hunter2intmux' Enter
wait_for_text 'got-13'
keys 'read -s -p "Again: " pw; echo again-${#pw}' Enter
wait_for_text 'Again:'
for c in Z Q J X W V; do # key by key, as a person types
  keys "$c"
  sleep 0.05
done
keys Enter
wait_for_text 'again-6'
keys 'exit' Enter
wait_for_file "$WORK/status1"
cast="$WORK/tmux.cast"
"$RECAST" validate "$cast" >/dev/null || fail "the tmux recording does not validate"
grep -q '\[?1049h' "$cast" || fail "the inner tmux did not switch to the alternate screen: the test proves nothing"
! grep -q 'hunter' "$cast" || fail "the password typed at read -s inside tmux is in the cast"
! typed "$cast" | matches '[ZQJXWV]' || fail "a password typed key by key inside tmux is in the cast: $(typed "$cast")"
grep -q "$marker" "$cast" || fail "no mask marker in the tmux recording"
typed "$cast" | matches 'echo typed-' || fail "a command typed inside tmux was not kept: $(typed "$cast")"

# --- at a shell: a line wider than the terminal and Tab completion are kept -------------
mkdir -p "$WORK/compl-dir-unique/sub"
tmux_start 40 20 "env PS1='sh\$ ' \"$RECAST\" rec -q --stdin -c 'bash --norc --noprofile' $WORK/wrap.cast; echo \$? >$WORK/status2"
wait_for_text 'sh\$ *$'
long='echo this-is-a-long-command-that-wraps-past-the-right-margin-of-the-terminal'
keys "$long" Enter
wait_for_text 'terminal$'
by_hand='echo typed-key-by-key-across-the-right-margin-here'
for ((i = 0; i < ${#by_hand}; i++)); do keys -l "${by_hand:i:1}"; done
keys Enter
wait_for_text 'margin-here$'
keys "cd $WORK/compl-d" Tab 'su' Tab Enter
keys 'echo in-${PWD##*/}' Enter
wait_for_text '^in-sub$'
keys 'exit' Enter
wait_for_file "$WORK/status2"
cast="$WORK/wrap.cast"
! grep -q "$marker" "$cast" || fail "echoed input was masked: $(typed "$cast" | od -c | head -20)"
typed "$cast" | matches -- "$long" || fail "the long line was not kept: $(typed "$cast")"
typed "$cast" | tr -d '\n' | matches -- "$by_hand" || fail "the line typed key by key was not kept"
typed "$cast" | matches 'compl-d' || fail "the completed line was not kept"
echo ok
