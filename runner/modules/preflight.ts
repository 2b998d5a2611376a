import { Socket } from 'node:net';
import Type, { type Static } from 'typebox';
import { parsePreflight, preflightCommand, type PreflightReading } from '../facts/preflight.js';
import { shellQuote } from '../shell/quote.js';
import { defineModule } from './module.js';

const preflightArgs = Type.Object(
  {
    role: Type.Enum(['server', 'agent'], { description: 'What the host is to be: a K3s server (a master) or an agent (a worker).' }),
    address: Type.String({ description: "The host's own address (its node-ip), left out of the peers it probes." }),
    masters: Type.Array(Type.String(), {
      default: [],
      description: "Every master's address: their API port 6443 (and etcd's 2379-2380 between several masters) must be reachable.",
    }),
    workers: Type.Array(Type.String(), { default: [], description: "Every worker's address: their kubelet port 10250 must be reachable." }),
    peers: Type.Array(Type.String(), {
      default: [],
      description:
        "Every node's address: their peer_ports must be reachable (UDP ones probed with a datagram: a reachable host without a listener answers 'port unreachable').",
    }),
    peer_ports: Type.Array(
      Type.Object(
        { port: Type.Integer({ minimum: 1, maximum: 65535 }), proto: Type.Enum(['tcp', 'udp']), what: Type.String() },
        { additionalProperties: false },
      ),
      {
        default: [{ port: 8472, proto: 'udp', what: 'flannel VXLAN' }],
        description:
          "The ports every node opens to the others for the pod network and the embedded registry, as the K3s configuration sets them (the cluster role's k3s_peer_ports): flannel's VXLAN 8472/udp by default.",
      },
    ),
    overlay_running: Type.Array(Type.String(), {
      default: [],
      description: "The peers where K3s' overlay already runs: their UDP peer ports are not probed (its kernel sockets answer nothing).",
    }),
    node_ports: Type.Array(Type.Integer({ minimum: 1, maximum: 65535 }), {
      default: [],
      description: 'NodePorts the cluster will serve on every node: they must be free there, and reachable from this machine (where browsers open them).',
    }),
    hostnames: Type.Array(Type.String(), {
      default: [],
      description: "Every host's hostname (K3s names nodes by them): this host's must be unique among them.",
    }),
    min_memory_mb: Type.Integer({ minimum: 0, default: 1800, description: 'Memory below this fails (MB, as /proc/meminfo counts it).' }),
    min_disk_mb: Type.Integer({ minimum: 0, default: 2048, description: 'Free space on /var/lib below this fails (MB).' }),
    warn_disk_mb: Type.Integer({ minimum: 0, default: 10240, description: 'Free space on /var/lib below this warns (MB).' }),
    max_clock_skew: Type.Number({ minimum: 0, default: 2, description: "Seconds the host's clock may differ from this machine's (so from the other hosts')." }),
    k3s_version: Type.String({ default: '', description: 'The K3s version the cluster is to run: an installed K3s of another version warns.' }),
    show: Type.Enum(['all', 'problems'], {
      default: 'all',
      description: 'Which checks the table after the recap shows: all, or only those that warn or fail.',
    }),
    firewall_opened: Type.Boolean({
      default: false,
      description: "Whether os-prep will open K3s' ports in ufw (os_prep_firewall: open): then a port blocked now only warns.",
    }),
  },
  { additionalProperties: false },
);

type PreflightArgs = Static<typeof preflightArgs>;
export type CheckStatus = 'ok' | 'warn' | 'fail';
/** One line of the doctor's table: what was checked, how it went, what was seen and how to fix it. */
export interface Check {
  check: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}
/** A peer's port, probed by TCP or UDP. */
export interface Target {
  address: string;
  port: number;
  proto: 'tcp' | 'udp';
}
/**
 * A probe from this host to a peer: 'open' (answered), 'closed' (refused: reachable, nothing
 * listens), 'filtered' (no answer), 'untested' (this host has no way to probe it).
 */
export interface Probe extends Target {
  outcome: 'open' | 'closed' | 'filtered' | 'untested';
}

const ARCHITECTURES: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64', armv7l: 'arm' };

/** With several masters, a master also serves etcd (2379-2380) to the others. */
const etcdPorts = (args: Pick<PreflightArgs, 'role' | 'masters'>) => (args.role === 'server' && args.masters.length > 1 ? [2379, 2380] : []);

type PortUse = PreflightArgs['peer_ports'][number];

