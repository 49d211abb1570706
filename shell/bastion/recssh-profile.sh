# /etc/profile.d/recssh-record.sh: record every interactive login on this host.
#
# Install:  install -m 0644 shell/bastion/recssh-profile.sh /etc/profile.d/recssh-record.sh
#           install -d -m 1733 -o root -g root /var/log/recssh   (users can create their
#           own directory in it but cannot list or touch anyone else's)
# zsh users: add `emulate sh -c '. /etc/profile.d/recssh-record.sh'` to /etc/zsh/zprofile.
#
# What it does, and why it is safe:
#  - only for interactive shells on a terminal: nothing for `ssh host cmd`, scp, sftp,
#    rsync or cron (those never run an interactive login shell);
#  - never twice: recast sets RECSSH_SESSION for the recorded shell, whose own login
#    profile then sees it and does nothing (nested su -, tmux, screen alike);
#  - files go to /var/log/recssh/<user>/shell/<session id>.cast, made by recast with
#    O_EXCL|O_NOFOLLOW, 0600, in a 0700 directory that must belong to the user, so no
#    planted symlink or directory is ever followed (no /tmp-style races);
#  - if recording cannot start (no recast, directory missing), the login goes on
#    unrecorded with a warning, unless RECSSH_REQUIRED=1 (fail closed: the login ends).
#
# Settings (in /etc/recssh.conf, or here): RECSSH_HOOK_DIR, RECSSH_REQUIRED.

recssh_hook() {
  case $- in *i*) ;; *) return 0 ;; esac
  [ -t 0 ] && [ -t 1 ] || return 0
  [ -z "${RECSSH_SESSION:-}" ] || return 0
  recssh_dir=${RECSSH_HOOK_DIR:-/var/log/recssh}
  recssh_problem=
  if ! command -v recast >/dev/null 2>&1; then
    recssh_problem="recast is not installed"
  elif [ ! -d "$recssh_dir" ] || [ ! -w "$recssh_dir" ]; then
    recssh_problem="$recssh_dir is missing or not writable"
  fi
  if [ -n "$recssh_problem" ]; then
    if [ "${RECSSH_REQUIRED:-0}" = 1 ]; then
      echo "recssh: this session must be recorded, but $recssh_problem; logging out" >&2
      exit 1
    fi
    echo "recssh: warning: this session is not recorded ($recssh_problem)" >&2
    return 0
  fi
  # The recorded shell is a login shell again, so its usual profile runs (and this
  # hook sees RECSSH_SESSION and returns at once).
  exec recast rec --quiet --layout user --dir "$recssh_dir" \
    -c "exec \"${SHELL:-/bin/sh}\" -l"
}
recssh_hook
unset -f recssh_hook 2>/dev/null
