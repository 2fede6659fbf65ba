# Sourced by the loopback servers' scripts (mail-system.sh, slapd.sh). Test runs take a
# lease named by their process id in "$leases" while they use the servers.

# Prints the process ids of the test runs holding a lease; a run that died without
# releasing leaves its lease behind, which is dropped here.
live_leases() {
  local lease
  for lease in "$leases"/[0-9]*; do
    [[ -e $lease ]] || continue
    if [[ -d /proc/${lease##*/} ]]; then
      echo "${lease##*/}"
    else
      rm -f "$lease"
    fi
  done
}
