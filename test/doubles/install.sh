#!/bin/sh
# TEST DOUBLE of the K3s install script (get.k3s.io), for the lab. It keeps the real script's
# contract for what the roles use: INSTALL_K3S_EXEC (server/agent), INSTALL_K3S_VERSION,
# INSTALL_K3S_SKIP_DOWNLOAD (the binary must already be at /usr/local/bin/k3s), INSTALL_K3S_SKIP_START,
# K3S_URL without a token is an error; it writes the systemd unit (k3s or k3s-agent), its env file
# (mode 0600), the kubectl link and the uninstall scripts, then enables (and maybe starts) the unit.
set -e
EXEC=${INSTALL_K3S_EXEC:-}
[ -z "$EXEC" ] && [ -n "${K3S_URL:-}" ] && EXEC=agent
[ -n "$EXEC" ] || EXEC=server
CMD=${EXEC%% *}
if [ "$CMD" = agent ] && [ -n "${K3S_URL:-}" ] && [ -z "${K3S_TOKEN:-}${K3S_TOKEN_FILE:-}" ]; then
  echo "[ERROR] Defaulted k3s exec command to 'agent' because K3S_URL is defined, but K3S_TOKEN or K3S_TOKEN_FILE is not defined." >&2
  exit 1
fi
if [ "${INSTALL_K3S_SKIP_DOWNLOAD:-}" != true ]; then
  echo "[ERROR] (test double) the lab has no internet: install with INSTALL_K3S_SKIP_DOWNLOAD=true and the binary in place" >&2
  exit 1
fi
[ -x /usr/local/bin/k3s ] || { echo "[ERROR] Executable k3s binary not found at /usr/local/bin/k3s" >&2; exit 1; }
if [ -n "${INSTALL_K3S_VERSION:-}" ] && ! /usr/local/bin/k3s --version | grep -qF "$INSTALL_K3S_VERSION"; then
  echo "[ERROR] /usr/local/bin/k3s is not version $INSTALL_K3S_VERSION" >&2
  exit 1
fi
NAME=k3s
[ "$CMD" = agent ] && NAME=k3s-agent
UNIT=/etc/systemd/system/$NAME.service
echo "[INFO]  Creating /usr/local/bin/kubectl symlink to k3s"
ln -sf k3s /usr/local/bin/kubectl
umask 077
env | grep -E '^(K3S|CONTAINERD)_' | sed -e 's/=\(.*\)/="\1"/' > "$UNIT.env" || true
umask 022
cat > "$UNIT" <<UNITEOF
[Unit]
Description=Lightweight Kubernetes (k3s-playbook test double)
After=network-online.target

[Service]
Type=simple
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
rm -rf /etc/rancher/k3s /var/lib/rancher/k3s
rm -f /usr/local/bin/k3s /usr/local/bin/kubectl /usr/local/bin/k3s-killall.sh
rm -f /usr/local/bin/$NAME-uninstall.sh
UNINSTALL
chmod 755 /usr/local/bin/$NAME-uninstall.sh
systemctl daemon-reload
systemctl enable $NAME >/dev/null 2>&1
if [ "${INSTALL_K3S_SKIP_START:-}" != true ]; then systemctl restart $NAME; fi
echo "[INFO]  systemd: $NAME installed"
