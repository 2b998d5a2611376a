import test from 'ava';
import { parsePreflight, type PreflightReading } from '../facts/preflight.js';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { createServer, type AddressInfo } from 'node:net';
import { inTargetOrder, parseProbes, preflightChecks, probeFromHere, probeScript, reachTargets, requiredPorts } from './preflight.js';

// What the reading command prints on a healthy Ubuntu master (ss with -p: the program in (("...")).
const HEALTHY = [
  'hostname=master1',
  'os_id=ubuntu',
  'os_name=Ubuntu 24.04.1 LTS',
  'arch=x86_64',
  'uid=0',
  'mem_kb=3907064',
  'swap_kb=0',
  'disk_kb=30000000',
  'cgroup=v2 cpuset cpu io memory hugetlb pids rdma misc',
  'k3s=',
  'listen=tcp 0.0.0.0:22 users:(("sshd",pid=700,fd=3))',
  'listen=udp 127.0.0.53%lo:53 users:(("systemd-resolve",pid=500,fd=13))',
  'time=1764612000.250',
].join('\n');

const ARGS = {
  role: 'server' as 'server' | 'agent',
  address: '10.0.0.1',
  masters: ['10.0.0.1'],
  workers: ['10.0.0.2'],
  peers: ['10.0.0.1', '10.0.0.2'],
  peer_ports: [{ port: 8472, proto: 'udp', what: 'flannel VXLAN' }] as Array<{ port: number; proto: 'tcp' | 'udp'; what: string }>,
  overlay_running: [] as string[],
  node_ports: [30080],
  hostnames: ['master1', 'worker1'],
  min_memory_mb: 1800,
  min_disk_mb: 2048,
  warn_disk_mb: 10240,
  max_clock_skew: 2,
  k3s_version: 'v1.31.4+k3s1',
  show: 'all' as const,
  firewall_opened: false,
};

const verdicts = (reading: PreflightReading, args = ARGS, skew = 0, probes = parseProbes('probe=10.0.0.2 10250 tcp 1')) =>
  Object.fromEntries(preflightChecks(reading, args, skew, probes).map((check) => [check.check, `${check.status}: ${check.detail}`]));

test('the reading: memory and disk in MB, the memory cgroup, listening sockets with their program, the clock', (t) => {
  const reading = parsePreflight(HEALTHY);
  t.like(reading, {
    hostname: 'master1',
    osId: 'ubuntu',
    arch: 'x86_64',
    uid: 0,
    memMb: 3815,
    swapMb: 0,
    diskMb: 29296,
    k3s: '',
    time: 1764612000.25,
  });
  t.is(parsePreflight('k3s=k3s version v1.31.4+k3s1 (a1b2c3d4)').k3s, 'k3s version v1.31.4+k3s1 (a1b2c3d4)');
  t.deepEqual(reading.listening, [
    { proto: 'tcp', port: 22, program: 'sshd' },
    { proto: 'udp', port: 53, program: 'systemd-resolve' },
  ]);
});

test('a healthy master passes every check', (t) => {
  const checks = preflightChecks(parsePreflight(HEALTHY), ARGS, 0.1, parseProbes('probe=10.0.0.2 10250 tcp 1'));
  t.deepEqual(
    checks.filter((check) => check.status !== 'ok'),
    [],
  );
  t.deepEqual(
    checks.map((check) => check.check),
    [
      'ssh and sudo',
      'operating system',
      'architecture',
      'memory',
      'disk',
      'swap',
      'cgroups',
      'clock',
      'hostname',
      'existing Kubernetes',
      'ports free',
      'reachable',
      'NodePorts from here',
    ],
  );
  t.true(
    checks.every((check) => check.fix === undefined),
    'no advice where nothing is wrong',
  );
});

