import { shellQuote } from '../shell/quote.js';

/**
 * Facts about a host, read in one round trip with shell builtins and a few small programs (no
 * Python start, which costs more than the rest together): hostname, OS and release, LSB, service
 * manager, architecture, kernel, default IPv4, CPUs, memory, the user and its home, Python's path
 * and version, mounts. Names follow Ansible's (ansible_hostname, ansible_distribution, ...).
 */
export const systemFactsCommand = (factPath = '/etc/ansible/facts.d') =>
  [
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
    'ip -o link show 2>/dev/null | sed "s/^/link=/"',
    'ip -o addr show 2>/dev/null | sed "s/^/addr=/"',
    'echo "cpus=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"',
    'echo "mem_kb=$(awk \'/^MemTotal:/{print $2}\' /proc/meminfo)"',
    'echo "user=$(id -un)"; echo "uid=$(id -u)"; echo "gid=$(id -g)"',
    'echo "home=$(getent passwd "$(id -un)" | cut -d: -f6)"',
    // -V prints the version without loading the standard library (a few milliseconds).
    'p=$(command -v python3 || command -v python); [ -n "$p" ] && echo "python=$p" && echo "python_version=$("$p" -V 2>&1)"',
    'while read -r device mount fstype options rest; do echo "mount=$device $mount $fstype $options"; done < /proc/mounts',
    'echo "fqdn=$(hostname -f 2>/dev/null || hostname)"',
    'echo "loadavg=$(cut -d" " -f1-3 /proc/loadavg 2>/dev/null)"',
    'awk \'/^(MemTotal|MemFree|Buffers|Cached|SwapTotal|SwapFree|SwapCached):/{print "meminfo=" $1 $2}\' /proc/meminfo 2>/dev/null',
    'echo "date=$(date +\'%Y %m %d %H %M %S %Z %z %s %A %w %W %N\')"',
    'echo "date_utc=$(date -u +\'%Y-%m-%dT%H:%M:%S %N\')"',
    // Ansible's local facts: each FACT_PATH/NAME.fact, run when executable, JSON or INI.
    `for f in ${shellQuote(factPath)}/*.fact; do [ -f "$f" ] || continue; n=$(basename "$f" .fact); if [ -x "$f" ]; then c=$("$f" 2>/dev/null); else c=$(cat "$f"); fi; echo "local=$n $(printf %s "$c" | base64 | tr -d '\\n')"; done`,
    'env | sed "s/^/env=/"',
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
  /** Every address of the host but loopback ones, as Ansible lists them. */
  ansible_all_ipv4_addresses: string[];
  ansible_all_ipv6_addresses: string[];
  /** The interfaces' names; each also has its facts as ansible_NAME (dashes and colons as underscores), as Ansible gives them. */
  ansible_interfaces: string[];
  [perInterface: `ansible_${string}`]: unknown;
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
  ansible_machine: string;
  ansible_nodename: string;
  ansible_fqdn: string;
  ansible_domain: string;
  ansible_env: Record<string, string>;
  ansible_loadavg: Record<string, number>;
  ansible_memory_mb: Record<string, Record<string, number>>;
  ansible_memfree_mb: number;
  ansible_swaptotal_mb: number;
  ansible_swapfree_mb: number;
  ansible_date_time: Record<string, string>;
  ansible_local: Record<string, unknown>;
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
  const interfaces = interfaceFacts(
    lines.filter(([key]) => key === 'link').map(([, value]) => value),
    lines.filter(([key]) => key === 'addr').map(([, value]) => value),
  );
  const addresses = (family: 'ipv4' | 'ipv6') =>
    Object.values(interfaces.byName).flatMap((facts) => (family === 'ipv4' ? facts.ipv4All : facts.ipv6).map((address) => address.address));
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
    ansible_all_ipv4_addresses: addresses('ipv4').filter((address) => !address.startsWith('127.')),
    ansible_all_ipv6_addresses: addresses('ipv6').filter((address) => address !== '::1'),
    ansible_interfaces: Object.keys(interfaces.byName).sort(),
    ...interfaces.facts,
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
    ansible_machine: raw.arch ?? '',
    ansible_nodename: raw.hostname ?? '',
    ansible_fqdn: raw.fqdn ?? raw.hostname ?? '',
    ansible_domain: (raw.fqdn ?? '').split('.').slice(1).join('.'),
    ansible_env: Object.fromEntries(
      lines
        .filter(([key, value]) => key === 'env' && value.includes('='))
        .map(([, value]) => [value.slice(0, value.indexOf('=')), value.slice(value.indexOf('=') + 1)]),
    ),
    ansible_loadavg: Object.fromEntries(
      (raw.loadavg ?? '')
        .split(' ')
        .filter(Boolean)
        .map((load, i) => [['1m', '5m', '15m'][i], Number(load)]),
    ),
    ...memoryFacts(lines.filter(([key]) => key === 'meminfo').map(([, value]) => value)),
    ansible_date_time: dateTimeFacts(raw.date ?? '', raw.date_utc ?? ''),
    ansible_local: Object.fromEntries(lines.filter(([key]) => key === 'local').map(([, value]) => localFact(value))),
  };
}

