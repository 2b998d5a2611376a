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
