#!/usr/bin/env bash
# Makes sure the Debian packages listed in the file given as $1 are installed. As root it
# installs what is missing; otherwise it stops at once and names the exact command.
set -euo pipefail
list_file=$1
mapfile -t wanted < <(grep -v '^\s*#' "$list_file" | grep -v '^\s*$')
missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
((${#missing[@]} == 0)) && exit 0
if [[ $(id -u) -eq 0 ]]; then
  echo "Installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
else
  echo "Missing Debian packages. Run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
