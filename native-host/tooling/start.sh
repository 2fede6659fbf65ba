#!/usr/bin/env bash
# The main job: build the extension and the native host and say where they are.
set -euo pipefail
cd "$(dirname "$0")/../.."
[[ -d node_modules ]] || npm ci
node native-host/tooling/build.mjs
