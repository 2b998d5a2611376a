#!/usr/bin/env bash
# The lab: N test hosts on this Linux machine, for integration tests, benchmarks and rehearsals.
# Each host has its own network namespace and address on a private bridge, its own hostname and
# PID namespace, and its own filesystem: an overlay over this machine's root, private to the host
# (what a host writes, no other host and not this machine sees). systemd boots as the host's PID 1
# (so systemctl is real) into a minimal lab.target that runs Debian's real OpenSSH server with a
# generated host key (and logind, which shutdown(8) asks to schedule a reboot). A host that reboots
# boots again with a new boot_id, keeping its disk. Root logs in by key; 'deploy' has passwordless
# sudo; 'pwuser''s sudo asks for a password. The hosts have no internet, so their apt sources are
# emptied.
#
#   lab.sh up N [NAME]   start N hosts (stops a lab of the same name first: safe to run twice)
#   lab.sh down [NAME]   stop the hosts and remove everything the lab made
#   lab.sh status [NAME] list the hosts and whether their sshd answers
#   LAB=NAME lab.sh exec N CMD...   run a command inside host hN (its namespaces and filesystem)
#   LAB=NAME lab.sh ssh N [CMD...]  log in to host hN over SSH as root (a shell, or run CMD)
#
# Files (in /run/k3s-playbook-lab/NAME): inventory.yaml, id_ed25519 (the controller's key),
# known_hosts (every host's key, for strict host key checking), hN/ (each host's state).
set -euo pipefail

command=${1:-}
case $command in
  up) count=${2:?usage: lab.sh up N [NAME]}; name=${3:-lab} ;;
  exec|ssh) name=${LAB:-lab}; target=${2:?usage: lab.sh $command N CMD...}; target=${target#h}; shift 2 ;;
  *) name=${2:-lab} ;;
esac
[[ $name =~ ^[a-z0-9]{1,8}$ ]] || { echo "lab name must be 1-8 lowercase letters or digits" >&2; exit 2; }
(( EUID == 0 )) || { echo "the lab needs root (network namespaces, mounts)" >&2; exit 2; }

dir=/run/k3s-playbook-lab/$name
bridge=kpl-$name
# One /24 per lab name, in 10.250.0.0/16: several labs can run at once.
subnet=10.250.$(( $(printf '%s' "$name" | cksum | cut -d' ' -f1) % 240 + 10 ))
SUDO_PASSWORD=lab-sudo-pass

host_ip() { echo "$subnet.$(( 10 + $1 ))"; }

