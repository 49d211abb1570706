# bash completion for recssh and recast.
# Install: cp shell/completion/recssh.bash /usr/share/bash-completion/completions/recssh
#          ln -s recssh /usr/share/bash-completion/completions/recast

_recssh_opts_with_arg="--dir --layout --format --on-error --forwards --env --title --idle-time-limit --coalesce-ms --coalesce-bytes --mask-window"

# Completes recssh's own (long) options first; from the first ssh argument on, hands
# the line to ssh's completion as if it started at `ssh`, so hosts, options and
# remote paths complete exactly as they do for ssh.
_recssh() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local i=1 w
  while [ "$i" -lt "$COMP_CWORD" ]; do
    w=${COMP_WORDS[i]}
    if [ "$w" = "--" ]; then i=$((i + 1)); break; fi
    case " $_recssh_opts_with_arg " in *" $w "*) i=$((i + 2)); continue ;; esac
    case $w in --*) i=$((i + 1)) ;; *) break ;; esac
  done
  if [ "$i" -ge "$COMP_CWORD" ] && [ "${COMP_WORDS[i-1]:-}" != "--" ]; then
    case $prev in
      --dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --color | --colour) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --stream) [ "$sub" = grep ] || [ "$sub" = ls ] && { COMPREPLY=($(compgen -W "shell exec" -- "$cur")); return; } ;;
    -m | --max-count | -A | --after-context | -B | --before-context | -C | --context | --user | --host | --since | --until) return ;;
      --layout) COMPREPLY=($(compgen -W "day user" -- "$cur")); return ;;
      --format) COMPREPLY=($(compgen -W "v2 v3" -- "$cur")); return ;;
      --on-error) COMPREPLY=($(compgen -W "keep-going abort" -- "$cur")); return ;;
      --forwards) COMPREPLY=($(compgen -W "pcap meta off" -- "$cur")); return ;;
      --env | --title | --idle-time-limit | --coalesce-ms | --coalesce-bytes | --mask-window) return ;;
    esac
    if [[ $cur == --* ]]; then
      COMPREPLY=($(compgen -W "$_recssh_opts_with_arg --gzip --stdin --no-mask --quiet --print-path --help --version --" -- "$cur"))
      return
    fi
  fi
  # ssh's own completion (bash-completion's _ssh), loaded on demand.
  declare -F _ssh >/dev/null || { declare -F _completion_loader >/dev/null && _completion_loader ssh 2>/dev/null; }
  if declare -F _ssh >/dev/null; then
    local -a words=(ssh "${COMP_WORDS[@]:i}")
    COMP_WORDS=("${words[@]}")
    COMP_CWORD=$((COMP_CWORD - i + 1))
    COMP_LINE="${words[*]}"
    COMP_POINT=${#COMP_LINE}
    _ssh ssh "$cur" "${COMP_WORDS[COMP_CWORD-1]}"
    return
  fi
  # Without bash-completion: hosts from ~/.ssh/config and /etc/hosts.
  local hosts
  hosts=$(awk 'tolower($1) == "host" { for (i = 2; i <= NF; i++) if ($i !~ /[*?]/) print $i }' \
    ~/.ssh/config /etc/ssh/ssh_config 2>/dev/null)
  COMPREPLY=($(compgen -W "$hosts" -A hostname -- "$cur"))
}
complete -F _recssh recssh