/** The ports K3s needs free on a host of this role (each once: the embedded registry shares the API server's 6443). */
export function requiredPorts(args: Pick<PreflightArgs, 'role' | 'masters' | 'node_ports' | 'peer_ports'>): PortUse[] {
  const server = args.role === 'server';
  const all: PortUse[] = [
    ...(server ? [{ port: 6443, proto: 'tcp' as const, what: 'API server' }] : []),
    ...etcdPorts(args).map((port) => ({ port, proto: 'tcp' as const, what: 'etcd' })),
    { port: 10250, proto: 'tcp', what: 'kubelet' },
    ...args.peer_ports,
    ...args.node_ports.map((port) => ({ port, proto: 'tcp' as const, what: 'NodePort' })),
  ];
  return distinct(all, ({ port, proto }) => `${port}/${proto}`);
}

/** A probe target as one key: address, port and protocol. */
const targetKey = ({ address, port, proto }: Target) => `${address}:${port}/${proto}`;

/** Each item once (the first), items being the same when their keys are. */
function distinct<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && seen.add(key(item)));
}

/** The peers' ports this host must reach: masters' API (and etcd between masters), every node's kubelet and peer ports. */
export function reachTargets(args: Pick<PreflightArgs, 'role' | 'address' | 'masters' | 'workers' | 'peers' | 'peer_ports' | 'overlay_running'>): Target[] {
  const others = (list: string[]) => list.filter((address) => address !== args.address);
  const tcp = (address: string, port: number): Target => ({ address, port, proto: 'tcp' });
  const targets = [
    ...others(args.masters).flatMap((address) => [6443, ...etcdPorts(args), 10250].map((port) => tcp(address, port))),
    ...others(args.workers).map((address) => tcp(address, 10250)),
    ...others(args.peers).flatMap((address) =>
      args.peer_ports
        .filter(({ proto }) => proto === 'tcp' || !args.overlay_running.includes(address))
        .map(({ port, proto }): Target => ({ address, port, proto })),
    ),
  ];
  return distinct(targets, targetKey);
}

