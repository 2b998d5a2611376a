/**
 * Facts about a host, read in one round trip: hostname, OS, architecture, default IPv4,
 * CPUs and memory. Names follow Ansible's (ansible_hostname, ansible_distribution, ...).
 */
export const systemFactsCommand = [
  'echo "hostname=$(hostname)"',
  '. /etc/os-release 2>/dev/null; echo "os_id=${ID:-unknown}"; echo "os_version=${VERSION_ID:-}"; echo "os_like=${ID_LIKE:-}"',
  'echo "arch=$(uname -m)"',
  'echo "kernel=$(uname -r)"',
  'dev=$(ip -4 route show default 2>/dev/null | awk \'{for(i=1;i<NF;i++) if($i=="dev"){print $(i+1); exit}}\')',
  '[ -n "$dev" ] || dev=$(ip -4 -o addr show scope global 2>/dev/null | awk \'{print $2; exit}\')',
  'echo "ipv4_interface=$dev"',
  'echo "ipv4=$( [ -n "$dev" ] && ip -4 -o addr show dev "$dev" 2>/dev/null | awk \'{split($4,a,"/"); print a[1]; exit}\')"',
  'echo "cpus=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"',
  'echo "mem_kb=$(awk \'/^MemTotal:/{print $2}\' /proc/meminfo)"',
  'echo "user=$(id -un)"',
].join('; ');

export interface SystemFacts {
  ansible_hostname: string;
  ansible_distribution: string;
  ansible_distribution_version: string;
  ansible_os_family: string;
  ansible_architecture: string;
  ansible_kernel: string;
  ansible_default_ipv4: { address: string; interface: string };
  ansible_processor_vcpus: number;
  ansible_memtotal_mb: number;
  ansible_user_id: string;
}

const DISTRIBUTIONS: Record<string, string> = {
  ubuntu: 'Ubuntu',
  debian: 'Debian',
  centos: 'CentOS',
  rhel: 'RedHat',
  fedora: 'Fedora',
  rocky: 'Rocky',
  almalinux: 'AlmaLinux',
  arch: 'Archlinux',
  alpine: 'Alpine',
  opensuse: 'openSUSE',
};

export function parseSystemFacts(output: string): SystemFacts {
  const raw = Object.fromEntries(
    output
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()]),
  );
  const id = raw.os_id ?? 'unknown';
  const family = [id, ...(raw.os_like ?? '').split(' ')].find((name) => name === 'debian' || name === 'rhel' || name === 'fedora');
  return {
    ansible_hostname: raw.hostname ?? '',
    ansible_distribution: DISTRIBUTIONS[id] ?? id,
    ansible_distribution_version: raw.os_version ?? '',
    ansible_os_family: family === 'debian' ? 'Debian' : family ? 'RedHat' : (DISTRIBUTIONS[id] ?? id),
    ansible_architecture: raw.arch ?? '',
    ansible_kernel: raw.kernel ?? '',
    ansible_default_ipv4: { address: raw.ipv4 ?? '', interface: raw.ipv4_interface ?? '' },
    ansible_processor_vcpus: Number(raw.cpus) || 0,
    ansible_memtotal_mb: Math.floor((Number(raw.mem_kb) || 0) / 1024),
    ansible_user_id: raw.user ?? '',
  };
}
