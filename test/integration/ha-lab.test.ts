import { request } from 'node:https';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { parse, stringify } from 'yaml';
import { startLab, type Lab } from '../support/lab.js';
import { doubleOfVersion, prepareSiteFixture } from '../support/site-fixture.js';
import { pictureOfTerminal } from '../support/terminal.js';
import { failures, hostResults, recapOf, runJson } from '../support/workspace.js';
import type { RunEvent } from '../../runner/executor/events.js';

// Day two on the lab: 3 masters with K3s' embedded etcd (h1-h3), workers h4-h5 and later h6, with
// TEST DOUBLES of K3s and Helm (test/doubles: the double's servers keep etcd's contract of
// replicated writes that need a majority of members). No real K3s runs here.
const ROOT = join(import.meta.dirname, '..', '..');
let lab: Lab;
let work: string;
let fixture: Awaited<ReturnType<typeof prepareSiteFixture>>['fixture'];
let varsFile: string;

test.before(async () => {
  lab = await startLab('itha', 6);
  work = await mkdtemp(join(tmpdir(), 'k3s-playbook-ha-'));
  ({ fixture, varsFile } = await prepareSiteFixture(lab, work));
});

test.after.always(async () => {
  await fixture?.close();
  await lab?.stop();
  await rm(work, { recursive: true, force: true });
});

/** An inventory of the lab's hosts with these masters and workers (hN by number). */
async function inventory(name: string, masters: number[], workers: number[]): Promise<string> {
  const lab_ = parse(await readFile(lab.inventory, 'utf8')) as { all: { vars: object } };
  const hosts = (numbers: number[]) => Object.fromEntries(numbers.map((n) => [`h${n}`, { ansible_host: lab.hostIp(n) }]));
  const path = join(work, `${name}.yaml`);
  await writeFile(path, stringify({ all: { vars: lab_.all.vars, children: { master: { hosts: hosts(masters) }, worker: { hosts: hosts(workers) } } } }));
  return path;
}

const play = async (playbook: string, inv: string, ...args: string[]) => runJson(ROOT, [playbook, '-i', inv, '-e', `@${varsFile}`, ...args]);
const kubectl = (n: number, ...args: string[]) => lab.exec(n, '/usr/local/bin/k3s', 'kubectl', ...args);
/** Objects applied through the first master, as a user would with kubectl. */
const applyOnMaster = (manifest: string) => lab.exec(1, 'sh', '-c', `/usr/local/bin/k3s kubectl apply --server-side -f - <<'EOF'\n${manifest}EOF`);
const members = async (n: number) =>
  Object.keys((JSON.parse(await lab.exec(n, 'cat', '/var/lib/rancher/k3s/server/db/etcd/db.json')) as { members: object }).members).sort();
const nodeVersions = async (n: number) =>
  (await kubectl(n, 'get', 'nodes'))
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(/\s+/))
    .map(([name, status, , , version]) => `${name} ${status} ${version}`);
/** The hosts a task reported 'changed' on, in the order the results came. */
const changedBy = (events: RunEvent[], task: RegExp) =>
  hostResults(events)
    .filter((e) => e.status === 'changed' && task.test(e.task))
    .map((e) => e.host);