/** Ansible's memory facts, in MB, from /proc/meminfo lines ('MemTotal:16318412'). */
function memoryFacts(meminfo: string[]): Pick<SystemFacts, 'ansible_memory_mb' | 'ansible_memfree_mb' | 'ansible_swaptotal_mb' | 'ansible_swapfree_mb'> {
  const kb = Object.fromEntries(meminfo.map((line) => [line.slice(0, line.indexOf(':')), Number(line.slice(line.indexOf(':') + 1))]));
  const mb = (name: string) => Math.floor((kb[name] ?? 0) / 1024);
  const total = mb('MemTotal');
  const free = mb('MemFree');
  const nocacheFree = free + mb('Buffers') + mb('Cached');
  return {
    ansible_memory_mb: {
      real: { total, used: total - free, free },
      nocache: { free: nocacheFree, used: total - nocacheFree },
      swap: { total: mb('SwapTotal'), free: mb('SwapFree'), used: mb('SwapTotal') - mb('SwapFree'), cached: mb('SwapCached') },
    },
    ansible_memfree_mb: free,
    ansible_swaptotal_mb: mb('SwapTotal'),
    ansible_swapfree_mb: mb('SwapFree'),
  };
}

/** Ansible's date_time facts, from date's fields on the host (local time, then UTC). */
function dateTimeFacts(local: string, utc: string): Record<string, string> {
  const [year, month, day, hour, minute, second, tz, offset, epoch, weekday, weekdayNumber, weeknumber, nanos = '0'] = local.split(' ');
  if (!epoch) return {};
  const [utcTime, utcNanos = '0'] = utc.split(' ');
  const micro = nanos.padEnd(9, '0').slice(0, 6);
  return {
    year,
    month,
    day,
    hour,
    minute,
    second,
    date: `${year}-${month}-${day}`,
    time: `${hour}:${minute}:${second}`,
    epoch,
    epoch_int: epoch,
    tz,
    tz_dst: tz,
    tz_offset: offset,
    weekday,
    weekday_number: weekdayNumber,
    weeknumber,
    iso8601: `${utcTime}Z`,
    iso8601_micro: `${utcTime}.${utcNanos.padEnd(9, '0').slice(0, 6)}Z`,
    iso8601_basic: `${year}${month}${day}T${hour}${minute}${second}${micro}`,
    iso8601_basic_short: `${year}${month}${day}T${hour}${minute}${second}`,
  };
}

/** One local fact file: its name and what it holds (JSON, else INI sections, as Ansible reads facts.d). */
function localFact(value: string): [string, unknown] {
  const [name, encoded = ''] = value.split(' ');
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  try {
    return [name, JSON.parse(text)];
  } catch {
    const sections: Record<string, Record<string, string>> = {};
    let current: Record<string, string> | undefined;
    for (const line of text.split('\n')) {
      const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
      if (header) sections[header[1]] = current = {};
      const pair = /^\s*([^=:#;]+?)\s*[=:]\s*(.*?)\s*$/.exec(line);
      if (pair && current && !header) current[pair[1].toLowerCase()] = pair[2];
    }
    return [name, Object.keys(sections).length ? sections : `error loading facts as JSON or ini - please check content: ${text}`];
  }
}

interface InterfaceFacts {
  device: string;
  macaddress?: string;
  mtu: number;
  active: boolean;
  type: string;
  promisc: boolean;
  ipv6: Array<{ address: string; prefix: string; scope: string }>;
  /** Every IPv4 address (Ansible reports the first as ipv4, the others as ipv4_secondaries). */
  ipv4All: Array<{ address: string; broadcast: string; netmask: string; network: string; prefix: string }>;
}

const ipv4Number = (address: string) => address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const ipv4Text = (n: number) => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');

/** Each interface as Ansible's facts describe it, from 'ip -o link' and 'ip -o addr' lines. */
function interfaceFacts(links: string[], addrs: string[]): { byName: Record<string, InterfaceFacts>; facts: Record<string, unknown> } {
  const byName: Record<string, InterfaceFacts> = {};
  for (const line of links) {
    // "2: eth0@if12: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 ... link/ether 9a:f4:... brd ..."
    const match = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>.*?\bmtu (\d+).*?\blink\/(\S+)(?: (\S+))?/.exec(line);
    if (!match) continue;
    const [, device, flags, mtu, type, mac] = match;
    const flagSet = new Set(flags.split(','));
    byName[device] = {
      device,
      ...(type === 'ether' && mac ? { macaddress: mac } : {}),
      mtu: Number(mtu),
      active: flagSet.has('UP'),
      type,
      promisc: flagSet.has('PROMISC'),
      ipv6: [],
      ipv4All: [],
    };
  }
  for (const line of addrs) {
    // "4: eth0    inet 10.0.0.2/24 brd 10.0.0.255 scope global eth0\ ..."
    const [, device, family, cidr, ...rest] = line.trim().split(/\s+/);
    const facts = byName[device];
    if (!facts || !cidr?.includes('/')) continue;
    const [address, prefix] = cidr.split('/');
    if (family === 'inet') {
      const mask = Number(prefix) === 0 ? 0 : (0xffffffff << (32 - Number(prefix))) >>> 0;
      const broadcast = rest[0] === 'brd' ? rest[1] : '';
      facts.ipv4All.push({ address, broadcast, netmask: ipv4Text(mask), network: ipv4Text((ipv4Number(address) & mask) >>> 0), prefix });
    } else if (family === 'inet6') {
      facts.ipv6.push({ address, prefix, scope: rest[rest.indexOf('scope') + 1] ?? '' });
    }
  }
  const facts: Record<string, unknown> = {};
  for (const [name, { ipv4All, ...interfaceFact }] of Object.entries(byName)) {
    const [ipv4, ...secondaries] = ipv4All;
    facts[`ansible_${name.replace(/[-:]/g, '_')}`] = {
      ...interfaceFact,
      ...(ipv4 ? { ipv4 } : {}),
      ...(secondaries.length ? { ipv4_secondaries: secondaries } : {}),
    };
  }
  return { byName, facts };
}