/** The doctor's verdicts for one host, from what was read there; a pure function of its inputs. */
export function preflightChecks(reading: PreflightReading, args: PreflightArgs, skew: number, probes: Probe[], fromHere: Probe[] = []): Check[] {
  const checks: Check[] = [];
  const add = (check: string, status: CheckStatus, detail: string, fix?: string) => checks.push({ check, status, detail, ...(status === 'ok' ? {} : { fix }) });
  add(
    'ssh and sudo',
    reading.uid === 0 ? 'ok' : 'fail',
    reading.uid === 0 ? 'logged in; tasks run as root' : `tasks run as uid ${reading.uid}, not root`,
    'Give the login user sudo rights (the roles need root).',
  );
  const knownOs = ['ubuntu', 'debian'].includes(reading.osId);
  add('operating system', knownOs ? 'ok' : 'warn', reading.osName, 'The roles are made for Ubuntu and Debian (apt, ufw); others may need changes.');
  const arch = ARCHITECTURES[reading.arch];
  add('architecture', arch ? 'ok' : 'fail', arch ? `${reading.arch} (K3s ${arch})` : reading.arch, 'K3s is released for amd64, arm64 and arm (armv7) only.');
  const role = args.role === 'server' ? 'a master' : 'a worker';
  add(
    'memory',
    reading.memMb >= args.min_memory_mb ? 'ok' : 'fail',
    `${reading.memMb} MB`,
    `${role} needs at least ${args.min_memory_mb} MB (K3s: 2 GB for a server, 512 MB for an agent); give it more memory${args.role === 'server' ? ', or make it a worker' : ''}.`,
  );
  const diskStatus: CheckStatus = reading.diskMb < args.min_disk_mb ? 'fail' : reading.diskMb < args.warn_disk_mb ? 'warn' : 'ok';
  add(
    'disk',
    diskStatus,
    `${reading.diskMb} MB free on /var/lib`,
    `K3s keeps images and data under /var/lib/rancher: free space there (at least ${args.warn_disk_mb} MB is comfortable).`,
  );
  add(
    'swap',
    reading.swapMb === 0 ? 'ok' : 'warn',
    reading.swapMb === 0 ? 'off' : `${reading.swapMb} MB of swap`,
    "Kubernetes' memory limits and evictions assume no swap: swapoff -a, and remove swap from /etc/fstab.",
  );
  const memoryCgroup = /\bmemory\b/.test(reading.cgroup);
  add(
    'cgroups',
    memoryCgroup ? 'ok' : 'fail',
    reading.cgroup || 'none',
    'K3s needs the memory cgroup: on a Raspberry Pi add "cgroup_memory=1 cgroup_enable=memory" to the kernel command line (cmdline.txt) and reboot.',
  );
  add(
    'clock',
    Math.abs(skew) <= args.max_clock_skew ? 'ok' : 'fail',
    `${skew >= 0 ? '+' : ''}${skew.toFixed(1)} s against this machine`,
    'Clocks must agree (certificates, etcd): enable time sync (timedatectl set-ntp true) on every host.',
  );
  const name = reading.hostname.toLowerCase();
  const twins = args.hostnames.filter((other) => other.toLowerCase() === name).length;
  add(
    'hostname',
    twins > 1 ? 'fail' : 'ok',
    twins > 1 ? `'${reading.hostname}' is also another host's name` : reading.hostname,
    'K3s names each node by its hostname (in lower case), so names must differ: hostnamectl set-hostname NEW on one of them.',
  );
  const version = /v\d+\.\d+\.\d+\+k3s\d+/.exec(reading.k3s)?.[0];
  if (reading.otherKubernetes.length > 0) {
    add(
      'existing Kubernetes',
      'fail',
      `another Kubernetes is here: ${reading.otherKubernetes.join(', ')}`,
      'Remove it first (kubeadm reset, snap remove microk8s, k0s reset, ...): its ports and files collide with K3s.',
    );
  } else if (version && args.k3s_version && version !== args.k3s_version) {
    add(
      'existing Kubernetes',
      'warn',
      `K3s ${version} is installed; k3s_version is ${args.k3s_version}`,
      'site.yaml would change its version without draining: run upgrade.yaml for that.',
    );
  } else add('existing Kubernetes', 'ok', version ? `K3s ${version} (site.yaml keeps it)` : 'none');
  const needed = requiredPorts(args);
  // flannel's VXLAN and WireGuard sockets belong to the kernel (no program): K3s' own where K3s is installed.
  const ownedByK3s = (socket: PreflightReading['listening'][number]) =>
    /k3s|containerd/.test(socket.program) ||
    (socket.program === '' && !!version && args.peer_ports.some(({ port, proto }) => port === socket.port && proto === socket.proto));
  const taken = needed.flatMap(({ port, proto, what }) => {
    const holder = reading.listening.find((socket) => socket.port === port && socket.proto === proto);
    const by = holder?.program || (proto === 'udp' ? 'a kernel socket (another VXLAN or WireGuard overlay?)' : 'another program');
    return holder && !ownedByK3s(holder) ? [`${port}/${proto} (${what}) is taken by ${by}`] : [];
  });
  add(
    'ports free',
    taken.length ? 'fail' : 'ok',
    taken.length ? taken.join('; ') : needed.map(({ port, proto }) => `${port}/${proto}`).join(', '),
    'Stop the program holding the port, or choose other NodePorts (app_node_port, grafana_node_port, prometheus_node_port).',
  );
  // A port that refuses is reachable (nothing listens yet); one that never answers is behind a firewall.
  const reachability = (check: string, found: Probe[], answered: string, none: string, between: string) => {
    const named = (outcome: Probe['outcome']) =>
      found.filter((probe) => probe.outcome === outcome).map((probe) => `${probe.address}:${probe.port}/${probe.proto}`);
    const [blocked, untested] = [named('filtered'), named('untested')];
    const answering = found.length - blocked.length - untested.length;
    if (blocked.length) {
      add(
        check,
        args.firewall_opened ? 'warn' : 'fail',
        `no answer from ${blocked.join(', ')}`,
        args.firewall_opened
          ? `A firewall drops these now: os-prep opens K3s' ports when it is ufw; any other firewall (cloud security group, router) between ${between} must let them through.`
          : `Let these ports through every firewall between ${between} (os_prep_firewall: open does it for ufw).`,
      );
    } else if (untested.length) {
      add(
        check,
        'warn',
        `${answering} ${answered}; not probed: ${untested.join(', ')}`,
        'This host could not probe them (UDP probes need python3 there): install python3, or check these ports by hand.',
      );
    } else add(check, 'ok', found.length ? `${found.length} ${answered}` : none);
  };
  reachability('reachable', probes, 'peer port(s) answer', 'no peers', 'the nodes');
  reachability('NodePorts from here', fromHere, 'NodePort(s) answer this machine', 'no NodePorts', 'you and the nodes');
  return checks;
}