/** Whether a master's API answers /readyz (what a load balancer in front of the masters checks). */
const readyz = (n: number) =>
  new Promise<boolean>((resolve) => {
    const req = request({ host: lab.hostIp(n), port: 6443, path: '/readyz', rejectUnauthorized: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });

test.serial('an even number of masters is refused before anything changes, with the reason', async (t) => {
  const before = await Promise.all([1, 2, 4].map(lab.changes));
  const run = await play('site.yaml', await inventory('even', [1, 2], [4]));
  t.is(run.code, 2);
  t.regex(failures(run.events).join('\n'), /has 2 master\(s\)\. K3s' embedded etcd needs a majority of its masters up: use 1 master, or an odd number/);
  t.deepEqual(await Promise.all([1, 2, 4].map(lab.changes)), before, 'no host changed');
});

test.serial('3 masters and 2 workers converge: the first master starts embedded etcd, the others join it one at a time', async (t) => {
  const run = await play('site.yaml', await inventory('five', [1, 2, 3], [4, 5]));
  t.is(run.code, 0, failures(run.events).join('\n'));
  t.deepEqual(changedBy(run.events, /K3s server configuration/), ['h1', 'h2', 'h3']);
  t.deepEqual(await members(3), ['h1', 'h2', 'h3'], 'every master is an etcd member');
  t.regex(await lab.exec(1, 'cat', '/etc/rancher/k3s/config.yaml'), /^cluster-init: true$/m);
  const joined = await lab.exec(2, 'cat', '/etc/rancher/k3s/config.yaml');
  t.regex(joined, new RegExp(`^server: "https://${lab.hostIp(1).replace(/\./g, '\\.')}:6443"$`, 'm'));
  t.notRegex(joined, /cluster-init/);
  t.deepEqual(
    (await nodeVersions(3)).sort(),
    ['h1', 'h2', 'h3', 'h4', 'h5'].map((h) => `${h} Ready v1.31.4+k3s1`),
    'every node Ready, as any master answers',
  );
});

test.serial('a worker added to the inventory joins, and the other hosts report no change (as README pictures it)', async (t) => {
  // In a person's terminal (no CI variable): README's HA picture is this run's end.
  const { CI: _ci, ...env } = process.env;
  const command = `node dist/cli.js site.yaml -i ${await inventory('six', [1, 2, 3], [4, 5, 6])} -e @${varsFile}`;
  const run = await pictureOfTerminal(command, 'day-two-ha.png', { cwd: ROOT, env, rows: 14 });
  t.is(run.exitCode, 0, run.text);
  t.is(run.mismatch, undefined, "README's picture day-two-ha.png shows what this run shows");
  t.regex(run.text, /^h6 +: ok=\d+ +changed=[1-9]\d* +unreachable=0 +failed=0/m);
  for (const host of ['h1', 'h2', 'h3', 'h4', 'h5']) t.regex(run.text, new RegExp(`^${host} +: ok=\\d+ +changed=0 +unreachable=0 +failed=0`, 'm'), host);
  t.true((await nodeVersions(1)).includes('h6 Ready v1.31.4+k3s1'));
});

test.serial('a backup lands on this machine (private, dated, the last N kept); a restore brings back a deleted object', async (t) => {
  const inv = join(work, 'six.yaml');
  const backups = join(work, 'backups');
  await kubectl(1, 'create', 'secret', 'generic', 'keep-me', '--from-literal=a=b');
  const taken: string[] = [];
  for (let i = 0; i < 3; i++) {
    // Backups are named by the second they were taken in.
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 1100));
    const run = await play('backup.yaml', inv, '-e', 'backup_keep=2');
    t.is(run.code, 0, failures(run.events).join('\n'));
    taken.push((await readdir(backups)).sort().at(-1)!);
  }
  t.deepEqual((await readdir(backups)).sort(), taken.slice(1), 'the oldest of three went, with backup_keep=2');
  const newest = join(backups, taken[2]);
  t.regex(taken[2], /^k3s-playbook-\d{8}T\d{6}Z$/);
  t.is((await stat(newest)).mode & 0o777, 0o700);
  t.deepEqual((await readdir(newest)).sort(), ['backup.yaml', 'snapshot', 'token']);
  for (const file of ['backup.yaml', 'snapshot', 'token']) t.is((await stat(join(newest, file))).mode & 0o777, 0o600, file);
  t.regex(await readFile(join(newest, 'backup.yaml'), 'utf8'), /^datastore: etcd$/m);
  t.is(await lab.exec(1, 'sh', '-c', 'ls /var/lib/k3s-playbook/backup 2>/dev/null | wc -l'), '0\n', 'no snapshot left on the master');

  await kubectl(2, 'delete', 'secret', 'keep-me');
  await t.throwsAsync(kubectl(3, 'get', 'secret', 'keep-me', '-o', 'name'));
  const restored = await play('restore.yaml', inv);
  t.is(restored.code, 0, failures(restored.events).join('\n'));
  t.regex(await kubectl(3, 'get', 'secret', 'keep-me', '-o', 'name'), /keep-me/, 'the newest backup had it');
  t.deepEqual(await members(2), ['h1', 'h2', 'h3'], 'the other masters joined the restored etcd');
  // An etcd snapshot cannot go into a one-master (SQLite) cluster: refused before anything stops.
  const single = await play('restore.yaml', await inventory('one', [1], [4]));
  t.is(single.code, 2);
  t.regex(failures(single.events).join('\n'), /holds an embedded etcd snapshot, but with 1 master\(s\) this cluster runs SQLite/);
});

test.serial('a rolling upgrade goes through the servers, then the agents, one node at a time, while the API keeps answering', async (t) => {
  const inv = join(work, 'six.yaml');
  const binary = await doubleOfVersion(work, 'v1.31.5+k3s1');
  // A load balancer's view of the masters while the upgrade runs: a bounded poll, stopped at the end.
  const samples: number[] = [];
  let polling = true;
  const poller = (async () => {
    for (let i = 0; polling && i < 2400; i++) {
      samples.push((await Promise.all([1, 2, 3].map(readyz))).filter(Boolean).length);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  const backupsBefore = (await readdir(join(work, 'backups'))).length;
  const run = await play('upgrade.yaml', inv, '-e', 'k3s_version=v1.31.5+k3s1', '-e', `k3s_offline_binary=${binary}`);
  polling = false;
  await poller;
  t.is(run.code, 0, failures(run.events).join('\n'));
  // Each node is drained, upgraded and uncordoned before the next one is drained.
  const steps = hostResults(run.events)
    .filter((e) => e.status === 'changed' && /drained \(|uncordoned/.test(e.task))
    .map((e) => `${e.host} ${/uncordoned/.test(e.task) ? 'uncordoned' : 'drained'}`);
  t.deepEqual(
    steps,
    ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].flatMap((h) => [`${h} drained`, `${h} uncordoned`]),
  );
  t.true(samples.length > 10);
  t.true(
    samples.every((up) => up >= 2),
    `a majority of masters answered throughout (${samples.join('')})`,
  );
  t.true(
    samples.some((up) => up < 3),
    'the masters did restart one at a time',
  );
  t.deepEqual(
    (await nodeVersions(2)).sort(),
    ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((h) => `${h} Ready v1.31.5+k3s1`),
  );
  const again = await play('upgrade.yaml', inv, '-e', 'k3s_version=v1.31.5+k3s1', '-e', `k3s_offline_binary=${binary}`);
  t.is(again.code, 0, failures(again.events).join('\n'));
  for (const [host, stats] of Object.entries(recapOf(again.events))) t.is(stats.changed, 0, `${host}: a second run changes nothing`);
  t.is((await readdir(join(work, 'backups'))).length, Math.min(backupsBefore + 1, 5), 'the upgrade took one backup first; the second run none');
});

test.serial('an upgrade that cannot drain the second node stops there, says how to go on, and goes on from there', async (t) => {
  const inv = join(work, 'six.yaml');
  const binary = await doubleOfVersion(work, 'v1.31.6+k3s1');
  // One replica pinned to h2 and a budget that wants it always up: no eviction is ever allowed.
  await applyOnMaster(`apiVersion: apps/v1
kind: Deployment
metadata: { name: pinned, namespace: default }
spec:
  replicas: 1
  selector: { matchLabels: { app: pinned } }
  template:
    metadata: { labels: { app: pinned } }
    spec: { nodeSelector: { kubernetes.io/hostname: h2 }, containers: [{ name: c, image: busybox }] }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: pinned, namespace: default }
spec: { minAvailable: 1, selector: { matchLabels: { app: pinned } } }
`);
  const args = ['-e', 'k3s_version=v1.31.6+k3s1', '-e', `k3s_offline_binary=${binary}`, '-e', 'k3s_drain_timeout=4s'];
  const stopped = await play('upgrade.yaml', inv, ...args);
  t.is(stopped.code, 2);
  t.regex(
    failures(stopped.events).join('\n'),
    /h2 could not be drained, so the upgrade stops before changing it \(a PodDisruptionBudget allows no pod to leave it\).*run upgrade\.yaml again: it goes on from this node/s,
  );
  const warning = stopped.events.find((e) => e.type === 'warning' && e.message.includes('stopped the run'));
  t.regex(warning?.type === 'warning' ? warning.message : '', /not started: h3$/);
  t.deepEqual(
    (await nodeVersions(1)).sort(),
    [
      'h1 Ready v1.31.6+k3s1',
      'h2 Ready,SchedulingDisabled v1.31.5+k3s1',
      'h3 Ready v1.31.5+k3s1',
      'h4 Ready v1.31.5+k3s1',
      'h5 Ready v1.31.5+k3s1',
      'h6 Ready v1.31.5+k3s1',
    ],
    'h1 upgraded, h2 cordoned at its old version, the rest untouched',
  );
  t.deepEqual(
    hostResults(stopped.events)
      .filter((e) => ['h4', 'h5', 'h6'].includes(e.host))
      .map((e) => e.task),
    [],
    'the agents play never started',
  );
  // The fix: a budget that allows the pod to be down (a second replica would not do: pinned to h2,
  // it could run nowhere else, so its replacement would never be Ready). The same command goes on.
  await applyOnMaster(`apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: pinned, namespace: default }
spec: { maxUnavailable: 1, selector: { matchLabels: { app: pinned } } }
`);
  const resumed = await play('upgrade.yaml', inv, ...args);
  t.is(resumed.code, 0, failures(resumed.events).join('\n'));
  t.deepEqual(changedBy(resumed.events, /drained \(/), ['h2', 'h3', 'h4', 'h5', 'h6'], 'h1 was done already');
  t.deepEqual(
    (await nodeVersions(3)).sort(),
    ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((h) => `${h} Ready v1.31.6+k3s1`),
  );
});

test.serial(
  'a node that is not Ready within k3s_restart_timeout of its restart stops the upgrade, with its journal; the same command then goes on',
  async (t) => {
    const inv = join(work, 'six.yaml');
    // A build that cannot start on h2: K3s' own way to fail, a fatal line in the journal, then exit
    // (systemd restarts it, in vain). h1, upgraded first, starts.
    const broken = join(work, 'k3s-v1.31.7-broken');
    const good = await doubleOfVersion(work, 'v1.31.7+k3s1');
    await writeFile(
      broken,
      (await readFile(good, 'utf8')).replace(
        'return server_main()',
        'return server_main() if socket.gethostname() != "h2" else fail(\'level=fatal msg="starting kubernetes: preparing server: this build cannot start (test)"\')',
      ),
      { mode: 0o755 },
    );
    const args = (binary: string) => ['-e', 'k3s_version=v1.31.7+k3s1', '-e', `k3s_offline_binary=${binary}`, '-e', 'upgrade_backup=false'];
    const stopped = await play('upgrade.yaml', inv, ...args(broken), '-e', 'k3s_restart_timeout=6');
    t.is(stopped.code, 2);
    t.regex(
      failures(stopped.events).join('\n'),
      /h2 was not Ready at v1\.31\.7\+k3s1 within 6 s of its restart \(k3s_restart_timeout\); the cluster reports 'v1\.31\.6\+k3s1 (?:True|False)' \(version and Ready\)\..*Its last k3s journal lines: .*this build cannot start \(test\).*run upgrade\.yaml again: it goes on from this node\./s,
    );
    t.deepEqual(changedBy(stopped.events, /drained \(/), ['h1', 'h2'], 'the rollout stopped on h2');
    // The fixed build, and the same command: h2 goes on (the other nodes are left to the next tests as they are).
    const resumed = await play('upgrade.yaml', inv, ...args(good), '--limit', 'h2');
    t.is(resumed.code, 0, failures(resumed.events).join('\n'));
    t.true((await nodeVersions(1)).includes('h2 Ready v1.31.7+k3s1'));
  },
);

test.serial(
  'drains as the Eviction API allows: two pods under one budget leave a node one at a time; a pod no controller manages stops the upgrade until it is gone',
  async (t) => {
    const inv = join(work, 'six.yaml');
    const binary = await doubleOfVersion(work, 'v1.31.8+k3s1');
    // 7 replicas over 6 nodes: one node holds two of them, and the budget lets one be down at a time.
    // A bare pod on h6, which nothing would start again once deleted.
    await applyOnMaster(`apiVersion: apps/v1
kind: Deployment
metadata: { name: crowd, namespace: default }
spec:
  replicas: 7
  selector: { matchLabels: { app: crowd } }
  template:
    metadata: { labels: { app: crowd } }
    spec: { containers: [{ name: c, image: busybox }] }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: crowd, namespace: default }
spec: { maxUnavailable: 1, selector: { matchLabels: { app: crowd } } }
---
apiVersion: v1
kind: Pod
metadata: { name: bare, namespace: default }
spec: { nodeName: h6, containers: [{ name: c, image: busybox }] }
`);
    t.teardown(() => kubectl(1, 'delete', 'deployment', 'crowd').then(() => kubectl(1, 'delete', 'pdb', 'crowd')));
    const args = ['-e', 'k3s_version=v1.31.8+k3s1', '-e', `k3s_offline_binary=${binary}`, '-e', 'upgrade_backup=false', '-e', 'k3s_drain_timeout=60s'];
    const stopped = await play('upgrade.yaml', inv, ...args);
    t.is(stopped.code, 2);
    t.regex(
      failures(stopped.events).join('\n'),
      /h6 could not be drained, so the upgrade stops before changing it \(a pod no controller manages would be lost\): .*cannot delete Pods that declare no controller \(use --force to override\): default\/bare.*for a pod no controller manages: delete it/s,
    );
    await kubectl(1, 'delete', 'pod', 'bare');
    const resumed = await play('upgrade.yaml', inv, ...args);
    t.is(resumed.code, 0, failures(resumed.events).join('\n'));
    t.deepEqual(
      (await nodeVersions(1)).sort(),
      ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((h) => `${h} Ready v1.31.8+k3s1`),
    );
    // On the node that held two crowd pods, the second was refused (429) until the first one's
    // replacement was Ready, and evicted on kubectl's retry; on every other node none was refused.
    const drains = hostResults([...stopped.events, ...resumed.events]).filter((e) => /drained \(/.test(e.task) && e.status === 'changed');
    const refusals = drains.map(
      (e) =>
        [
          e.host,
          String(e.result?.stderr ?? '').match(
            /pods\/"crowd-[^"]+" -n "default" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./g,
          )?.length ?? 0,
        ] as const,
    );
    t.is(refusals.filter(([, n]) => n > 0).length, 1, `one node held two crowd pods: ${JSON.stringify(refusals)}`);
    t.true(
      refusals.every(([, n]) => n <= 1),
      'refused once, then evicted on the retry',
    );
  },
);

test.serial('reset.yaml --limit a master drains it, deletes its node and etcd member, and the cluster goes on', async (t) => {
  const run = await play('reset.yaml', join(work, 'six.yaml'), '--limit', 'h3');
  t.is(run.code, 0, failures(run.events).join('\n'));
  t.deepEqual(changedBy(run.events, /drained before it leaves|deleted from the cluster/), ['h3', 'h3']);
  t.deepEqual(await members(1), ['h1', 'h2'], 'h3 is no longer an etcd member');
  t.false((await nodeVersions(2)).some((line) => line.startsWith('h3 ')));
  // Writes still reach a majority of the two members left.
  t.regex(await kubectl(2, 'create', 'secret', 'generic', 'after-reset', '--from-literal=a=b'), /created/);
});
