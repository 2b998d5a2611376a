import test from 'ava';
import { parseSystemFacts } from './system.js';

// What the facts command prints on an Ubuntu 24.04 server.
const UBUNTU = [
  'hostname=master1',
  'os_id=ubuntu',
  'os_version=24.04',
  'os_like=debian',
  'os_codename=noble',
  'os_pretty=Ubuntu 24.04.1 LTS',
  'lsb=Ubuntu|24.04|noble|Ubuntu 24.04.1 LTS',
  'service_mgr=systemd',
  'pkg_mgr=apt',
  'arch=x86_64',
  'kernel=6.8.0-45-generic',
  'ipv4_interface=enp1s0',
  'ipv4=192.168.1.10',
  'gateway=192.168.1.1',
  'link=1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
  'link=2: enp1s0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 1000\\    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff',
  'link=3: cni-0@if4: <BROADCAST,MULTICAST> mtu 1450 qdisc noop state DOWN mode DEFAULT group default\\    link/ether 0a:58:0a:2a:00:01 brd ff:ff:ff:ff:ff:ff',
  'addr=1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
  'addr=1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever',
  'addr=2: enp1s0    inet 192.168.1.10/24 brd 192.168.1.255 scope global enp1s0\\       valid_lft forever preferred_lft forever',
  'addr=2: enp1s0    inet 192.168.1.11/24 scope global secondary enp1s0\\       valid_lft forever preferred_lft forever',
  'addr=2: enp1s0    inet6 fe80::1/64 scope link \\       valid_lft forever preferred_lft forever',
  'cpus=4',
  'mem_kb=3907064',
  'user=ubuntu',
  'uid=1000',
  'gid=1000',
  'home=/home/ubuntu',
  'python=/usr/bin/python3',
  'python_version=Python 3.12.3',
  'mount=/dev/sda1 / ext4 rw,relatime',
  'mount=proc /proc proc rw,nosuid',
  'mount=/dev/sda15 /boot/efi vfat rw',
  'mount=overlay /var/lib/docker/overlay2/x/merged overlay rw',
  'mount=nas:/export /mnt/nas nfs4 rw',
].join('\n');

test('facts as Ansible names them: distribution and release, LSB, service manager, user, Python, mounts', (t) => {
  const facts = parseSystemFacts(UBUNTU);
  t.like(facts, {
    ansible_hostname: 'master1',
    ansible_distribution: 'Ubuntu',
    ansible_distribution_version: '24.04',
    ansible_distribution_major_version: '24',
    ansible_distribution_release: 'noble',
    ansible_os_family: 'Debian',
    ansible_lsb: { id: 'Ubuntu', release: '24.04', codename: 'noble', description: 'Ubuntu 24.04.1 LTS', major_release: '24' },
    ansible_service_mgr: 'systemd',
    ansible_pkg_mgr: 'apt',
    ansible_architecture: 'x86_64',
    ansible_default_ipv4: { address: '192.168.1.10', interface: 'enp1s0', gateway: '192.168.1.1' },
    ansible_all_ipv4_addresses: ['192.168.1.10', '192.168.1.11'],
    ansible_all_ipv6_addresses: ['fe80::1'],
    ansible_interfaces: ['cni-0', 'enp1s0', 'lo'],
    ansible_enp1s0: {
      device: 'enp1s0',
      macaddress: '52:54:00:12:34:56',
      mtu: 1500,
      active: true,
      type: 'ether',
      promisc: false,
      ipv4: { address: '192.168.1.10', broadcast: '192.168.1.255', netmask: '255.255.255.0', network: '192.168.1.0', prefix: '24' },
      ipv4_secondaries: [{ address: '192.168.1.11', broadcast: '', netmask: '255.255.255.0', network: '192.168.1.0', prefix: '24' }],
      ipv6: [{ address: 'fe80::1', prefix: '64', scope: 'link' }],
    },
    ansible_cni_0: { device: 'cni-0', mtu: 1450, active: false, type: 'ether', macaddress: '0a:58:0a:2a:00:01', promisc: false, ipv6: [] },
    ansible_processor_vcpus: 4,
    ansible_memtotal_mb: 3815,
    ansible_user_id: 'ubuntu',
    ansible_user_uid: 1000,
    ansible_user_dir: '/home/ubuntu',
    ansible_python: {
      executable: '/usr/bin/python3',
      version: { major: 3, minor: 12, micro: 3, releaselevel: 'final', serial: 0 },
      version_info: [3, 12, 3, 'final', 0],
      type: 'cpython',
    },
    ansible_python_version: '3.12.3',
    ansible_fips: false,
  });
  t.true(parseSystemFacts(`${UBUNTU}\nfips=1`).ansible_fips, 'a kernel in FIPS mode');
  t.deepEqual(
    facts.ansible_mounts.map((m) => m.mount),
    ['/', '/boot/efi', '/mnt/nas'],
    'devices and network shares; proc, tmpfs and overlays are left out',
  );
});

test('a Debian host without lsb-release or Python: empty ansible_lsb, no ansible_python', (t) => {
  const facts = parseSystemFacts('hostname=h1\nos_id=debian\nos_version=12\nos_codename=bookworm\nservice_mgr=systemd');
  t.deepEqual(facts.ansible_lsb, {});
  t.false('ansible_python' in facts);
  t.is(facts.ansible_distribution_major_version, '12');
  t.is(facts.ansible_os_family, 'Debian');
  t.is(facts.ansible_pkg_mgr, 'unknown', 'no package manager found');
});
