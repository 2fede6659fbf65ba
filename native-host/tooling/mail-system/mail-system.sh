#!/usr/bin/env bash
# Cachet's mail system on loopback, shared by the tests and the demo: Postfix takes mail
# submission, Dovecot serves IMAP and stores the mail, Debian's Roundcube under PHP's
# built-in server is the webmail; CiderWebmail (ciderwebmail.sh) is a second webmail on the
# same mailboxes. They are private instances with their own configuration, written from
# the templates beside this file into one state directory; the system instances'
# configuration under /etc is neither used nor changed.
#
# Usage (as root; `npm run mail -- COMMAND` runs this script):
#   mail-system.sh install            install packages.txt, debconf questions answered first
#   mail-system.sh start              start whatever is not running, then print the URLs,
#                                     accounts and test CA; running it again changes nothing
#   mail-system.sh stop [--force]     stop everything and check that no port is left open
#                                     (--force: even while test runs use it)
#   mail-system.sh status             say what runs; exit 0 all of it, 3 none, 1 a part
#   mail-system.sh deliver USER FILE  store FILE ("-": standard input) unchanged in USER's
#                                     INBOX and print the IMAP UID it got
#   mail-system.sh reset              empty every mailbox and Roundcube's database
#   mail-system.sh acquire|release PID  for test runs (test/support/mail-system-setup.ts):
#                                     start, and stop after the last run that started it
#
# Roundcube is http://127.0.0.1:8025/ and CiderWebmail http://127.0.0.1:8026/; IMAP is
# 127.0.0.1:143 and submission 127.0.0.1:587, both STARTTLS only. The accounts are alice,
# bob and carol @example.test with the passwords alice-secret, bob-secret and
# carol-secret. Everything generated lives in
# $CACHET_MAIL_STATE, by default /var/tmp/cachet-mail (kept across reboots, so a test CA a
# developer chose to trust stays the same); the CA certificate is its tls/ca.crt.
# test/support/mail-system.ts holds the same names for the tests.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
state=${CACHET_MAIL_STATE:-/var/tmp/cachet-mail}
host=127.0.0.1
domain=example.test
imap_port=143
submission_port=587
web_port=8025
users=(alice bob carol)
# Debian's web root for Roundcube; /usr/share/roundcube has no public_html of its own.
web_root=/var/lib/roundcube/public_html

dovecot_conf=$state/dovecot/dovecot.conf
dovecot_pid_file=$state/dovecot/run/master.pid
postfix_dir=$state/postfix/etc
postfix_pid_file=$state/postfix/queue/pid/master.pid
php_pid_file=$state/roundcube/php.pid
log_dir=$state/log
leases=$state/leases
# The second webmail: start_ciderwebmail, stop_ciderwebmail, ciderwebmail_pid, $cider_port.
# shellcheck source=ciderwebmail.sh
source "$here/ciderwebmail.sh"
source "$here/../leases.sh"
source "$here/../polling.sh"

die() {
  echo "mail-system: $*" >&2
  exit 1
}

note() { echo "mail-system: $*" >&2; }

password_of() { printf '%s-secret' "$1"; }

# The path goes unquoted into Dovecot's and Postfix's configuration and into Unix socket
# names, which are limited to 107 bytes.
[[ $state =~ ^/[A-Za-z0-9._/-]+$ ]] ||
  die "CACHET_MAIL_STATE must be an absolute path of letters, digits and . _ - /: $state"
