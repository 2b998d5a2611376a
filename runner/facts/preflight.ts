/**
 * What a host is like before K3s goes on it, read in one round trip: OS, architecture, memory,
 * swap, disk, cgroups, listening ports, an existing K3s or other Kubernetes, and
 * its clock (last, so that it is read closest to the answer).
 */
export const preflightCommand = [
  'echo "hostname=$(hostname)"',
  '. /etc/os-release 2>/dev/null; echo "os_id=${ID:-unknown}"; echo "os_name=${PRETTY_NAME:-unknown}"',
  'echo "arch=$(uname -m)"',
  'echo "uid=$(id -u)"',
  `awk '/^MemTotal:/{print "mem_kb=" $2} /^SwapTotal:/{print "swap_kb=" $2}' /proc/meminfo`,
  `echo "disk_kb=$(df -Pk /var/lib 2>/dev/null | awk 'NR==2{print $4}')"`,
  'if [ -f /sys/fs/cgroup/cgroup.controllers ]; then echo "cgroup=v2 $(cat /sys/fs/cgroup/cgroup.controllers)"; elif [ -d /sys/fs/cgroup/memory ]; then echo "cgroup=v1 memory"; else echo "cgroup=none"; fi',
  'echo "k3s=$(/usr/local/bin/k3s --version 2>/dev/null | head -n 1)"',
  'for p in /usr/bin/kubelet /usr/local/bin/kubelet /etc/kubernetes/admin.conf /etc/kubernetes/kubelet.conf /snap/bin/microk8s /usr/local/bin/k0s /usr/local/bin/rke2; do [ -e "$p" ] && echo "other_kubernetes=$p"; done',
  `ss -Htulnp 2>/dev/null | awk '{print "listen=" $1 " " $5 " " $7}'`,
  'echo "time=$(date +%s.%N)"',
].join('; ');

export interface PreflightReading {
  hostname: string;
  osId: string;
  osName: string;
  arch: string;
  uid: number;
  memMb: number;
  swapMb: number;
  diskMb: number;
  /** 'v2 cpuset cpu io memory ...', 'v1 memory' or 'none'. */
  cgroup: string;
  /** `k3s --version`'s first line, empty when K3s is not installed. */
  k3s: string;
  otherKubernetes: string[];
  /** Listening sockets: protocol, port and the program holding it (when ss could tell). */
  listening: Array<{ proto: 'tcp' | 'udp'; port: number; program: string }>;
  /** The host's clock, in seconds since the epoch. */
  time: number;
}

export function parsePreflight(output: string): PreflightReading {
  const lines = output
    .split('\n')
    .map((line) => /^([a-z0-9_]+)=(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null);
  const one = (key: string) => lines.find(([, k]) => k === key)?.[2].trim() ?? '';
  const all = (key: string) => lines.filter(([, k]) => k === key).map(([, , v]) => v.trim());
  const listening = all('listen').flatMap((entry) => {
    const [proto, address, users = ''] = entry.split(' ');
    const port = Number(address.slice(address.lastIndexOf(':') + 1));
    if ((proto !== 'tcp' && proto !== 'udp') || !Number.isInteger(port)) return [];
    return [{ proto, port, program: /\(\("([^"]+)"/.exec(users)?.[1] ?? '' } as const];
  });
  return {
    hostname: one('hostname'),
    osId: one('os_id'),
    osName: one('os_name'),
    arch: one('arch'),
    uid: Number(one('uid')),
    memMb: Math.floor(Number(one('mem_kb')) / 1024),
    swapMb: Math.floor(Number(one('swap_kb')) / 1024),
    diskMb: Math.floor(Number(one('disk_kb')) / 1024),
    cgroup: one('cgroup'),
    k3s: one('k3s'),
    otherKubernetes: all('other_kubernetes'),
    listening,
    time: Number(one('time')),
  };
}
