#!/usr/bin/env bash
# Cachet's loopback JMAP server: Debian's Cyrus IMAP with a private configuration in one
# state directory (imapd.conf and cyrus.conf written here, its own SASL database, spool
# and databases), so Debian's own Cyrus is never configured or started.
#
# Usage (as root):
#   cyrus.sh install         install packages.txt, leaving Debian's Cyrus stopped
#   cyrus.sh start           start Cyrus unless it runs, with the test user and its mailboxes
#   cyrus.sh stop            stop it
#   cyrus.sh status          exit 0 running, 3 stopped
#
# JMAP (RFC 8620/8621) on http://127.0.0.1:18080 (/.well-known/jmap). Only Cyrus' httpd
# (cyrus-caldav) and LMTP (cyrus-common) run: cyrus-imapd conflicts with dovecot-imapd,
# which the loopback mail system needs, so it is not installed. The user alice logs in
# with the password alice-secret; her INBOX, Drafts and Sent (role sent) are made when
# a first message is delivered to her over LMTP. EmailSubmission hands mail to the SMTP server at
# 127.0.0.1:12525, which the tests run themselves to see what Cyrus sends.
# test/transports/jmap/cyrus.ts holds the same names for the tests.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../polling.sh"
state=${CACHET_CYRUS_STATE:-/var/tmp/cachet-cyrus}
http_port=18080
smtp_port=12525
user=alice
password=alice-secret
pid_file=$state/run/master.pid

die() {
  echo "cyrus.sh: $*" >&2
  exit 1
}

[[ $state =~ ^/[A-Za-z0-9._/-]+$ ]] || die "CACHET_CYRUS_STATE must be an absolute path of letters, digits and . _ - /"

installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]; }

master_pid() {
  local pid
  pid=$({ tr -dc '0-9' <"$pid_file"; } 2>/dev/null || true)
  if [[ -n $pid && $(cat "/proc/$pid/comm" 2>/dev/null || true) == master ]]; then echo "$pid"; fi
}



cmd_install() {
  [[ $(id -u) -eq 0 ]] || { bash "$here/../ensure-debian-packages.sh" "$here/packages.txt"; return; }
  # Installing Cyrus would start Debian's own instance; a policy-rc.d answering 101 keeps
  # it stopped. One already present, as in Docker images, is left as it is.
  local guard=/usr/sbin/policy-rc.d
  if [[ ! -e $guard ]] && ! installed cyrus-common; then
    printf '#!/bin/sh\nexit 101\n' >"$guard"
    chmod 755 "$guard"
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  bash "$here/../ensure-debian-packages.sh" "$here/packages.txt"
}

write_config() {
  install -d -m 750 -o cyrus -g mail "$state" "$state/conf" "$state/spool" "$state/sieve" "$state/run" "$state/log"
  # JMAP needs the conversations database (Cyrus' JMAP guide); the Sent folder gets the
  # \Sent special use, which JMAP shows as the role "sent".
  cat >"$state/imapd.conf" <<CONF
configdirectory: $state/conf
defaultpartition: default
partition-default: $state/spool
sievedir: $state/sieve
admins: cyrus
allowplaintext: 1
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $state/sasldb2
sasl_mech_list: PLAIN
httpmodules: jmap
conversations: 1
conversations_db: twoskip
autocreate_quota: 0
autocreate_post: 1
autocreate_inbox_folders: Sent | Drafts
xlist-sent: Sent
xlist-drafts: Drafts
smtp_backend: host
smtp_host: 127.0.0.1:$smtp_port
httpallowcompress: 0
unixhierarchysep: 1
altnamespace: 1
lmtpsocket: $state/run/lmtp
idlesocket: $state/run/idle
notifysocket: $state/run/notify
CONF
  cat >"$state/cyrus.conf" <<CONF
START {
  recover cmd="ctl_cyrusdb -r -C $state/imapd.conf"
}
SERVICES {
  http cmd="httpd -C $state/imapd.conf" listen="127.0.0.1:$http_port" prefork=0
  lmtpunix cmd="lmtpd -C $state/imapd.conf" listen="$state/run/lmtp" prefork=0
}
EVENTS {
}
CONF
  chown cyrus:mail "$state/imapd.conf" "$state/cyrus.conf"
  if [[ ! -s $state/sasldb2 ]]; then
    printf '%s' "$password" | saslpasswd2 -p -c -f "$state/sasldb2" "$user"
    chown cyrus:mail "$state/sasldb2"
    chmod 640 "$state/sasldb2"
  fi
}

cmd_start() {
  [[ $(id -u) -eq 0 ]] || die "'start' needs root (Cyrus runs as the cyrus user): sudo bash $0 start"
  if [[ -n $(master_pid) ]]; then echo "JMAP on http://127.0.0.1:$http_port (already running)"; return; fi
  ! listening "$http_port" || die "port $http_port is taken by another program"
  write_config
  /usr/lib/cyrus/bin/master -C "$state/imapd.conf" -M "$state/cyrus.conf" -p "$pid_file" -l 32 -d \
    >>"$state/log/master.log" 2>&1
  wait_until 20 listening "$http_port" || die "Cyrus did not start; see $state/log/master.log and the system log"
  # A first delivery creates the user's mailboxes (autocreate_post), then JMAP sees them.
  if [[ ! -e $state/provisioned ]]; then
    printf 'From: cachet@example.test\r\nTo: %s@example.test\r\nSubject: Welcome\r\nMessage-ID: <welcome@cachet.test>\r\n\r\nMailboxes made.\r\n' "$user" |
      su -s /bin/sh cyrus -c "/usr/lib/cyrus/bin/deliver -C $state/imapd.conf $user" >>"$state/log/master.log" 2>&1 ||
      die "the first delivery to $user failed; see $state/log/master.log"
    touch "$state/provisioned"
  fi
  su -s /bin/sh cyrus -c "/usr/lib/cyrus/bin/ctl_conversationsdb -C $state/imapd.conf -b -r" >>"$state/log/master.log" 2>&1 || true
  echo "JMAP on http://127.0.0.1:$http_port"
}

cmd_stop() {
  local pid
  pid=$(master_pid)
  [[ -n $pid ]] || return 0
  kill "$pid"
  wait_until 20 bash -c "! kill -0 $pid 2>/dev/null" || die "Cyrus (pid $pid) did not stop"
}

case ${1:-} in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) [[ -n $(master_pid) ]] && echo running || { echo stopped; exit 3; } ;;
  *) die "usage: cyrus.sh install|start|stop|status" ;;
esac
