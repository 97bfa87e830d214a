#!/usr/bin/env bash
# Installs the Debian packages stockd builds, tests and demos with, once: skips what is already there.
# Needs root (or sudo). Swift itself (6.2 or later) must already be installed.
set -euo pipefail
packages=(liblmdb-dev libpq-dev postgresql postgresql-contrib pkg-config wrk hey bc time curl haproxy)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
"${SUDO[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
