#!/usr/bin/env bash
# Cachet's test directory on loopback: Debian's OpenLDAP slapd with a scratch
# configuration (slapd.conf.in) and database in one state directory, shared by the tests
# and anyone trying Cachet against a directory. Debian's own slapd is never configured or
# started, and /etc/ldap is not changed.
#
# Usage (as root; status works for anyone):
#   slapd.sh install           install packages.txt, leaving Debian's slapd unconfigured
#   slapd.sh start             start slapd unless it runs, then print where it listens;
#                              running it again changes nothing (a changed slapd.conf.in
#                              takes effect after a stop)
#   slapd.sh stop [--force]    stop it and check that neither port is left open
#                              (--force: even while test runs use it)
#   slapd.sh status            say whether it runs; exit 0 running, 3 stopped
#   slapd.sh acquire|release PID  for test runs (test/support/directory-setup.ts): start,
#                              and stop after the last run that started it
#
# It listens on 127.0.0.1:3389 (ldap://, StartTLS offered) and 127.0.0.1:6636 (ldaps://),
# with a server certificate for 127.0.0.1, localhost and ldap.example.test issued by a
# test CA made here ($state/tls/ca.crt). The suffix is dc=example,dc=test; its manager
# cn=admin,dc=example,dc=test binds with the password admin-secret and loads the entries
# the tests need. Everything lives in $CACHET_LDAP_STATE, by default /var/tmp/cachet-ldap;
# CACHET_LDAP_PORT and CACHET_LDAPS_PORT move the ports, so a second instance can run
# beside the first (one test stops its own to see a directory go away).
# test/support/directory.ts holds the same names for the tests.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../leases.sh"
source "$here/../polling.sh"
state=${CACHET_LDAP_STATE:-/var/tmp/cachet-ldap}
host=127.0.0.1
ldap_port=${CACHET_LDAP_PORT:-3389}
ldaps_port=${CACHET_LDAPS_PORT:-6636}
suffix=dc=example,dc=test
rootdn=cn=admin,$suffix
rootpw=admin-secret
pid_file=$state/run/slapd.pid
log_dir=$state/log
leases=$state/leases

die() {
  echo "slapd.sh: $*" >&2
  exit 1
}

note() { echo "slapd.sh: $*" >&2; }

# The path goes unquoted into slapd.conf and sed replacements.
[[ $state =~ ^/[A-Za-z0-9._/-]+$ ]] ||
  die "CACHET_LDAP_STATE must be an absolute path of letters, digits and . _ - /: $state"
[[ $ldap_port =~ ^[0-9]+$ && $ldaps_port =~ ^[0-9]+$ ]] || die "the ports must be numbers"

require_root() {
  [[ $(id -u) -eq 0 ]] || die "'$1' needs root (slapd drops to the openldap user): sudo bash $0 $1"
}

installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]; }

# /proc rather than kill -0, so that status works for users who may not signal root's
# processes; the command name guards against a stale pid file after a reboot.
slapd_pid() {
  local pid
  pid=$({ tr -dc '0-9' <"$pid_file"; } 2>/dev/null || true)
  if [[ -n $pid && $(cat "/proc/$pid/comm" 2>/dev/null || true) == slapd ]]; then
    echo "$pid"
  fi
}



cmd_install() {
  if [[ $(id -u) -ne 0 ]]; then
    bash "$here/../ensure-debian-packages.sh" "$here/packages.txt" && return 0
    note "or, to keep Debian's own slapd unconfigured and stopped: sudo bash $0 install"
    exit 1
  fi
  # Without this answer slapd's postinst builds a database for the machine's domain in
  # /etc/ldap/slapd.d; the private instance brings its own configuration instead.
  installed slapd || echo 'slapd slapd/no_configuration boolean true' | debconf-set-selections
  # Installing slapd would start Debian's own through invoke-rc.d; a policy-rc.d
  # answering 101 ("action forbidden") keeps it stopped. One already present, as in
  # Docker images, is left as it is.
  local guard=/usr/sbin/policy-rc.d
  if [[ ! -e $guard ]] && ! installed slapd; then
    printf '#!/bin/sh\nexit 101\n' >"$guard"
    chmod 755 "$guard"
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  bash "$here/../ensure-debian-packages.sh" "$here/packages.txt"
}

