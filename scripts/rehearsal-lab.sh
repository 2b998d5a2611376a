#!/usr/bin/env bash
# The rehearsal: N local test hosts (test/lab/lab.sh) with TEST DOUBLES of K3s and Helm, so the
# whole playbook can be run, re-run and checked on one Linux machine with root. Nothing real is
# installed: no containers run, and the "cluster" only simulates what the roles talk to.
#
#   npm run lab -- up 3      then: npx run-playbook site.yaml -i lab
#   npm run lab -- ssh h1    a shell on a host (or: npm run lab -- ssh h1 CMD...)
#   npm run lab -- down
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
case ${1:-} in
  up)
    count=${2:-3}
    bash "$root/scripts/install-lab-deps.sh"
    inventory=$(bash "$root/test/lab/lab.sh" up "$count" rehearse | tail -1)
    rm -rf "$root/lab"
    mkdir -p "$root/lab/group_vars"
    cp "$inventory" "$root/lab/inventory.yaml"
    # The chart repository: h1 serves an index.yaml listing the pinned kube-prometheus-stack (the
    # Helm double fetches it at 'helm repo add' and 'helm repo update', as Helm does).
    chart_version=$(sed -n 's/^kps_chart_version: *//p' "$root/roles/monitoring/defaults/main.yaml")
    unit='[Unit]\nDescription=the rehearsal chart repository\n[Service]\nExecStart=/usr/bin/python3 -m http.server 8879 --bind 127.0.0.1 --directory /srv/chart-repo\n[Install]\nWantedBy=multi-user.target\n'
    LAB=rehearse bash "$root/test/lab/lab.sh" exec 1 sh -c "mkdir -p /srv/chart-repo && cat > /srv/chart-repo/index.yaml && printf '$unit' > /etc/systemd/system/chart-repo.service && systemctl daemon-reload && systemctl enable --now chart-repo.service 2>/dev/null" <<REPO
apiVersion: v1
entries:
  kube-prometheus-stack:
    - { name: kube-prometheus-stack, version: "$chart_version", urls: [kube-prometheus-stack-$chart_version.tgz] }
REPO
    cat > "$root/lab/group_vars/all.yaml" <<VARS
# A REHEARSAL: K3s and Helm are the test doubles of test/doubles, installed by the roles' offline path.
k3s_install_source: offline
k3s_offline_binary: $root/test/doubles/k3s
k3s_offline_installer: $root/test/doubles/install.sh
helm_offline_binary: $root/test/doubles/helm
helm_repos: [{ name: prometheus-community, url: "http://127.0.0.1:8879" }]
kubeconfig_controller_path: $root/lab/kubeconfig
# The lab hosts share this machine's kernel: no kernel modules are loaded into it.
os_prep_kernel_modules: []
VARS
    echo "Rehearsal lab with $count hosts (h1 is the master). Next: npx run-playbook site.yaml -i lab"
    ;;
  ssh)
    host=${2:?usage: npm run lab -- ssh hN [CMD...]}
    shift 2
    LAB=rehearse exec bash "$root/test/lab/lab.sh" ssh "$host" "$@"
    ;;
  down)
    bash "$root/test/lab/lab.sh" down rehearse
    if [[ -d $root/lab ]]; then
      rm -rf "$root/lab"
      echo "removed $root/lab (the rehearsal's inventory, variables and kubeconfig)"
    fi
    ;;
  *)
    echo "usage: npm run lab -- up [N] | ssh hN [CMD...] | down" >&2
    exit 2
    ;;
esac
