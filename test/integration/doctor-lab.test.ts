import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { startLab, type Lab } from '../support/lab.js';
import { hostResults, runCli, runJson } from '../support/workspace.js';

// doctor.yaml on the lab (h1 master, h2 and h3 workers): bare hosts pass; then each check is
// made to fail by a real fault on a host (a program on a port, a hostname, a firewall rule, ...).
// Where a host cannot be given the fault itself, a stand-in does it, named here: /proc/meminfo
// replaced by a file (the memory of a small machine), and a `date` earlier in PATH running 120 s
// ahead (lab hosts share this machine's clock).
const ROOT = join(import.meta.dirname, '..', '..');
let lab: Lab;
let work: string;

test.before(async () => {
  lab = await startLab('itdoc', 3);
  work = await mkdtemp(join(tmpdir(), 'k3s-playbook-doctor-'));
});

test.after.always(async () => {
  await lab?.stop();
  await rm(work, { recursive: true, force: true });
});

/** doctor.yaml's output, with its table ("host  check  status  detail -> fix"). */
const table = (...args: string[]) => runCli(ROOT, ['doctor.yaml', '-i', lab.inventory, ...args]);
const row = (host: string, check: string, status: string, detail: string) => new RegExp(`^${host}\\s+${check}\\s+${status}\\s+${detail}`, 'm');

test.serial('bare hosts pass: exit 0, and one table with every check of every host', async (t) => {
  const run = await table();
  t.is(run.code, 0, run.out);
  // 13 checks for each host (the unit tests name them), every one ok.
  const lines = run.out.split('\n').filter((line) => /^h\d {2}\S.* {2}(ok|warn|fail) {2}/.test(line));
  for (const host of ['h1', 'h2', 'h3']) t.is(lines.filter((line) => line.startsWith(`${host} `)).length, 13, host);
  t.deepEqual(
    lines.filter((line) => !/ {2}ok {4}/.test(line)),
    [],
  );
  t.regex(run.out, /^0 failed, 0 warning\(s\), 39 ok$/m);
});

test.serial("flannel's port: probed between nodes over UDP, except on a node where K3s' overlay already holds it", async (t) => {
  // What flannel makes on a K3s node: a VXLAN device on 8472/udp, a kernel socket answering nothing.
  await lab.exec(3, 'sh', '-c', 'ip link add flannel.1 type vxlan id 1 dstport 8472 nolearning && ip link set flannel.1 up');
  t.teardown(() => lab.exec(3, 'sh', '-c', 'ip link del flannel.1; rm -f /usr/local/bin/k3s'));
  const noK3s = await table();
  t.is(noK3s.code, 2, noK3s.out);
  t.regex(noK3s.out, row('h3', 'ports free', 'fail', '8472/udp \\(flannel VXLAN\\) is taken by a kernel socket'));
  // With K3s installed there (a stand-in printing its version), the socket is K3s' own and not probed.
  await lab.exec(3, 'sh', '-c', "printf '#!/bin/sh\\necho k3s version v1.31.4+k3s1 \\(stand-in\\)\\n' > /usr/local/bin/k3s && chmod +x /usr/local/bin/k3s");
  const installed = await table();
  t.regex(installed.out, row('h3', 'ports free', 'ok', ''));
  // h1 reaches both kubelets and h2's 8472 (which answers 'port unreachable'); h3's 8472 is not probed.
  t.regex(installed.out, row('h1', 'reachable', 'ok', '3 peer port\\(s\\) answer'));
  t.regex(installed.out, row('h3', 'reachable', 'ok', '5 peer port\\(s\\) answer'));
});