test('each check fails (or warns) on what would break K3s, with how to fix it', (t) => {
  const base = parsePreflight(HEALTHY);
  t.regex(verdicts({ ...base, uid: 1000 })['ssh and sudo'], /^fail: tasks run as uid 1000/);
  t.regex(verdicts({ ...base, osId: 'fedora', osName: 'Fedora 41' })['operating system'], /^warn: Fedora 41/);
  t.regex(verdicts({ ...base, arch: 'mips' }).architecture, /^fail: mips/);
  t.regex(verdicts({ ...base, memMb: 900 }).memory, /^fail: 900 MB/);
  t.regex(verdicts({ ...base, memMb: 900 }, { ...ARGS, role: 'agent', min_memory_mb: 450 }).memory, /^ok/);
  t.regex(verdicts({ ...base, diskMb: 1000 }).disk, /^fail/);
  t.regex(verdicts({ ...base, diskMb: 5000 }).disk, /^warn/);
  t.regex(verdicts({ ...base, swapMb: 2048 }).swap, /^warn: 2048 MB of swap/);
  t.regex(verdicts({ ...base, cgroup: 'v2 cpuset cpu io pids' }).cgroups, /^fail/);
  t.regex(verdicts(base, ARGS, 120.4).clock, /^fail: \+120\.4 s against this machine/);
  t.regex(verdicts(base, ARGS, -1.5).clock, /^ok/);
  t.regex(
    verdicts(base, { ...ARGS, hostnames: ['master1', 'MASTER1'] }).hostname,
    /^fail: 'master1' is also another host's name/,
    'K3s lowers node names: a case difference is a duplicate',
  );
  t.regex(verdicts({ ...base, otherKubernetes: ['/etc/kubernetes/admin.conf'] })['existing Kubernetes'], /^fail: another Kubernetes is here/);
  t.regex(
    verdicts({ ...base, k3s: 'k3s version v1.30.2+k3s1 (faf4a8e1)' })['existing Kubernetes'],
    /^warn: K3s v1\.30\.2\+k3s1 is installed; k3s_version is v1\.31\.4\+k3s1/,
  );
  t.regex(verdicts({ ...base, k3s: 'k3s version v1.31.4+k3s1 (x)' })['existing Kubernetes'], /^ok: K3s v1\.31\.4\+k3s1/);
  const taken = { ...base, listening: [{ proto: 'tcp' as const, port: 6443, program: 'python3' }] };
  t.regex(verdicts(taken)['ports free'], /^fail: 6443\/tcp \(API server\) is taken by python3/);
  const byK3s = { ...base, listening: [{ proto: 'tcp' as const, port: 6443, program: 'k3s-server' }] };
  t.regex(verdicts(byK3s)['ports free'], /^ok/, "K3s' own ports are not taken");
  const filtered = parseProbes('probe=10.0.0.2 10250 tcp 124');
  t.regex(verdicts(base, ARGS, 0, filtered).reachable, /^fail: no answer from 10\.0\.0\.2:10250\/tcp$/);
  t.regex(verdicts(base, { ...ARGS, firewall_opened: true }, 0, filtered).reachable, /^warn/, 'os-prep will open it in ufw');
  const fromHere = preflightChecks(base, ARGS, 0, [], parseProbes('probe=10.0.0.1 30080 tcp 124')).find((check) => check.check === 'NodePorts from here');
  t.like(fromHere, { status: 'fail', detail: 'no answer from 10.0.0.1:30080/tcp' });
  t.regex(fromHere?.fix ?? '', /between you and the nodes/);
});

test('ports and peers by role: a master of several checks etcd too; a worker reaches every master', (t) => {
  const ports = (args: Parameters<typeof requiredPorts>[0]) => requiredPorts(args).map(({ port, proto }) => `${port}/${proto}`);
  const vxlan = [{ port: 8472, proto: 'udp' as const, what: 'flannel VXLAN' }];
  t.deepEqual(ports({ role: 'server', masters: ['a'], node_ports: [30080], peer_ports: vxlan }), ['6443/tcp', '10250/tcp', '8472/udp', '30080/tcp']);
  t.deepEqual(ports({ role: 'server', masters: ['a', 'b', 'c'], node_ports: [], peer_ports: vxlan }), [
    '6443/tcp',
    '2379/tcp',
    '2380/tcp',
    '10250/tcp',
    '8472/udp',
  ]);
  t.deepEqual(ports({ role: 'agent', masters: ['a', 'b', 'c'], node_ports: [], peer_ports: vxlan }), ['10250/tcp', '8472/udp']);
  const peers = (args: Omit<Parameters<typeof reachTargets>[0], 'peer_ports'> & { peer_ports?: typeof vxlan }) =>
    reachTargets({ peer_ports: vxlan, ...args }).map(({ address, port, proto }) => `${address}:${port}/${proto}`);
  t.deepEqual(peers({ role: 'agent', address: 'w1', masters: ['m1'], workers: ['w1', 'w2'], peers: ['m1', 'w1', 'w2'], overlay_running: ['w2'] }), [
    'm1:6443/tcp',
    'm1:10250/tcp',
    'w2:10250/tcp',
    'm1:8472/udp',
  ]);
  t.deepEqual(peers({ role: 'server', address: 'm1', masters: ['m1', 'm2'], workers: [], peers: [], overlay_running: [] }), [
    'm2:6443/tcp',
    'm2:2379/tcp',
    'm2:2380/tcp',
    'm2:10250/tcp',
  ]);
  const targets = reachTargets({
    peer_ports: vxlan,
    role: 'agent',
    address: 'w1',
    masters: ['m1'],
    workers: ['w1', 'w2'],
    peers: ['m1', 'w2'],
    overlay_running: [],
  });
  t.deepEqual(
    inTargetOrder(targets, parseProbes('probe=w2 8472 udp 124\nprobe=m1 10250 tcp 124\nprobe=m1 6443 tcp 0\n')).map(
      ({ address, port }) => `${address}:${port}`,
    ),
    ['m1:6443', 'm1:10250', 'w2:8472'],
    'reported in the order of the targets, not of the probes ending',
  );
  t.regex(probeScript([{ address: 'm1', port: 6443, proto: 'tcp' }]), /timeout 3 bash -c 'exec 3<>\/dev\/tcp\/m1\/6443'.*echo "probe=m1 6443 tcp \$\?"/);
  t.deepEqual(
    parseProbes('probe=m1 6443 tcp 0\nprobe=m2 6443 tcp 1\nprobe=m3 6443 tcp 124\nprobe=m4 8472 udp 127\n').map((probe) => probe.outcome),
    ['open', 'closed', 'filtered', 'untested'],
  );
});

