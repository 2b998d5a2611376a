#!/usr/bin/env bash
# Debian packages the test suite needs (idempotent; needs root). Kept in one place so that
# README, .ci/run and developers install the same things.
set -euo pipefail
# The lab (test/lab/lab.sh): sshd, sudo, systemd and iproute2 for the test hosts; apt-utils builds the
# apt module's test repository; curl is what get_url and uri run on the hosts; chromium is the
# browser of the service's browser test; python3-yaml is for the K3s and Helm test doubles (test/doubles).
packages=(git chromium python3-yaml openssh-server openssh-client sudo systemd iproute2 util-linux procps curl apt-utils)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