test.serial("the ports follow the K3s configuration: WireGuard's and Spegel's are probed where they are used, VXLAN's only then", async (t) => {
  // h2 drops WireGuard's and Spegel's ports, and VXLAN's: each matters only in the configuration that uses it.
  const drops = ['udp --dport 51820', 'tcp --dport 5001', 'udp --dport 8472'];
  for (const drop of drops) await lab.exec(2, 'sh', '-c', `iptables -A INPUT -p ${drop} -j DROP`);
  t.teardown(() => lab.exec(2, 'sh', '-c', drops.map((drop) => `iptables -D INPUT -p ${drop} -j DROP`).join('; ')).then(() => undefined));
  const h2 = lab.hostIp(2).replaceAll('.', '\\.');
  const config = (settings: object) => ['-e', 'os_prep_firewall=leave', '-e', JSON.stringify({ k3s_server_extra_config: settings })];
  const vxlan = await table(...config({}));
  t.regex(vxlan.out, row('h1', 'reachable', 'fail', `no answer from ${h2}:8472/udp ->`));
  const wireguard = await table(...config({ 'flannel-backend': 'wireguard-native', 'embedded-registry': true }));
  t.regex(wireguard.out, row('h1', 'reachable', 'fail', `no answer from ${h2}:51820/udp, ${h2}:5001/tcp ->`));
  t.regex(wireguard.out, row('h3', 'ports free', 'ok', '10250/tcp, 51820/udp, 5001/tcp, 6443/tcp, 30080/tcp'), 'a worker serves Spegel and the supervisor too');
  const hostGw = await table(...config({ 'flannel-backend': 'host-gw' }));
  t.is(hostGw.code, 0, hostGw.out);
  t.regex(hostGw.out, row('h1', 'ports free', 'ok', '6443/tcp, 10250/tcp, 30080/tcp'), 'plain routes need no overlay port');
});

