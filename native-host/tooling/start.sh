#!/usr/bin/env bash
# The main job: build the extension and the native host, register the host for Cachet's
# Chromium profile and open Debian's Chromium with Cachet loaded (start.mjs).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash native-host/tooling/ensure-debian-packages.sh native-host/tooling/start-packages.txt
[[ -d node_modules ]] || npm ci
node native-host/tooling/build.mjs
exec node native-host/tooling/start.mjs