// A connected UDP socket learns of the peer's ICMP 'port unreachable' as a refused receive.
const UDP_PROBE = `import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
family, kind, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0]
s = socket.socket(family, kind)
s.settimeout(1.4)
s.connect(address)
rc = 124
for attempt in (1, 2):
    try:
        s.send(b"k3s-playbook doctor")
        s.recv(1)
        rc = 0
        break
    except ConnectionRefusedError:
        rc = 1
        break
    except socket.timeout:
        pass
print("probe=%s %d udp %d" % (host, port, rc))`;

/** One shell script probing every target at once: rc 0 open, 124 no answer within 3 s, 127 untested, else refused. */
export function probeScript(targets: Target[]): string {
  const one = ({ address, port, proto }: Target) =>
    proto === 'tcp'
      ? `( timeout 3 bash -c ${shellQuote(`exec 3<>/dev/tcp/${address}/${port}`)} 2>/dev/null; echo "probe=${address} ${port} tcp $?" ) &`
      : `( if command -v python3 >/dev/null; then timeout 8 python3 -c ${shellQuote(UDP_PROBE)} ${shellQuote(address)} ${port} || echo "probe=${address} ${port} udp 124"; else echo "probe=${address} ${port} udp 127"; fi ) &`;
  return `${targets.map(one).join(' ')} wait`;
}

/** A TCP connection from this machine (where browsers open the NodePorts), with the same three outcomes. */
export function probeFromHere(address: string, port: number, timeoutMs = 3000): Promise<Probe> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (outcome: Probe['outcome']) => {
      socket.destroy();
      resolve({ address, port, proto: 'tcp', outcome });
    };
    socket.setTimeout(timeoutMs, () => done('filtered'));
    socket.once('connect', () => done('open'));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED' ? 'closed' : 'filtered'));
    socket.connect(port, address);
  });
}

const OUTCOMES: Record<string, Probe['outcome']> = { '0': 'open', '124': 'filtered', '127': 'untested' };

/** The probes in the order of their targets (the script prints each as it ends), so what is reported reads the same every run. */
export function inTargetOrder(targets: Target[], probes: Probe[]): Probe[] {
  const order = new Map(targets.map((target, i) => [targetKey(target), i]));
  return [...probes].sort((a, b) => (order.get(targetKey(a)) ?? -1) - (order.get(targetKey(b)) ?? -1));
}

export function parseProbes(output: string): Probe[] {
  return [...output.matchAll(/^probe=(\S+) (\d+) (tcp|udp) (\d+)$/gm)].map(([, address, port, proto, rc]) => ({
    address,
    port: Number(port),
    proto: proto as Probe['proto'],
    outcome: OUTCOMES[rc] ?? 'closed',
  }));
}

export default defineModule({
  name: 'preflight',
  description:
    'Checks that a host can take K3s before anything changes on it (OS, architecture, memory, disk, swap, cgroups, clock, hostname, ports free and reachable, an existing Kubernetes): one line per check, ok, warn or fail with how to fix it. Fails when a check fails. Changes nothing.',
  args: preflightArgs,
  returns: { checks: { description: 'One entry per check: check, status (ok, warn, fail), detail and fix.', type: 'list' } },
  examples: [
    {
      description: 'Check a worker before it joins a cluster of one master.',
      task: 'preflight:\n  role: agent\n  address: "{{ ansible_host }}"\n  masters: ["{{ ansible_host }}"]\n  min_memory_mb: 0\n  min_disk_mb: 0\n  warn_disk_mb: 0\n  max_clock_skew: 3600',
    },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    const sent = Date.now();
    const reading = parsePreflight(await ctx.read('reading the host', preflightCommand));
    const received = Date.now();
    // The host's clock against the middle of the round trip; its uncertainty is half the trip.
    const offset = reading.time - (sent + received) / 2000;
    const skew = Math.sign(offset) * Math.max(0, Math.abs(offset) - (received - sent) / 2000);
    const targets = reachTargets(args);
    const [probes, fromHere] = await Promise.all([
      targets.length ? ctx.run(probeScript(targets)).then((result) => inTargetOrder(targets, parseProbes(result.stdout))) : [],
      Promise.all(args.node_ports.map((port) => probeFromHere(args.address, port))),
    ]);
    const checks = preflightChecks(reading, args, skew, probes, fromHere);
    const failed = checks.filter((check) => check.status === 'fail');
    return {
      changed: false,
      checks,
      show: args.show,
      ...(failed.length ? { failed: true, msg: `${failed.length} check(s) failed: ${failed.map((check) => check.check).join(', ')}` } : {}),
    };
  },
});
