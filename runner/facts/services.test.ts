import test from 'ava';
import { addUnloaded, parseServices } from './services.js';
import { parsePackages } from './packages.js';

// What a Debian 12 host printed (service --status-all, then list-units and list-unit-files).
const OUTPUT = [
  ' [ + ]  ssh',
  ' [ - ]  hwclock.sh',
  '@@services',
  'ssh.service loaded active running OpenBSD Secure Shell server',
  'getty@tty1.service loaded inactive dead Getty on tty1',
  'kp-gone.service not-found inactive dead kp-gone.service',
  '@@services',
  'ssh.service enabled enabled',
  'getty@.service enabled enabled',
  'kp-gone.service masked enabled',
  'dbus-org.freedesktop.hostname1.service alias -',
  'e2scrub@.service static -',
].join('\n');

test("services as Ansible's service_facts lists them: init scripts, units with their state and status, unit files not loaded (an alias shown as what it names)", (t) => {
  const { services, unloaded } = parseServices(OUTPUT);
  t.deepEqual(services.ssh, { name: 'ssh', state: 'running', source: 'sysv' });
  t.deepEqual(services['hwclock.sh'], { name: 'hwclock.sh', state: 'stopped', source: 'sysv' });
  t.deepEqual(services['ssh.service'], { name: 'ssh.service', state: 'running', status: 'enabled', source: 'systemd' });
  t.deepEqual(services['getty@tty1.service'], { name: 'getty@tty1.service', state: 'stopped', status: 'inactive', source: 'systemd' });
  t.is(services['kp-gone.service'].status, 'not-found', "a bad state is kept over the unit file's");
  t.deepEqual(unloaded, { 'getty@.service': 'enabled', 'dbus-org.freedesktop.hostname1.service': 'alias', 'e2scrub@.service': 'static' });
  // systemctl show answers for the alias under the name it names: matched by order; a template unit is not shown.
  addUnloaded(services, unloaded, { names: ['dbus-org.freedesktop.hostname1.service'], output: 'ActiveState=inactive\n' });
  t.is(services['dbus-org.freedesktop.hostname1.service'].state, 'inactive');
  t.deepEqual(services['getty@.service'], { name: 'getty@.service', state: 'unknown', status: 'enabled', source: 'systemd' });
});

test("packages as Ansible's package_facts lists them for apt: installed ones only, each version an item", (t) => {
  const packages = parsePackages(
    [
      'openssh-server\t1:9.2p1-2+deb12u3\tamd64\tnet\tii ',
      'old-tool\t1.0\tamd64\tutils\trc ',
      'libc6\t2.36-9\tamd64\tlibs\tii ',
      'libc6\t2.36-9\ti386\tlibs\tii ',
    ].join('\n'),
  );
  t.deepEqual(Object.keys(packages).sort(), ['libc6', 'openssh-server']);
  t.deepEqual(packages['openssh-server'], [{ name: 'openssh-server', version: '1:9.2p1-2+deb12u3', arch: 'amd64', category: 'net', source: 'apt' }]);
  t.is(packages.libc6.length, 2, 'two architectures');
});