# The test CA and the server's certificate, made once and kept, so that a developer who
# chose to trust the CA keeps trusting the same one; the server's is renewed a week before
# it ends.
make_certificates() {
  local tls=$state/tls
  if [[ ! -s $tls/ca.crt || ! -s $tls/ca.key ]]; then
    (umask 077 && openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
      -days 3650 -subj "/O=Cachet test/CN=Cachet test directory CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout "$tls/ca.key" -out "$tls/ca.crt" 2>>"$log_dir/openssl.log")
    rm -f "$tls/server.crt"
  fi
  if [[ -s $tls/server.crt && -s $tls/server.key ]] &&
    openssl x509 -checkend 604800 -noout -in "$tls/server.crt" >/dev/null; then
    return
  fi
  (umask 077 && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=ldap.example.test" -keyout "$tls/server.key" -out "$tls/server.csr" 2>>"$log_dir/openssl.log")
  # Clients connecting to 127.0.0.1 check the address as a SAN of its own.
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 825 -sha256 -out "$tls/server.crt" \
    -extfile <(printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
      "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,DNS:ldap.example.test,IP:$host") \
    2>>"$log_dir/openssl.log"
  rm -f "$tls/server.csr"
  chgrp openldap "$tls/server.key"
  chmod 640 "$tls/server.key"
  chmod 644 "$tls/ca.crt" "$tls/server.crt"
}

# RFC 1274 gives otherMailbox a syntax that OpenLDAP cannot compare, so no filter could
# find an entry by it. Active Directory, whose entries Cachet reads, defines it as a
# directory string with case-insensitive matching; the copy of cosine.schema used here
# says the same, and nothing else in it changes.
write_cosine() {
  local from=/etc/ldap/schema/cosine.schema to=$state/schema/cosine.schema
  sed "/NAME 'otherMailbox'/{n;s/SYNTAX 1\.3\.6\.1\.4\.1\.1466\.115\.121\.1\.39 )/EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )/}" \
    "$from" >"$to.new"
  grep -A1 "NAME 'otherMailbox'" "$to.new" | grep -q 'EQUALITY caseIgnoreMatch' ||
    die "$from does not define otherMailbox as expected; cannot make it matchable"
  mv "$to.new" "$to"
}

write_config() {
  install -d -m 755 "$state" "$log_dir" "$state/tls" "$state/schema"
  install -d -m 755 -o openldap -g openldap "$state/run"
  install -d -m 700 -o openldap -g openldap "$state/db"
  make_certificates
  write_cosine
  sed -e "s|@STATE@|$state|g" -e "s|@HERE@|$here|g" -e "s|@SUFFIX@|$suffix|g" \
    -e "s|@ROOTDN@|$rootdn|g" -e "s|@ROOTPW@|$rootpw|g" "$here/slapd.conf.in" >"$state/slapd.conf.new"
  chgrp openldap "$state/slapd.conf.new"
  chmod 640 "$state/slapd.conf.new"
  mv "$state/slapd.conf.new" "$state/slapd.conf"
  slaptest -u -f "$state/slapd.conf" >>"$log_dir/slaptest.log" 2>&1 ||
    fail_with_log "the configuration does not load" "$log_dir/slaptest.log"
}

# The suffix entry, added offline the first time, so the manager can add beneath it.
seed_database() {
  [[ -e $state/db/seeded ]] && return
  printf '%s\n' "dn: $suffix" 'objectClass: dcObject' 'objectClass: organization' 'dc: example' \
    'o: Cachet test directory' |
    slapadd -f "$state/slapd.conf" -b "$suffix" >>"$log_dir/slapadd.log" 2>&1 ||
    fail_with_log "the suffix entry could not be added" "$log_dir/slapadd.log"
  chown -R openldap:openldap "$state/db"
  : >"$state/db/seeded"
}

fail_with_log() {
  note "$1; the end of $2:"
  tail -n 20 "$2" >&2 2>/dev/null || true
  exit 1
}

claim_port() {
  listening "$1" || return 0
  die "port $1 is taken by another program (see 'ss -ltnp')"
}

answers() {
  ldapsearch -x -LLL -H "ldap://$host:$ldap_port" -s base -b "$suffix" dn >/dev/null 2>&1
}

print_summary() {
  cat <<EOF
Test directory running on loopback (state in $state)
  LDAP        ldap://$host:$ldap_port   StartTLS offered
  LDAPS       ldaps://$host:$ldaps_port
  Test CA     $state/tls/ca.crt
  Suffix      $suffix   manager $rootdn, password $rootpw
  Log         $log_dir/slapd.log
EOF
}

cmd_start() {
  local tool
  for tool in slapd slapadd slaptest ldapsearch openssl ss; do
    command -v "$tool" >/dev/null || die "$tool is missing; run: bash $0 install"
  done
  if [[ -n $(slapd_pid) ]]; then
    print_summary
    return
  fi
  write_config
  seed_database
  claim_port "$ldap_port"
  claim_port "$ldaps_port"
  # -d 256 keeps slapd in the foreground logging to stderr; setsid and & let it run on
  # with its own session, and fd 9 (the state lock) is not passed on.
  setsid slapd -d 256 -h "ldap://$host:$ldap_port/ ldaps://$host:$ldaps_port/" -f "$state/slapd.conf" \
    -u openldap -g openldap </dev/null >>"$log_dir/slapd.log" 2>&1 9>&- &
  wait_until 20 answers || fail_with_log "slapd does not answer on ldap://$host:$ldap_port" "$log_dir/slapd.log"
  wait_until 10 listening "$ldaps_port" || fail_with_log "slapd does not listen on $ldaps_port" "$log_dir/slapd.log"
  print_summary
}

cmd_stop() {
  local pid runs
  runs=$(live_leases)
  if [[ -n $runs && ${1:-} != --force ]]; then
    die "test runs (pids ${runs//$'\n'/ }) use the directory and stop it when they end; 'stop --force' stops it now"
  fi
  rm -f "$leases/started-by-tests"
  pid=$(slapd_pid)
  if [[ -n $pid ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_until 10 eval "[[ ! -d /proc/$pid ]]"; then
      note "slapd did not stop within 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      wait_until 5 eval "[[ ! -d /proc/$pid ]]" || die "slapd (pid $pid) is still there"
    fi
  fi
  rm -f "$pid_file"
  local port open=()
  for port in "$ldap_port" "$ldaps_port"; do
    listening "$port" && open+=("$port")
  done
  ((${#open[@]} == 0)) || die "stopped, but ports ${open[*]} still listen (another program? see 'ss -ltnp')"
  echo "Test directory stopped; nothing listens on ports $ldap_port or $ldaps_port."
}

cmd_status() {
  local pid
  pid=$(slapd_pid)
  if [[ -n $pid ]]; then
    echo "slapd running (pid $pid): ldap://$host:$ldap_port ldaps://$host:$ldaps_port"
    return 0
  fi
  echo "slapd stopped"
  return 3
}

# Test runs share the server: each holds a lease named by its process id, and the last
# one to leave stops it, but only if a test run started it (a server started with `start`
# keeps running).
cmd_acquire() {
  [[ $# -eq 1 && $1 =~ ^[0-9]+$ ]] || die "usage: acquire PID"
  install -d -m 755 "$leases"
  [[ -n $(slapd_pid) ]] || : >"$leases/started-by-tests"
  : >"$leases/$1"
  cmd_start
}


cmd_release() {
  [[ $# -eq 1 && $1 =~ ^[0-9]+$ ]] || die "usage: release PID"
  rm -f "$leases/$1"
  [[ -z $(live_leases) ]] || return 0
  if [[ -e $leases/started-by-tests ]]; then
    cmd_stop
  fi
}

# One command at a time per state directory: two starts at once would both find nothing
# running.
lock_state() {
  install -d -m 755 "$state"
  exec 9>"$state/lock"
  flock -w 60 9 || die "another slapd.sh command holds $state/lock"
}

command=${1:-}
shift || true
case $command in
install) cmd_install ;;
start | stop | acquire | release)
  require_root "$command"
  lock_state
  "cmd_$command" "$@"
  ;;
status) cmd_status ;;
*) die "usage: $0 install|start|stop [--force]|status|acquire PID|release PID" ;;
esac