down() {
  local hosts; hosts=$(find "$dir" -maxdepth 1 -name "h*" -type d 2>/dev/null | wc -l) || true
  for pidfile in "$dir"/h*/run.pid "$dir"/h*/pid; do
    [[ -f $pidfile ]] || continue
    kill -KILL "$(cat "$pidfile")" 2>/dev/null || true
  done
  sleep 0.2
  for cgroup in /sys/fs/cgroup/*/kpl-$name-h*; do
    [[ -d $cgroup ]] && find "$cgroup" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^kpl-$name-h[0-9]+$" || true); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
    ip netns del "$ns"
  done
  ip link del "$bridge" 2>/dev/null || true
  rm -rf "$dir"
  if (( hosts > 0 )); then
    echo "removed lab '$name': $hosts host(s) with their processes, filesystems and network namespaces, the bridge $bridge and $dir"
  else
    echo "no lab '$name' was running; nothing to remove"
  fi
}

boot_script() { # the first process of host $1, inside its own mount, UTS and PID namespaces
  local n=$1 root=$dir/h$1/root ip; ip=$(host_ip "$1")
  cat <<BOOT
set -e
mount -t overlay overlay -o lowerdir=/,upperdir=$dir/h$n/upper,workdir=$dir/h$n/work $root
mount --rbind /dev $root/dev
mount -t proc proc $root/proc
# Each boot has its own boot_id, as a machine's has (the kernel's stays the same across a host's reboots here).
cat /proc/sys/kernel/random/uuid > $dir/h$n/boot_id
mount --bind -o ro $dir/h$n/boot_id $root/proc/sys/kernel/random/boot_id
mount -t sysfs sysfs $root/sys
# systemd needs cgroups: each host gets its own sub-group in every hierarchy, mounted as its root.
mount -t tmpfs -o mode=0755 tmpfs $root/sys/fs/cgroup
for hierarchy in /sys/fs/cgroup/*/; do
  group=\$(basename \$hierarchy)
  mkdir -p \$hierarchy/kpl-$name-h$n $root/sys/fs/cgroup/\$group
  echo \$\$ > \$hierarchy/kpl-$name-h$n/cgroup.procs 2>/dev/null || true
  mount --bind \$hierarchy/kpl-$name-h$n $root/sys/fs/cgroup/\$group
done
for d in run tmp root home var/tmp; do mount -t tmpfs -o mode=0755 tmpfs $root/\$d; done
chmod 1777 $root/tmp $root/var/tmp; chmod 0700 $root/root
hostname h$n
echo h$n > $root/etc/hostname
printf '127.0.0.1 localhost\n127.0.1.1 h$n\n' > $root/etc/hosts
rm -f $root/etc/ssh/ssh_host_*
install -m 600 $dir/h$n/ssh_host_ed25519_key $root/etc/ssh/ssh_host_ed25519_key
install -m 644 $dir/h$n/ssh_host_ed25519_key.pub $root/etc/ssh/ssh_host_ed25519_key.pub
install -d -m 700 $root/root/.ssh
install -m 600 $dir/id_ed25519.pub $root/root/.ssh/authorized_keys
cp $dir/sshd_config $root/etc/ssh/sshd_config
sed -i "s/@ADDRESS@/$ip/" $root/etc/ssh/sshd_config
# Once, at the first boot: what a host adds to its apt sources later must survive its reboots.
[ -e $dir/h$n/booted ] || rm -rf $root/etc/apt/sources.list $root/etc/apt/sources.list.d/* $root/var/lib/apt/lists/* $root/var/lib/apt/periodic/update-success-stamp
touch $dir/h$n/booted
cp $dir/lab.target $root/etc/systemd/system/lab.target
# No udev in a container: it would trigger this machine's real devices through the shared /dev.
for unit in systemd-udevd.service systemd-udev-trigger.service systemd-udev-settle.service systemd-udevd-control.socket systemd-udevd-kernel.socket; do
  ln -sf /dev/null $root/etc/systemd/system/\$unit
done
chroot $root /bin/sh -c '
  for user in deploy pwuser; do
    id \$user >/dev/null 2>&1 || useradd -m -s /bin/bash -p "*" \$user
    install -d -m 700 -o \$user -g \$user /home/\$user/.ssh
    install -m 600 -o \$user -g \$user /root/.ssh/authorized_keys /home/\$user/.ssh/authorized_keys
  done
  echo "pwuser:$SUDO_PASSWORD" | chpasswd
  printf "deploy ALL=(ALL) NOPASSWD:ALL\npwuser ALL=(ALL) ALL\n" > /etc/sudoers.d/lab
  chmod 440 /etc/sudoers.d/lab'
exec chroot $root /usr/bin/env container=k3s-playbook-lab /lib/systemd/systemd --system --unit=lab.target
BOOT
}

up() {
  down > /dev/null
  mkdir -p "$dir"
  ssh-keygen -q -t ed25519 -N '' -C "k3s-playbook lab $name" -f "$dir/id_ed25519"
  cat > "$dir/sshd_config" <<'CONF'
ListenAddress @ADDRESS@
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
CONF
  cat > "$dir/lab.target" <<'UNIT'
[Unit]
Description=k3s-playbook lab host (only what a bare host needs: sysinit, sshd, and logind for shutdown)
Requires=sysinit.target ssh.service
Wants=dbus.socket systemd-logind.service
After=sysinit.target ssh.service
AllowIsolate=yes
UNIT
  # Real hosts do not pass each other's traffic through a bridge's iptables hooks; neither do these.
  ip link add "$bridge" type bridge nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0
  ip addr add "$subnet.1/24" dev "$bridge"
  ip link set "$bridge" up
  : > "$dir/known_hosts"
  {
    echo "# Lab '$name': $count test hosts (made by test/lab/lab.sh; a rehearsal, not real machines)."
    echo "all:"
    echo "  vars:"
    echo "    ansible_user: root"
    echo "    ansible_ssh_private_key_file: $dir/id_ed25519"
    echo "    ansible_ssh_known_hosts_file: $dir/known_hosts"
    echo "  children:"
    echo "    master:"
    echo "      hosts:"
    echo "        h1: { ansible_host: $(host_ip 1) }"
    echo "    worker:"
    echo "      hosts:"
    (( count > 1 )) || echo "        {}"
    for (( n = 2; n <= count; n++ )); do echo "        h$n: { ansible_host: $(host_ip "$n") }"; done
  } > "$dir/inventory.yaml"
  for (( n = 1; n <= count; n++ )); do
    local ns=kpl-$name-h$n ip; ip=$(host_ip "$n")
    mkdir -p "$dir/h$n"/{upper,work,root}
    ssh-keygen -q -t ed25519 -N '' -C "h$n" -f "$dir/h$n/ssh_host_ed25519_key"
    echo "$ip $(cut -d' ' -f1,2 "$dir/h$n/ssh_host_ed25519_key.pub")" >> "$dir/known_hosts"
    ip netns add "$ns"
    ip link add "kv-$name-$n" type veth peer name eth0 netns "$ns"
    ip link set "kv-$name-$n" master "$bridge" up
    ip -n "$ns" addr add "$ip/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    ip -n "$ns" route add default via "$subnet.1"
    boot_script "$n" > "$dir/h$n/boot.sh"
    # nsenter, not 'ip netns exec': that remounts /sys and would hide the cgroup hierarchies. A
    # reboot(2) in the host kills its PID 1 with SIGHUP (status 129): the host boots again, keeping
    # what it wrote to disk, as a machine would.
    cat > "$dir/h$n/run.sh" <<RUN
while :; do
  nsenter --net=/run/netns/$ns unshare --mount --uts --pid --fork --kill-child sh $dir/h$n/boot.sh &
  echo \$! > $dir/h$n/pid
  wait \$!
  [ \$? -eq 129 ] || break
done
RUN
    setsid sh "$dir/h$n/run.sh" > "$dir/h$n/log" 2>&1 < /dev/null &
    echo $! > "$dir/h$n/run.pid"
    until [[ -s $dir/h$n/pid ]]; do sleep 0.01; done
  done
  for (( n = 1; n <= count; n++ )); do wait_for_sshd "$n"; done
  echo "$dir/inventory.yaml"
}

wait_for_sshd() { # sshd answers with its banner within 10 s, or the boot log is shown
  local ip; ip=$(host_ip "$1")
  for _ in $(seq 100); do
    if timeout 1 bash -c "exec 3<>/dev/tcp/$ip/22 && head -c 4 <&3" 2>/dev/null | grep -q SSH; then return 0; fi
    sleep 0.1
  done
  echo "host h$1 ($ip) did not start sshd:" >&2
  cat "$dir/h$1/log" >&2
  exit 1
}

status() {
  [[ -f $dir/inventory.yaml ]] || { echo "lab '$name' is not running"; return 0; }
  for hostdir in "$dir"/h*/; do
    local n; n=$(basename "$hostdir"); n=${n#h}
    local ip; ip=$(host_ip "$n")
    if timeout 1 bash -c "exec 3<>/dev/tcp/$ip/22" 2>/dev/null; then echo "h$n $ip sshd up"; else echo "h$n $ip sshd down"; fi
  done
}

ssh_in() { # as a user would: by key, the host key checked against the lab's known_hosts
  [[ -d $dir/h$target ]] || { echo "lab '$name' has no host h$target" >&2; exit 2; }
  exec ssh -i "$dir/id_ed25519" -o UserKnownHostsFile="$dir/known_hosts" -o StrictHostKeyChecking=yes -o LogLevel=ERROR "root@$(host_ip "$target")" "$@"
}

exec_in() { # the host's first process is the child of the recorded unshare
  local init; init=$(pgrep -P "$(cat "$dir/h$target/pid")")
  exec nsenter -t "$init" -m -u -p -n -r -w "$@"
}

case $command in
  up) up ;;
  exec) exec_in "$@" ;;
  ssh) ssh_in "$@" ;;
  down) down ;;
  status) status ;;
  *) echo "usage: lab.sh up N [NAME] | down [NAME] | status [NAME] | exec N CMD... | ssh N [CMD...]" >&2; exit 2 ;;
esac
