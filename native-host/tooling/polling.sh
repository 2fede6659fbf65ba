# Sourced by the loopback servers' scripts (mail-system.sh, slapd.sh, cyrus.sh): waiting
# for a server to come up or go away.

# Whether something listens on TCP port $1.
listening() { [[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]]; }

# Polls a command for up to $1 seconds.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}
