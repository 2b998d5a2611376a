/**
 * Facts about a host, read in one round trip with shell builtins and a few small programs (no
 * Python start, which costs more than the rest together): hostname, OS and release, LSB, service
 * manager, architecture, kernel, default IPv4, CPUs, memory, the user and its home, Python's path
 * and version, mounts. Names follow Ansible's (ansible_hostname, ansible_distribution, ...).
 */
export const systemFactsCommand = [
  'echo "hostname=$(hostname)"',
  '. /etc/os-release 2>/dev/null; echo "os_id=${ID:-unknown}"; echo "os_version=${VERSION_ID:-}"; echo "os_like=${ID_LIKE:-}"; echo "os_codename=${VERSION_CODENAME:-}"; echo "os_pretty=${PRETTY_NAME:-}"',
  'if [ -r /etc/lsb-release ]; then . /etc/lsb-release; echo "lsb=${DISTRIB_ID:-}|${DISTRIB_RELEASE:-}|${DISTRIB_CODENAME:-}|${DISTRIB_DESCRIPTION:-}"; fi',
  'if [ -d /run/systemd/system ]; then echo service_mgr=systemd; else echo "service_mgr=$(cat /proc/1/comm 2>/dev/null)"; fi',
  // Ansible's package manager fact: the first of these the host has (apt on Debian and Ubuntu).
  'for m in apt-get:apt dnf:dnf yum:yum zypper:zypper apk:apk pacman:pacman; do command -v "${m%%:*}" >/dev/null && { echo "pkg_mgr=${m#*:}"; break; }; done',
  'echo "arch=$(uname -m)"',
  'echo "fips=$(cat /proc/sys/crypto/fips_enabled 2>/dev/null)"',
  'echo "kernel=$(uname -r)"',
  'dev=$(ip -4 route show default 2>/dev/null | awk \'{for(i=1;i<NF;i++) if($i=="dev"){print $(i+1); exit}}\')',
  '[ -n "$dev" ] || dev=$(ip -4 -o addr show scope global 2>/dev/null | awk \'{print $2; exit}\')',
  'echo "ipv4_interface=$dev"',
  'echo "ipv4=$( [ -n "$dev" ] && ip -4 -o addr show dev "$dev" 2>/dev/null | awk \'{split($4,a,"/"); print a[1]; exit}\')"',
  'echo "gateway=$(ip -4 route show default 2>/dev/null | awk \'{print $3; exit}\')"',
  'echo "cpus=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"',
  'echo "mem_kb=$(awk \'/^MemTotal:/{print $2}\' /proc/meminfo)"',
  'echo "user=$(id -un)"; echo "uid=$(id -u)"; echo "gid=$(id -g)"',
  'echo "home=$(getent passwd "$(id -un)" | cut -d: -f6)"',
  // -V prints the version without loading the standard library (a few milliseconds).
  'p=$(command -v python3 || command -v python); [ -n "$p" ] && echo "python=$p" && echo "python_version=$("$p" -V 2>&1)"',
  'while read -r device mount fstype options rest; do echo "mount=$device $mount $fstype $options"; done < /proc/mounts',
].join('; ');