((${#state} <= 80)) || die "CACHET_MAIL_STATE is too long for Unix socket names (80 at most): $state"

require_root() {
  [[ $(id -u) -eq 0 ]] ||
    die "'$1' needs root (Postfix and Dovecot bind ports below 1024 and switch users): sudo bash $0 $1"
}

installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]; }

# /proc rather than kill -0, so that status works for users who may not signal root's
# processes; the command name guards against a stale pid file after a reboot.
running_pid() {
  local pid
  pid=$({ tr -dc '0-9' <"$1"; } 2>/dev/null || true)
  if [[ -n $pid && $(cat "/proc/$pid/comm" 2>/dev/null || true) == "$2"* ]]; then
    echo "$pid"
  fi
}

dovecot_pid() { running_pid "$dovecot_pid_file" dovecot; }
postfix_pid() { running_pid "$postfix_pid_file" master; }
php_pid() { running_pid "$php_pid_file" php; }


roundcube_answers() {
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://$host:$web_port/?_task=login") == 200 ]]
}


cmd_install() {
  if [[ $(id -u) -ne 0 ]]; then
    bash "$here/../ensure-debian-packages.sh" "$here/packages.txt" && return 0
    note "or, to have Postfix's and Roundcube's debconf questions answered first: sudo bash $0 install"
    exit 1
  fi
  # Preseed only for packages not installed yet: on a machine whose Postfix is set up,
  # changing its stored answers would bite at its next upgrade.
  local line
  while IFS= read -r line; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    installed "${line%% *}" || printf '%s\n' "$line"
  done <"$here/debconf-selections.txt" | debconf-set-selections
  # Installing dovecot-core starts Debian's own Dovecot (through invoke-rc.d), which would
  # take port 143 from the private one. A policy-rc.d answering 101 ("action forbidden")
  # keeps it stopped; one already present, as in Docker images, is left as it is.
  local guard=/usr/sbin/policy-rc.d
  if [[ ! -e $guard ]] && { ! installed dovecot-core || ! installed postfix; }; then
    printf '#!/bin/sh\nexit 101\n' >"$guard"
    chmod 755 "$guard"
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  bash "$here/../ensure-debian-packages.sh" "$here/packages.txt"
}

render() {
  sed -e "s|@STATE@|$state|g" -e "s|@HOST@|$host|g" -e "s|@DOMAIN@|$domain|g" \
    -e "s|@IMAP_PORT@|$imap_port|g" -e "s|@SUBMISSION_PORT@|$submission_port|g" \
    -e "s|@MAIL_UID@|$(id -u mail)|g" -e "s|@MAIL_GID@|$(id -g mail)|g" \
    -e "s|@MAILBOXES@|$mailboxes|g" -e "s|@DES_KEY@|$des_key|g" \
    "$here/$1" >"$2"
}

make_certificates() {
  local tls=$state/tls
  local ca_ext=(-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign")
  if [[ ! -s $tls/ca.crt || ! -s $tls/ca.key ]]; then
    (umask 077 && openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
      -days 3650 -subj "/O=Cachet test/CN=Cachet test mail CA" "${ca_ext[@]}" \
      -keyout "$tls/ca.key" -out "$tls/ca.crt" 2>>"$log_dir/openssl.log")
    rm -f "$tls/server.crt"
  fi
  # A new server certificate when there is none or it runs out within a week.
  if [[ -s $tls/server.crt && -s $tls/server.key ]] &&
    openssl x509 -checkend 604800 -noout -in "$tls/server.crt" >/dev/null; then
    return
  fi
  (umask 077 && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=mail.$domain" -keyout "$tls/server.key" -out "$tls/server.csr" 2>>"$log_dir/openssl.log")
  # The IP address is a SAN of its own: clients that connect to 127.0.0.1 (Roundcube,
  # Node's tls with host 127.0.0.1) check it, not a DNS name.
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 825 -sha256 -out "$tls/server.crt" \
    -extfile <(printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
      "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,DNS:mail.$domain,IP:$host" \
      "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid") 2>>"$log_dir/openssl.log"
  rm -f "$tls/server.csr"
  chmod 644 "$tls/ca.crt" "$tls/server.crt"
  certificate_renewed=true
}

# Puts a freshly written file in place only if it differs from the one there, so that a
# start with nothing changed reloads nothing: a reload cuts logins in progress, and test
# runs call start while other runs use the servers. Succeeds when it replaced the file.
replace_if_changed() {
  if cmp -s "$1" "$2"; then
    rm -f "$1"
    return 1
  fi
  mv "$1" "$2"
}

write_config() {
  install -d -m 755 "$state" "$log_dir" "$state/tls" "$state/dovecot" "$postfix_dir" \
    "$state/postfix/queue" "$state/roundcube" "$state/roundcube/config"
  install -d -m 750 -o mail -g mail "$state/mail"
  install -d -m 750 -o www-data -g www-data "$state/roundcube/db" "$state/roundcube/logs" \
    "$state/roundcube/temp"
  certificate_renewed=false
  make_certificates

  # passwd-file lines: user:password:uid:gid:gecos:home:shell:extra fields. The salt is
  # fixed, so the file comes out the same every time (these passwords are public anyway).
  local user
  for user in "${users[@]}"; do
    printf '%s@%s:{SHA512-CRYPT}%s:%s:%s::%s::\n' "$user" "$domain" \
      "$(openssl passwd -6 -salt "cachet.$user" "$(password_of "$user")")" \
      "$(id -u mail)" "$(id -g mail)" "$state/mail/$domain/$user"
  done >"$state/dovecot/users.new"
  chown root:dovecot "$state/dovecot/users.new"
  chmod 640 "$state/dovecot/users.new"
  # Dovecot notices a changed passwd-file by itself.
  replace_if_changed "$state/dovecot/users.new" "$state/dovecot/users" || true

  mailboxes=$(printf "%s@$domain=ok, " "${users[@]}")
  mailboxes=${mailboxes%, }
  # Roundcube encrypts the IMAP password in the session with this key; one per state
  # directory, kept so that sessions survive a restart.
  [[ -s $state/roundcube/des_key ]] || (umask 077 && openssl rand -base64 18 >"$state/roundcube/des_key")
  des_key=$(<"$state/roundcube/des_key")

  # Running servers read a renewed certificate only when they reload.
  dovecot_changed=$certificate_renewed
  render dovecot.conf.in "$dovecot_conf.new"
  if replace_if_changed "$dovecot_conf.new" "$dovecot_conf"; then
    dovecot_changed=true
  fi
  postfix_changed=$certificate_renewed
  render postfix-main.cf.in "$postfix_dir/main.cf.new"
  if replace_if_changed "$postfix_dir/main.cf.new" "$postfix_dir/main.cf"; then
    postfix_changed=true
  fi
  render postfix-master.cf.in "$postfix_dir/master.cf.new"
  if replace_if_changed "$postfix_dir/master.cf.new" "$postfix_dir/master.cf"; then
    postfix_changed=true
  fi
  # PHP reads Roundcube's configuration afresh for every request.
  local rc=$state/roundcube/config
  render roundcube-config.inc.php.in "$rc/config.inc.php.new"
  chown root:www-data "$rc/config.inc.php.new"
  chmod 640 "$rc/config.inc.php.new"
  replace_if_changed "$rc/config.inc.php.new" "$rc/config.inc.php" || true
  # ROUNDCUBE_CONFIG_DIR replaces /etc/roundcube as a whole, so the stock defaults and
  # MIME table are linked in beside the generated config.
  ln -sfn /etc/roundcube/defaults.inc.php "$rc/defaults.inc.php"
  ln -sfn /etc/roundcube/mimetypes.php "$rc/mimetypes.php"
}

# Fails, saying what to do, when another program holds a port a private instance needs.
claim_port() {
  local port=$1 what=$2 hint=''
  listening "$port" || return 0
  if [[ $port == "$imap_port" && -s /run/dovecot/master.pid ]]; then
    hint=" Debian's own Dovecot seems to run: stop it with 'doveadm stop' (or 'systemctl stop dovecot')."
  elif [[ $port == "$submission_port" && -s /var/spool/postfix/pid/master.pid ]]; then
    hint=" Debian's own Postfix seems to run: stop it with 'postfix stop' (or 'systemctl stop postfix')."
  fi
  die "port $port, which $what needs, is taken by another program (see 'ss -ltnp').$hint"
}

# Starting a daemon sends its complaints to its log; show them when it fails.
fail_with_log() {
  note "$1; the end of $2:"
  tail -n 20 "$2" >&2 2>/dev/null || true
  exit 1
}

start_dovecot() {
  local log=$log_dir/dovecot.log
  if [[ -n $(dovecot_pid) ]]; then
    if $dovecot_changed; then
      doveadm -c "$dovecot_conf" reload >>"$log" 2>&1 || fail_with_log "Dovecot did not reload" "$log"
    fi
    return
  fi
  claim_port "$imap_port" "Dovecot (IMAP)"
  dovecot -c "$dovecot_conf" </dev/null >>"$log" 2>&1 9>&- || fail_with_log "Dovecot did not start" "$log"
  wait_until 20 listening "$imap_port" || fail_with_log "Dovecot does not listen on $imap_port" "$log"
  wait_until 20 test -S "$state/dovecot/run/lmtp" || fail_with_log "Dovecot's LMTP socket is missing" "$log"
}

start_postfix() {
  local log=$log_dir/postfix.log
  if [[ -n $(postfix_pid) ]]; then
    if $postfix_changed; then
      postfix -c "$postfix_dir" reload >>"$log" 2>&1 || fail_with_log "Postfix did not reload" "$log"
    fi
    return
  fi
  claim_port "$submission_port" "Postfix (submission)"
  postfix -c "$postfix_dir" start </dev/null >>"$log" 2>&1 9>&- || fail_with_log "Postfix did not start" "$log"
  wait_until 20 listening "$submission_port" || fail_with_log "Postfix does not listen on $submission_port" "$log"
}

start_roundcube() {
  local log=$log_dir/roundcube-http.log
  if [[ -z $(php_pid) ]]; then
    claim_port "$web_port" "Roundcube (php -S)"
    # Its own session, so that stop ends the server and its workers as one process group;
    # as www-data, like Debian's Roundcube under a web server. Workers let the page's
    # parallel requests (and the extension's) run side by side.
    setsid setpriv --reuid=www-data --regid=www-data --init-groups \
      env -i PATH=/usr/bin:/bin HOME=/var/www ROUNDCUBE_CONFIG_DIR="$state/roundcube/config" \
      PHP_CLI_SERVER_WORKERS=4 \
      php -d upload_max_filesize=50M -d post_max_size=55M -d memory_limit=256M \
      -S "$host:$web_port" -t "$web_root" </dev/null >>"$log" 2>&1 9>&- &
    echo $! >"$php_pid_file"
  fi
  # The first page also creates Roundcube's SQLite schema, here, once, rather than in two
  # workers racing on an empty file.
  wait_until 30 roundcube_answers ||
    fail_with_log "Roundcube does not answer on http://$host:$web_port/" "$state/roundcube/logs/errors.log"
}

print_summary() {
  local user
  cat <<EOF
Mail system running on loopback (state in $state)
  Roundcube   http://$host:$web_port/   (log in as alice or alice@$domain)
  CiderWebmail http://$host:$cider_port/   (log in as alice@$domain)
  IMAP        $host:$imap_port   STARTTLS required before LOGIN
  Submission  $host:$submission_port   STARTTLS, then AUTH PLAIN or LOGIN
  Test CA     $state/tls/ca.crt
  Accounts
EOF
  for user in "${users[@]}"; do
    printf '    %-20s %s\n' "$user@$domain" "$(password_of "$user")"
  done
  echo "  Logs        $log_dir/"
}

cmd_start() {
  local tool
  for tool in dovecot doveadm postfix php openssl curl ss setpriv; do
    command -v "$tool" >/dev/null || die "$tool is missing; run: bash $0 install"
  done
  [[ -f $web_root/index.php ]] || die "Roundcube is missing ($web_root); run: bash $0 install"
  write_config
  start_dovecot
  start_postfix
  start_roundcube
  start_ciderwebmail
  print_summary
}

# Waits for a process group to end, then forces it.
end_group() {
  local pgid=$1 what=$2
  wait_until 10 eval "! kill -0 -- -$pgid 2>/dev/null" && return
  note "$what did not stop within 10 s; killing it"
  kill -KILL -- "-$pgid" 2>/dev/null || true
  wait_until 5 eval "! kill -0 -- -$pgid 2>/dev/null" || die "$what (process group $pgid) is still there"
}

cmd_stop() {
  local php postfix dovecot port open=() runs
  runs=$(live_leases)
  if [[ -n $runs && ${1:-} != --force ]]; then
    die "test runs (pids ${runs//$'\n'/ }) use the mail system and stop it when they end; 'stop --force' stops it now"
  fi
  rm -f "$leases/started-by-tests"
  php=$(php_pid)
  postfix=$(postfix_pid)
  dovecot=$(dovecot_pid)
  # All are told first and awaited after: each takes a second or more to wind down.
  if [[ -n $php ]]; then
    kill -TERM -- "-$php" 2>/dev/null || true
  fi
  if [[ -n $postfix ]]; then
    postfix -c "$postfix_dir" stop >>"$log_dir/postfix.log" 2>&1 || kill -TERM "$postfix" 2>/dev/null || true
  fi
  if [[ -n $dovecot ]]; then
    kill -TERM "$dovecot" 2>/dev/null || true
  fi
  if [[ -n $php ]]; then
    end_group "$php" "Roundcube's PHP server"
  fi
  rm -f "$php_pid_file"
  if [[ -n $postfix ]]; then
    end_group "$postfix" "Postfix"
  fi
  if [[ -n $dovecot ]]; then
    end_group "$dovecot" "Dovecot"
  fi
  stop_ciderwebmail
  for port in "$imap_port" "$submission_port" "$web_port" "$cider_port"; do
    listening "$port" && open+=("$port")
  done
  ((${#open[@]} == 0)) || die "stopped, but ports ${open[*]} still listen (another program? see 'ss -ltnp')"
  echo "Mail system stopped; nothing listens on ports $imap_port, $submission_port, $web_port or $cider_port."
}

# One line of status; counts in the caller's $up what runs.
report() {
  if [[ -n $2 ]]; then
    printf '%-10s running (pid %s): %s\n' "$1" "$2" "$3"
    up=$((up + 1))
  else
    printf '%-10s stopped\n' "$1"
  fi
}

cmd_status() {
  local up=0
  report dovecot "$(dovecot_pid)" "IMAP $host:$imap_port, LMTP and auth for Postfix"
  report postfix "$(postfix_pid)" "submission $host:$submission_port"
  report roundcube "$(php_pid)" "http://$host:$web_port/"
  report ciderwebmail "$(ciderwebmail_pid)" "http://$host:$cider_port/"
  ((up == 4)) && return 0
  ((up == 0)) && return 3
  return 1
}

cmd_deliver() {
  (($# == 2)) || die "usage: deliver USER FILE (FILE - reads standard input)"
  local user=$1 file=$2 status
  [[ $user == *@* ]] || user+="@$domain"
  [[ $file == - || -f $file ]] || die "no such file: $file"
  [[ -n $(dovecot_pid) ]] || die "Dovecot is not running; run: bash $0 start"
  # The message gets the UID that is next now. Deliveries through this script are
  # serialised by the state lock; only mail arriving by SMTP at the same moment could
  # take the UID first.
  status=$(doveadm -c "$dovecot_conf" -f flow mailbox status -u "$user" uidnext INBOX)
  if [[ $file == - ]]; then
    doveadm -c "$dovecot_conf" save -u "$user" -m INBOX
  else
    doveadm -c "$dovecot_conf" save -u "$user" -m INBOX <"$file"
  fi
  echo "${status##*uidnext=}"
}

no_sessions() { [[ -z $(doveadm -c "$dovecot_conf" -f flow who -1 2>/dev/null) ]]; }

cmd_reset() {
  local user
  if [[ -n $(dovecot_pid) ]]; then
    # IMAP sessions keep the maildirs open and would write their indexes back.
    for user in "${users[@]}"; do
      doveadm -c "$dovecot_conf" kick "$user@$domain" >/dev/null 2>&1 || true
    done
    wait_until 10 no_sessions || note "IMAP sessions still open after kick"
  fi
  [[ -d $state/mail ]] && find "$state/mail" -mindepth 1 -delete
  rm -f "$state/roundcube/db/roundcube.sqlite" "$state/roundcube/db/roundcube.sqlite-wal" \
    "$state/roundcube/db/roundcube.sqlite-shm"
  if [[ -n $(php_pid) ]]; then
    wait_until 30 roundcube_answers || note "Roundcube does not answer after the reset"
  fi
  echo "Mailboxes and Roundcube's database emptied."
}

# Test runs share the servers: each holds a lease named by its process id, and the last
# one to leave stops them, but only if a test run started them (servers started with
# `start`, say for a demo, keep running). Two developers' runs on one machine thus never
# stop each other's servers.
cmd_acquire() {
  [[ $# -eq 1 && $1 =~ ^[0-9]+$ ]] || die "usage: acquire PID"
  install -d -m 755 "$leases"
  if [[ -z "$(dovecot_pid)$(postfix_pid)$(php_pid)$(ciderwebmail_pid)" ]]; then
    : >"$leases/started-by-tests"
  fi
  : >"$leases/$1"
  cmd_start
}


cmd_release() {
  [[ $# -eq 1 && $1 =~ ^[0-9]+$ ]] || die "usage: release PID"
  rm -f "$leases/$1"
  [[ -z $(live_leases) ]] || return 0
  if [[ -e $leases/started-by-tests ]]; then
    rm -f "$leases/started-by-tests"
    cmd_stop
  fi
}

# One command at a time per state directory: two starts at once (parallel test files)
# would otherwise both find nothing running. The daemons are started with fd 9 closed,
# or they would hold the lock for as long as they run.
lock_state() {
  install -d -m 755 "$state"
  exec 9>"$state/lock"
  flock -w 120 9 || die "another mail-system command holds $state/lock"
}

command=${1:-}
shift || true
case $command in
install) cmd_install ;;
start | acquire | release | reset | deliver | stop)
  require_root "$command"
  lock_state
  "cmd_$command" "$@"
  ;;
status) cmd_status ;;
*) die "usage: $0 install|start|stop|status|deliver USER FILE|reset|acquire PID|release PID" ;;
esac
