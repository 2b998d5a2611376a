#!/usr/bin/env bash
# Debian packages the lab needs (test/lab/lab.sh and the K3s/Helm test doubles), and any others
# named as arguments; idempotent, needs root. ufw is for the lab hosts (os-prep opens ports when it is
# active); installing it leaves this machine's firewall off (Debian ships it disabled).
set -euo pipefail
packages=(openssh-server openssh-client sudo systemd iproute2 util-linux procps curl python3-yaml openssl ufw "$@")
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