export interface SystemFacts {
  ansible_hostname: string;
  ansible_distribution: string;
  ansible_distribution_version: string;
  ansible_distribution_major_version: string;
  ansible_distribution_release: string;
  ansible_os_family: string;
  ansible_lsb: Record<string, string>;
  ansible_service_mgr: string;
  /** 'apt', 'dnf', 'yum', ... or 'unknown'. */
  ansible_pkg_mgr: string;
  ansible_system: string;
  /** Whether the kernel runs in FIPS mode (/proc/sys/crypto/fips_enabled). */
  ansible_fips: boolean;
  ansible_architecture: string;
  ansible_kernel: string;
  ansible_default_ipv4: { address: string; interface: string; gateway: string };
  ansible_processor_vcpus: number;
  ansible_processor_count: number;
  ansible_memtotal_mb: number;
  ansible_user_id: string;
  ansible_user_uid: number;
  ansible_user_gid: number;
  ansible_user_dir: string;
  ansible_python?: {
    executable: string;
    version?: { major: number; minor: number; micro: number; releaselevel: string; serial: number };
    version_info?: Array<number | string>;
    type: string;
  };
  ansible_python_version?: string;
  ansible_mounts: Array<{ device: string; mount: string; fstype: string; options: string }>;
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

// Ansible lists the mounts of a device file or a network share (host:/path), not proc, tmpfs, overlay...
const listedMount = (device: string) => device.startsWith('/') || device.includes(':/');

export function parseSystemFacts(output: string): SystemFacts {
  const lines = output
    .split('\n')
    .filter((line) => line.includes('='))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()] as const);
  const raw = Object.fromEntries(lines);
  const id = raw.os_id ?? 'unknown';
  const family = [id, ...(raw.os_like ?? '').split(' ')].find((name) => name === 'debian' || name === 'rhel' || name === 'fedora');
  const version = raw.os_version ?? '';
  const [lsbId, lsbRelease, lsbCodename, lsbDescription] = (raw.lsb ?? '').split('|');
  // 'Python 3.11.2', or '3.13.0rc1' for a release candidate.
  const pythonVersion = /^Python (\d+)\.(\d+)\.(\d+)([a-z]+\d*)?/.exec(raw.python_version ?? '');
  const [, major, minor, micro, pre] = pythonVersion ?? [];
  const releaselevel = !pre ? 'final' : pre.startsWith('rc') ? 'candidate' : pre.startsWith('a') ? 'alpha' : 'beta';
  const python = pythonVersion
    ? { major: Number(major), minor: Number(minor), micro: Number(micro), releaselevel, serial: Number(/\d+$/.exec(pre ?? '')?.[0] ?? 0) }
    : undefined;
  const cpus = Number(raw.cpus) || 0;
  return {
    ansible_hostname: raw.hostname ?? '',
    ansible_distribution: DISTRIBUTIONS[id] ?? id,
    ansible_distribution_version: version,
    ansible_distribution_major_version: version.split('.')[0] ?? '',
    ansible_distribution_release: raw.os_codename ?? '',
    ansible_os_family: family === 'debian' ? 'Debian' : family ? 'RedHat' : (DISTRIBUTIONS[id] ?? id),
    ansible_lsb: raw.lsb ? { id: lsbId, release: lsbRelease, codename: lsbCodename, description: lsbDescription, major_release: lsbRelease.split('.')[0] } : {},
    ansible_service_mgr: raw.service_mgr ?? '',
    ansible_pkg_mgr: raw.pkg_mgr ?? 'unknown',
    ansible_system: 'Linux',
    ansible_fips: raw.fips === '1',
    ansible_architecture: raw.arch ?? '',
    ansible_kernel: raw.kernel ?? '',
    ansible_default_ipv4: { address: raw.ipv4 ?? '', interface: raw.ipv4_interface ?? '', gateway: raw.gateway ?? '' },
    ansible_processor_vcpus: cpus,
    ansible_processor_count: cpus,
    ansible_memtotal_mb: Math.floor((Number(raw.mem_kb) || 0) / 1024),
    ansible_user_id: raw.user ?? '',
    ansible_user_uid: Number(raw.uid),
    ansible_user_gid: Number(raw.gid),
    ansible_user_dir: raw.home ?? '',
    ...(raw.python
      ? {
          ansible_python: {
            executable: raw.python,
            ...(python ? { version: python, version_info: [python.major, python.minor, python.micro, python.releaselevel, python.serial] } : {}),
            type: 'cpython',
          },
          ...(python ? { ansible_python_version: `${major}.${minor}.${micro}` } : {}),
        }
      : {}),
    ansible_mounts: lines
      .filter(([key]) => key === 'mount')
      .map(([, value]) => value.split(' '))
      .filter(([device]) => listedMount(device))
      .map(([device, mount, fstype, options]) => ({ device, mount, fstype, options })),
  };
}
