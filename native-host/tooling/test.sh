#!/usr/bin/env bash
# The one command that runs every test: installs what the tests need, builds, runs vitest.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash native-host/tooling/ensure-debian-packages.sh native-host/tooling/debian-packages.txt
# Postfix, Dovecot and Roundcube for the webmail tests (their debconf questions answered).
bash native-host/tooling/mail-system/mail-system.sh install
# OpenLDAP's slapd for the directory tests (Debian's own instance left unconfigured).
bash native-host/tooling/directory/slapd.sh install
# Cyrus' JMAP server for the JMAP transport tests (httpd and LMTP only, beside Dovecot).
bash native-host/tooling/jmap/cyrus.sh install
[[ -d node_modules ]] || npm ci
node native-host/tooling/build.mjs --quiet
exec npx vitest run --config test/vitest.config.ts "$@"
