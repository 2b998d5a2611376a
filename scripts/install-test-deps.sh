#!/usr/bin/env bash
# Debian packages the test suite needs (idempotent; needs root): the lab's, plus chromium for the
# service's browser test, apt-utils to build the apt module's test repository, and git.
set -euo pipefail
bash "$(dirname "$0")/install-lab-deps.sh"
packages=(git chromium apt-utils)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
