# A real sshd on 127.0.0.1 for the tests, with throwaway host and user keys made here,
# its own config, and a free port; stopped when the test exits. Source after common.sh.
# Provides: SSH_CONFIG (an ssh_config with Host "testhost"), start_sshd.
require ssh-keygen
require ssh
[ -x /usr/sbin/sshd ] || require sshd

start_sshd() {
  local dir="$WORK/sshd"
  mkdir -p "$dir" && chmod 700 "$dir"
  ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key" </dev/null
  ssh-keygen -q -t ed25519 -N '' -f "$dir/id" </dev/null
  cp "$dir/id.pub" "$dir/authorized_keys"
  # sshd wants its privilege separation directory (Debian creates it at boot).
  [ -d /run/sshd ] || mkdir -p -m 0755 /run/sshd 2>/dev/null || true
  local user; user=$(id -un)
  local try port
  for try in 1 2 3 4 5 6 7 8; do
    # Below the ephemeral range (32768 up): not a port an outgoing connection can hold.
    port=$(( 12000 + (RANDOM * 7 + $$ + try * 101) % 20000 ))
    cat >"$dir/sshd_config" <<CFG
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PrintMotd no
PrintLastLog no
Subsystem sftp internal-sftp
CFG
    /usr/sbin/sshd -D -e -f "$dir/sshd_config" 2>"$dir/sshd.log" &
    SSHD_PID=$!
    cat >"$dir/ssh_config" <<CFG
Host testhost
  HostName 127.0.0.1
  Port $port
  User $user
  IdentityFile $dir/id
  IdentitiesOnly yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
  BatchMode yes
CFG
    SSH_CONFIG="$dir/ssh_config"
    local i
    for i in $(seq 50); do
      if ssh -F "$SSH_CONFIG" testhost true </dev/null 2>/dev/null; then
        at_exit "kill $SSHD_PID"
        return 0
      fi
      kill -0 "$SSHD_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill "$SSHD_PID" 2>/dev/null || true
    wait "$SSHD_PID" 2>/dev/null || true
  done
  cat "$dir/sshd.log" >&2
  fail "could not start sshd on 127.0.0.1"
}