_recast() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local cmds="rec cat play info validate convert formats append merge rotate seal verify ship upload auth grep ls"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "$cmds --help --version" -- "$cur"))
    return
  fi
  local sub=${COMP_WORDS[1]} opts=""
  case $sub in
    rec) opts="-c --command --overwrite --append --raw -y --yes -q --quiet --cols --rows --stdin --no-mask --mask-window --on-error -e --env -t --title -i --idle-time-limit --dir --layout --format --gzip --coalesce-ms --coalesce-bytes" ;;
    cat) opts="--from --stream --skip-bad" ;;
    play) opts="-s --speed --no-wait -i --idle-time-limit -l --loop -m --pause-on-markers --at --at-marker --until --stream --safe --no-safe -f --follow --no-index --keyframe-interval --from" ;;
    info) opts="--json --from --skip-bad" ;;
    validate) opts="--all -q --quiet --from" ;;
    convert) opts="--from --to --v3-precision --overwrite --gzip --skip-bad --no-sha256 --no-input --cols --rows --keep-lf --legacy-timing --rate --session --user --list --records --timestamps --wall -v --verbose" ;;
    append) opts="--gap" ;;
    merge) opts="-o --output --gap --allow-overlap --format --overwrite --gzip -v --verbose" ;;
    rotate) opts="--merge-daily --compress-after --retain --min-age --ship --require-shipped --no-require-shipped -n --dry-run --syslog" ;;
    seal) opts="--day -k --key --no-sign --every --overwrite --syslog -q --quiet" ;;
    verify) opts="--allowed-signers --revoked --allow-unsigned --sources --json -q --quiet" ;;
    upload) opts="--server-url --max-size" ;;
    auth) opts="--server-url" ;;
    ship) opts="--to --host --profile --endpoint --region --addressing -j --jobs --part-jobs --part-size --limit-rate --retries --min-age --abort-after --verify-read --recheck --status --json -q --quiet" ;;
    ls) opts="--json -L --long --user --host --since --until --failed --stream" ;;
    grep) opts="-E --extended-regexp -F --fixed-strings -i --ignore-case -w --word-regexp -v --invert-match -l --files-with-matches -c --count -m --max-count -A --after-context -B --before-context -C --context --json --color --wall --play-hint --input --markers --tcpip --emulate --user --host --since --until --failed --stream" ;;
  esac
  if [ "$sub" = rotate ] && [ "$prev" = --ship ]; then
    COMPREPLY=($(compgen -W "s3://" -- "$cur")); compopt -o nospace 2>/dev/null; return
  fi
  if [ "$sub" = ship ]; then
    case $prev in
      --to) COMPREPLY=($(compgen -W "s3://" -- "$cur")); compopt -o nospace 2>/dev/null; return ;;
      --addressing) COMPREPLY=($(compgen -W "path virtual auto" -- "$cur")); return ;;
      --profile) COMPREPLY=($(compgen -W "$(sed -n 's/^\[\(profile \)\{0,1\}\(.*\)\]$/\2/p' ~/.aws/credentials ~/.aws/config 2>/dev/null | sort -u)" -- "$cur")); return ;;
      --host | --endpoint | --region | -j | --jobs | --part-jobs | --part-size | --limit-rate | --retries | --min-age | --abort-after) return ;;
    esac
  fi
  case $prev in
    --to) [ "$sub" = convert ] && { COMPREPLY=($(compgen -W "v2 v3 text typescript raw" -- "$cur")); return; }
      COMPREPLY=($(compgen -W "v2 v3" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "v2 v3" -- "$cur")); return ;;
    --from) COMPREPLY=($(compgen -W "$(recast formats 2>/dev/null | awk '{print $1}')" -- "$cur")); return ;;
    --layout) COMPREPLY=($(compgen -W "day user" -- "$cur")); return ;;
    --dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --color | --colour) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --stream) [ "$sub" = grep ] || [ "$sub" = ls ] && { COMPREPLY=($(compgen -W "shell exec" -- "$cur")); return; } ;;
    -m | --max-count | -A | --after-context | -B | --before-context | -C | --context | --user | --host | --since | --until) return ;;
    -c | --command) COMPREPLY=($(compgen -c -- "$cur")); return ;;
    --gap) COMPREPLY=($(compgen -W "keep drop cap:" -- "$cur")); return ;;
    --at | --until) COMPREPLY=($(compgen -W "0 10% 25% 50% 75% 90% end" -- "$cur")); return ;;
    -s | --speed | -i | --idle-time-limit | --at-marker | --keyframe-interval) return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts --help" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _recast recast
