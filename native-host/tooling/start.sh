#!/usr/bin/env bash
# The main job: S/MIME in Roundcube with Cachet. Installs what is missing (as root), builds
# the extension and the native host, starts the loopback mail system, then runs the demo
# (demo/run-demo.ts): with a display, Chromium on Roundcube as Alice; without one, Alice
# sends Bob a signed and encrypted message in Roundcube and Bob reads it, headless.
# Arguments go to run-demo.ts (--user bob, --headless).
set -euo pipefail
cd "$(dirname "$0")/../.."
tooling=native-host/tooling
mail_system=$tooling/mail-system/mail-system.sh

# Both checks run before stopping, so a user who is not root gets every command at once.
missing=0
bash $tooling/ensure-debian-packages.sh $tooling/start-packages.txt || missing=1
# Postfix, Dovecot and Roundcube, with their debconf questions answered first.
bash $mail_system install || missing=1
((missing == 0)) || exit 1
[[ -d node_modules ]] || npm ci

# Built unless dist/ is newer than every source. The browser tests build under the same
# lock (test/e2e/build-once.ts), so neither deletes dist/ in the middle of the other's build.
build_lock=${TMPDIR:-/tmp}/cachet-e2e-build.lock
stamp=dist/chrome/manifest.json
until mkdir "$build_lock" 2>/dev/null; do
  # One left behind by a killed build is older than five minutes.
  [[ -n $(find "$build_lock" -maxdepth 0 -mmin +5 2>/dev/null) ]] && rm -rf "$build_lock"
  sleep 0.2
done
trap 'rm -rf "$build_lock"' EXIT
if [[ ! -f $stamp || ! -f dist/native-host/host.mjs ||
  -n $(find src background content native-host manifest.json package-lock.json -newer "$stamp" -type f -print -quit) ]]; then
  echo "Building the extension and the native host…"
  node $tooling/build.mjs --quiet
fi
rm -rf "$build_lock"
trap - EXIT

if [[ $(id -u) -eq 0 ]]; then
  bash $mail_system start
elif ! bash $mail_system status >/dev/null; then
  echo "The mail system is not running, and starting it needs root: sudo bash $mail_system start" >&2
  exit 1
fi
exec node_modules/.bin/tsx $tooling/demo/run-demo.ts "$@"