test('the ports follow the configuration: WireGuard and Spegel ports probed on every peer (UDP ones not where the overlay runs), 6443 once', (t) => {
  const peerPorts = [
    { port: 51820, proto: 'udp' as const, what: 'flannel WireGuard (IPv4)' },
    { port: 5001, proto: 'tcp' as const, what: 'embedded registry (Spegel)' },
    { port: 6443, proto: 'tcp' as const, what: 'embedded registry (K3s supervisor)' },
  ];
  const args = {
    role: 'agent' as const,
    address: 'w1',
    masters: ['m1'],
    workers: ['w1', 'w2'],
    peers: ['m1', 'w1', 'w2'],
    overlay_running: ['w2'],
    peer_ports: peerPorts,
  };
  t.deepEqual(
    reachTargets(args).map(({ address, port, proto }) => `${address}:${port}/${proto}`),
    ['m1:6443/tcp', 'm1:10250/tcp', 'w2:10250/tcp', 'm1:51820/udp', 'm1:5001/tcp', 'w2:5001/tcp', 'w2:6443/tcp'],
  );
  t.deepEqual(
    requiredPorts({ role: 'server', masters: ['m1'], node_ports: [], peer_ports: peerPorts }).map(({ port, proto, what }) => `${port}/${proto} ${what}`),
    ['6443/tcp API server', '10250/tcp kubelet', '51820/udp flannel WireGuard (IPv4)', '5001/tcp embedded registry (Spegel)'],
  );
  t.deepEqual(
    requiredPorts({ role: 'agent', masters: ['m1'], node_ports: [], peer_ports: [] }),
    [{ port: 10250, proto: 'tcp', what: 'kubelet' }],
    'host-gw: no overlay port',
  );
  const wireguard = { ...parsePreflight(HEALTHY), listening: [{ proto: 'udp' as const, port: 51820, program: '' }] };
  const wgArgs = { ...ARGS, peer_ports: peerPorts.slice(0, 1) };
  t.regex(verdicts(wireguard, wgArgs)['ports free'], /^fail: 51820\/udp \(flannel WireGuard \(IPv4\)\) is taken by a kernel socket/);
  t.regex(verdicts({ ...wireguard, k3s: 'k3s version v1.31.4+k3s1 (x)' }, wgArgs)['ports free'], /^ok/, "an installed K3s's WireGuard holds it");
});

test("flannel's port: taken by a kernel socket only where K3s is not installed; a UDP probe that found no way to run warns", (t) => {
  const base = parsePreflight(HEALTHY);
  const vxlan = { ...base, listening: [{ proto: 'udp' as const, port: 8472, program: '' }] };
  t.regex(verdicts(vxlan)['ports free'], /^fail: 8472\/udp \(flannel VXLAN\) is taken by a kernel socket/);
  t.regex(verdicts({ ...vxlan, k3s: 'k3s version v1.31.4+k3s1 (x)' })['ports free'], /^ok/, "an installed K3s's flannel holds it");
  const untested = parseProbes('probe=10.0.0.2 10250 tcp 1\nprobe=10.0.0.2 8472 udp 127');
  t.regex(verdicts(base, ARGS, 0, untested).reachable, /^warn: 1 peer port\(s\) answer; not probed: 10\.0\.0\.2:8472\/udp/);
  const dropped = parseProbes('probe=10.0.0.2 10250 tcp 1\nprobe=10.0.0.2 8472 udp 124');
  t.regex(verdicts(base, ARGS, 0, dropped).reachable, /^fail: no answer from 10\.0\.0\.2:8472\/udp$/);
});

test('the UDP probe, run here on loopback: a closed port refuses, a bound one that stays silent gives no answer', async (t) => {
  const run = (script: string) => promisify(execFile)('bash', ['-c', script]).then(({ stdout }) => parseProbes(stdout));
  const silent = createSocket('udp4').bind(0, '127.0.0.1');
  await once(silent, 'listening');
  let open = true;
  t.teardown(() => open && silent.close());
  const { port } = silent.address();
  const [answered] = await run(probeScript([{ address: '127.0.0.1', port, proto: 'udp' }]));
  t.like(answered, { port, proto: 'udp', outcome: 'filtered' });
  silent.close();
  open = false;
  const [refused] = await run(probeScript([{ address: '127.0.0.1', port, proto: 'udp' }]));
  t.like(refused, { port, proto: 'udp', outcome: 'closed' });
});

test('from this machine: a listening port is open, a closed one refuses (on loopback)', async (t) => {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  t.is((await probeFromHere('127.0.0.1', port)).outcome, 'open');
  server.close();
  await once(server, 'close');
  t.is((await probeFromHere('127.0.0.1', port)).outcome, 'closed');
});
