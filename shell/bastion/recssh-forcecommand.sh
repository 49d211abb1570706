#!/bin/sh
# sshd ForceCommand wrapper: every session of the matched users is recorded.
#
# /etc/ssh/sshd_config:
#   Match Group recorded
#       ForceCommand /usr/local/lib/recssh/recssh-forcecommand.sh
#       PermitTTY yes
#
# Interactive sessions (a pty) are recorded with recast rec, the user's shell or the
# requested command running inside. Commands without a pty (scp, sftp, rsync, `ssh
# host cmd`) cannot go through a pty without corrupting binary streams: they run as
# requested and the command line is logged to syslog (auth.info) instead.
dir=${RECSSH_HOOK_DIR:-/var/log/recssh}
shell=${SHELL:-/bin/sh}
cmd=${SSH_ORIGINAL_COMMAND:-}

if [ -t 0 ] && [ -t 1 ]; then
  if [ -n "$cmd" ]; then
    exec recast rec --quiet --layout user --dir "$dir" -c "$cmd"
  fi
  exec recast rec --quiet --layout user --dir "$dir" -c "exec \"$shell\" -l"
fi
logger -p auth.info -t recssh -- "user=$(id -un) no-tty command: ${cmd:-<none>}" 2>/dev/null || true
if [ -n "$cmd" ]; then
  exec "$shell" -c "$cmd"
fi
exec "$shell" -l
