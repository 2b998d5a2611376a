#!/bin/sh
# TEST DOUBLE of the K3s install script (get.k3s.io), for the lab. It keeps the real script's
# contract for what the roles use: INSTALL_K3S_EXEC (server/agent), INSTALL_K3S_VERSION,
# INSTALL_K3S_SKIP_DOWNLOAD (else the checksum-verified download, from a mirror: INSTALL_K3S_MIRROR(_URL)), INSTALL_K3S_SKIP_START,
# K3S_URL without a token is an error; it writes the systemd unit (k3s or k3s-agent), its env file
# (mode 0600), the kubectl/crictl/ctr links where those commands are absent, and the uninstall
# script (which removes those links only if they are links), then enables (and maybe starts) the unit.
# The unit is the real script's: Type=notify with TimeoutStartSec=0, so starting it waits (for ever)
# until K3s says it is ready.
set -e
EXEC=${INSTALL_K3S_EXEC:-}
[ -z "$EXEC" ] && [ -n "${K3S_URL:-}" ] && EXEC=agent
[ -n "$EXEC" ] || EXEC=server
CMD=${EXEC%% *}
if [ "$CMD" = agent ] && [ -n "${K3S_URL:-}" ] && [ -z "${K3S_TOKEN:-}${K3S_TOKEN_FILE:-}" ]; then
  echo "[ERROR] Defaulted k3s exec command to 'agent' because K3S_URL is defined, but K3S_TOKEN or K3S_TOKEN_FILE is not defined." >&2
  exit 1
fi
fatal() { echo "[ERROR]  $*" >&2; exit 1; }
if [ "${INSTALL_K3S_SKIP_DOWNLOAD:-}" != true ]; then
  # As the real script: the checksum list, then the binary (unless the installed one matches),
  # verified; from GitHub, or with INSTALL_K3S_MIRROR=cn from INSTALL_K3S_MIRROR_URL, where
  # versions are written with '-' for '+'. The lab has no internet: only a mirror on the lab works.
  [ -n "${INSTALL_K3S_VERSION:-}" ] || fatal "(test double) INSTALL_K3S_VERSION is required"
  if [ "${INSTALL_K3S_MIRROR:-}" = cn ]; then
    base=${INSTALL_K3S_MIRROR_URL:-rancher-mirror.rancher.cn}/k3s/$(echo "$INSTALL_K3S_VERSION" | sed 's/+/-/g')
  else
    base=https://github.com/k3s-io/k3s/releases/download/$INSTALL_K3S_VERSION
  fi
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "[INFO]  Downloading hash $base/sha256sum-amd64.txt"
  curl -sfL --max-time 20 -o "$tmp/hash" "$base/sha256sum-amd64.txt" || fatal "Download failed"
  expected=$(grep ' k3s$' "$tmp/hash" | cut -d' ' -f1)
  if [ -x /usr/local/bin/k3s ] && [ "$(sha256sum /usr/local/bin/k3s | cut -d' ' -f1)" = "$expected" ]; then
    echo "[INFO]  Skipping binary downloaded, installed k3s matches hash"
  else
    echo "[INFO]  Downloading binary $base/k3s"
    curl -sfL --max-time 60 -o "$tmp/k3s" "$base/k3s" || fatal "Download failed"
    got=$(sha256sum "$tmp/k3s" | cut -d' ' -f1)
    [ "$got" = "$expected" ] || fatal "Download sha256 does not match $expected, got $got"
    chmod 755 "$tmp/k3s"
    mv -f "$tmp/k3s" /usr/local/bin/k3s
  fi
fi
# As the real script: with INSTALL_K3S_SKIP_DOWNLOAD the binary in place is installed whatever its
# version (INSTALL_K3S_VERSION is not checked against it).
[ -x /usr/local/bin/k3s ] || fatal "Executable k3s binary not found at /usr/local/bin/k3s"
NAME=k3s
[ "$CMD" = agent ] && NAME=k3s-agent
UNIT=/etc/systemd/system/$NAME.service
# As the real script's create_symlinks: a link only where no such command is found already.
for cmd in kubectl crictl ctr; do
  if [ -e /usr/local/bin/$cmd ]; then
    echo "[INFO]  Skipping /usr/local/bin/$cmd symlink to k3s, already exists"
  elif found=$(command -v $cmd 2>/dev/null); then
    echo "[INFO]  Skipping /usr/local/bin/$cmd symlink to k3s, command exists in PATH at $found"
  else
    echo "[INFO]  Creating /usr/local/bin/$cmd symlink to k3s"
    ln -sf k3s /usr/local/bin/$cmd
  fi
done
umask 077
env | grep -E '^(K3S|CONTAINERD)_' | sed -e 's/=\(.*\)/="\1"/' > "$UNIT.env" || true
umask 022
cat > "$UNIT" <<UNITEOF
[Unit]
Description=Lightweight Kubernetes (k3s-playbook test double)
After=network-online.target

[Service]
Type=notify
TimeoutStartSec=0
EnvironmentFile=-/etc/default/%N
EnvironmentFile=-$UNIT.env
ExecStart=/usr/local/bin/k3s $EXEC
KillMode=process
Restart=always
RestartSec=2s

[Install]
WantedBy=multi-user.target
UNITEOF
cat > /usr/local/bin/$NAME-uninstall.sh <<UNINSTALL
#!/bin/sh
set -x
systemctl stop $NAME || true
systemctl disable $NAME || true
rm -f $UNIT $UNIT.env
systemctl daemon-reload
for cmd in kubectl crictl ctr; do
  if [ -L /usr/local/bin/\$cmd ]; then rm -f /usr/local/bin/\$cmd; fi
done
rm -rf /etc/rancher/k3s /run/k3s /run/flannel /var/lib/rancher/k3s /var/lib/kubelet
rm -f /usr/local/bin/k3s /usr/local/bin/k3s-killall.sh
rm -f /usr/local/bin/$NAME-uninstall.sh
UNINSTALL
chmod 755 /usr/local/bin/$NAME-uninstall.sh
systemctl daemon-reload
systemctl enable $NAME >/dev/null 2>&1
if [ "${INSTALL_K3S_SKIP_START:-}" != true ]; then systemctl restart $NAME; fi
echo "[INFO]  systemd: $NAME installed"