test.serial('each check fails on a host with that fault; exit 2; nothing changes; site.yaml stops at the doctor', async (t) => {
  // h1: another program on the API port, an unknown architecture, another distribution.
  await lab.exec(1, 'sh', '-c', 'timeout 300 python3 -m http.server 6443 >/dev/null 2>&1 &');
  await lab.exec(
    1,
    'sh',
    '-c',
    'printf \'#!/bin/sh\\n[ "$1" = -m ] && echo mips && exit 0\\nexec /bin/uname "$@"\\n\' > /usr/local/bin/uname && chmod +x /usr/local/bin/uname',
  );
  await lab.exec(1, 'sh', '-c', 'printf \'ID=fedora\\nPRETTY_NAME="Fedora Linux 41"\\n\' > /tmp/os-release && mount --bind /tmp/os-release /etc/os-release');
  // h2: a small machine with swap (stand-in /proc/meminfo), no memory cgroup, kubelet's and flannel's ports dropped.
  await lab.exec(
    2,
    'sh',
    '-c',
    'sed -e "s/^MemTotal:.*/MemTotal: 300000 kB/" -e "s/^SwapTotal:.*/SwapTotal: 1048576 kB/" /proc/meminfo > /tmp/meminfo && mount --bind /tmp/meminfo /proc/meminfo',
  );
  await lab.exec(2, 'mount', '-t', 'tmpfs', 'tmpfs', '/sys/fs/cgroup');
  await lab.exec(2, 'iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', '10250', '-j', 'DROP');
  await lab.exec(2, 'iptables', '-A', 'INPUT', '-p', 'udp', '--dport', '8472', '-j', 'DROP');
  // h3: the same hostname as h2, a clock 120 s ahead (stand-in `date`), kubeadm's leftovers.
  await lab.exec(3, 'hostname', 'h2');
  await lab.exec(
    3,
    'sh',
    '-c',
    'printf \'#!/bin/sh\\nif [ "$1" = "+%%s.%%N" ]; then echo $(( $(/bin/date +%%s) + 120 )).0; else exec /bin/date "$@"; fi\\n\' > /usr/local/bin/date && chmod +x /usr/local/bin/date',
  );
  await lab.exec(3, 'sh', '-c', 'mkdir -p /etc/kubernetes && touch /etc/kubernetes/admin.conf');
  await lab.exec(3, 'iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', '30080', '-j', 'DROP');
  const before = await Promise.all([1, 2, 3].map(lab.changes));

  // os_prep_firewall 'leave': nobody will open the dropped port, so it fails rather than warns.
  const run = await table('-e', 'os_prep_firewall=leave', '-e', 'doctor_min_disk_mb=100000000');
  t.is(run.code, 2, run.out);
  t.regex(run.out, row('h1', 'ports free', 'fail', '6443/tcp \\(API server\\) is taken by python3 -> Stop the program'));
  t.regex(run.out, row('h1', 'architecture', 'fail', 'mips -> K3s is released for amd64, arm64 and arm'));
  t.regex(run.out, row('h1', 'operating system', 'warn', 'Fedora Linux 41'));
  t.regex(run.out, row('h2', 'memory', 'fail', '292 MB -> a worker needs at least 450 MB'));
  t.regex(run.out, row('h2', 'swap', 'warn', '1024 MB of swap'));
  t.regex(run.out, row('h2', 'cgroups', 'fail', 'none -> K3s needs the memory cgroup'));
  const h2 = lab.hostIp(2).replaceAll('.', '\\.');
  t.regex(run.out, row('h1', 'reachable', 'fail', `no answer from ${h2}:10250/tcp, ${h2}:8472/udp`));
  t.regex(run.out, row('h2', 'hostname', 'fail', "'h2' is also another host's name"));
  t.regex(run.out, row('h3', 'hostname', 'fail', "'h2' is also another host's name"));
  t.regex(run.out, row('h3', 'clock', 'fail', '\\+1[12]\\d\\.\\d s against this machine -> Clocks must agree'));
  t.regex(run.out, row('h3', 'existing Kubernetes', 'fail', 'another Kubernetes is here: /etc/kubernetes/admin.conf'));
  t.regex(
    run.out,
    row(
      'h3',
      'NodePorts from here',
      'fail',
      `no answer from ${lab.hostIp(3).replaceAll('.', '\\.')}:30080/tcp -> Let these ports through every firewall between you and the nodes`,
    ),
  );
  for (const host of ['h1', 'h2', 'h3']) t.regex(run.out, row(host, 'disk', 'fail', '\\d+ MB free on /var/lib'));
  // With os-prep opening ports (the default), a dropped port only warns: the firewall may be ufw.
  t.regex((await table()).out, row('h1', 'reachable', 'warn', 'no answer from'));
  t.deepEqual(await Promise.all([1, 2, 3].map(lab.changes)), before, 'the doctor changed nothing');

  // site.yaml runs the same checks first and stops there, before any host changes.
  const site = await runJson(ROOT, ['site.yaml', '-i', lab.inventory]);
  t.is(site.code, 2);
  t.true(hostResults(site.events).some((e) => e.module === 'preflight' && e.status === 'failed'));
  t.false(
    hostResults(site.events).some(
      (e) => !['preflight', 'setup'].includes(e.module) && !/overlay already runs/.test(e.task) && e.task !== 'Gathering Facts' && !/majority/.test(e.task),
    ),
    'no task after the doctor ran',
  );
  t.deepEqual(await Promise.all([1, 2, 3].map(lab.changes)), before, 'site.yaml changed nothing');
  // ...unless told to skip them.
  const skipped = await runJson(ROOT, ['site.yaml', '-i', lab.inventory, '--skip-tags', 'doctor', '--check']);
  t.false(hostResults(skipped.events).some((e) => e.module === 'preflight'));
});

test.serial('a host whose sudo asks for a password gets a failing line, not a missing one', async (t) => {
  const inventory = join(work, 'pwuser.yaml');
  await writeFile(
    inventory,
    (await readFile(lab.inventory, 'utf8')).replace(`h3: { ansible_host: ${lab.hostIp(3)} }`, `h3: { ansible_host: ${lab.hostIp(3)}, ansible_user: pwuser }`),
  );
  const run = await runCli(ROOT, ['doctor.yaml', '-i', inventory]);
  t.not(run.code, 0);
  t.regex(run.out, /^h3\s+ssh and sudo\s+fail\s+.*(password|sudo)/im);
});
