# Driving interactive sessions through a real terminal: a private tmux server per test.
# Source after common.sh. Provides tmux_start, keys, wait_for_file, pane_text.
require tmux
TMUX_SOCKET="recssh-test-$$"
tmux_start() { # tmux_start COLS ROWS COMMAND...
  local cols=$1 rows=$2; shift 2
  tmux -L "$TMUX_SOCKET" -f /dev/null new-session -d -x "$cols" -y "$rows" "$*"
  at_exit "tmux -L $TMUX_SOCKET kill-server"
}
keys() { tmux -L "$TMUX_SOCKET" send-keys "$@"; }
resize() { tmux -L "$TMUX_SOCKET" resize-window -x "$1" -y "$2"; }
pane_text() { tmux -L "$TMUX_SOCKET" capture-pane -p; }
# wait_for_file FILE [SECONDS]: until FILE exists and is not empty.
wait_for_file() {
  local i
  for i in $(seq $(( ${2:-20} * 10 ))); do
    [ -s "$1" ] && return 0
    sleep 0.1
  done
  fail "timed out waiting for $1; screen: $(pane_text 2>/dev/null)"
}
# wait_for_text PATTERN [SECONDS]: until the pane shows PATTERN (grep -E).
wait_for_text() {
  local i
  for i in $(seq $(( ${2:-20} * 10 ))); do
    pane_text 2>/dev/null | matches -E -- "$1" && return 0
    sleep 0.1
  done
  fail "timed out waiting for /$1/ on the screen: $(pane_text 2>/dev/null)"
}
