# shellcheck shell=bash
# CiderWebmail, the second webmail of Cachet's loopback mail system: Debian's ciderwebmail
# (a Perl Catalyst IMAP webmail) under Plack's own HTTP server on 127.0.0.1:8026, signing
# users in to the mail system's Dovecot over IMAP with STARTTLS (ciderwebmail.psgi). The
# generic adapter's end-to-end test reads S/MIME mail in it.
#
# mail-system.sh sources this file and runs these functions from its start, stop and
# status; they use its settings ($state, $host, $log_dir, $here) and helpers. Everything
# CiderWebmail keeps (configuration, settings database, sessions, the PSGI file it runs)
# is in $state/ciderwebmail, and it runs as Debian's ciderwebmail user.

cider_port=8026
cider_user=ciderwebmail
cider_dir=$state/ciderwebmail
cider_pid_file=$cider_dir/plackup.pid
cider_log=$log_dir/ciderwebmail.log

# plackup names itself by its full path, which the kernel cuts to 15 characters.
ciderwebmail_pid() { running_pid "$cider_pid_file" /usr/bin/placku; }

ciderwebmail_answers() {
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://$host:$cider_port/") == 200 ]]
}

# Writes the configuration and a copy of the PSGI file (the repository may sit where the
# ciderwebmail user cannot read); succeeds when either changed.
write_ciderwebmail_config() {
  local changed=1
  install -d -m 755 "$cider_dir" "$cider_dir/config"
  install -d -m 750 -o "$cider_user" -g "$cider_user" "$cider_dir/var"
  render ciderwebmail.conf.in "$cider_dir/config/ciderwebmail.conf.new"
  chmod 644 "$cider_dir/config/ciderwebmail.conf.new"
  if replace_if_changed "$cider_dir/config/ciderwebmail.conf.new" "$cider_dir/config/ciderwebmail.conf"; then
    changed=0
  fi
  install -m 644 "$here/ciderwebmail.psgi" "$cider_dir/ciderwebmail.psgi.new"
  if replace_if_changed "$cider_dir/ciderwebmail.psgi.new" "$cider_dir/ciderwebmail.psgi"; then
    changed=0
  fi
  return $changed
}

start_ciderwebmail() {
  command -v plackup >/dev/null && [[ -f /usr/share/perl5/CiderWebmail.pm ]] && id -u "$cider_user" >/dev/null 2>&1 ||
    die "CiderWebmail is missing; run: bash $0 install"
  # CiderWebmail reads its configuration only when it starts.
  if write_ciderwebmail_config && [[ -n $(ciderwebmail_pid) ]]; then
    stop_ciderwebmail
  fi
  if [[ -z $(ciderwebmail_pid) ]]; then
    claim_port "$cider_port" "CiderWebmail (plackup)"
    # Its own session, so that stop ends it as one process group. Plack's single-process
    # server is plenty for a test browser.
    setsid setpriv --reuid="$cider_user" --regid="$cider_user" --init-groups \
      env -i PATH=/usr/bin:/bin HOME="$cider_dir/var" \
      CACHET_CIDERWEBMAIL_CONFIG="$cider_dir/config" CACHET_MAIL_CA="$state/tls/ca.crt" \
      plackup -E deployment -s HTTP::Server::PSGI -o "$host" -p "$cider_port" "$cider_dir/ciderwebmail.psgi" \
      </dev/null >>"$cider_log" 2>&1 9>&- &
    echo $! >"$cider_pid_file"
  fi
  wait_until 60 ciderwebmail_answers || fail_with_log "CiderWebmail does not answer on http://$host:$cider_port/" "$cider_log"
}

stop_ciderwebmail() {
  local pid
  pid=$(ciderwebmail_pid)
  if [[ -n $pid ]]; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    end_group "$pid" "CiderWebmail's server"
  fi
  rm -f "$cider_pid_file"
}
