#!/usr/bin/env bash
# Debian packages the test suite needs (idempotent; needs root). Kept in one place so that
# README, .ci/run and developers install the same things.
set -euo pipefail
packages=(git)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
