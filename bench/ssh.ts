// npm run bench: k3s-playbook against Ansible on the same lab hosts, in the same run.
// For 1, 4 and 8 hosts: a 20-task playbook converges on fresh hosts, then runs again (idempotent).
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startLab, type Lab } from '../test/support/lab.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'dist', 'cli.js');
const PLAYBOOK = join(import.meta.dirname, 'playbook');
const SIZES = (process.env.BENCH_HOSTS ?? '1,4,8').split(',').map(Number);
const RERUNS = 5;

async function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ seconds: number; stdout: string }> {
  const started = process.hrtime.bigint();
  const { stdout } = await run(command, args, { cwd: PLAYBOOK, env: { ...process.env, CI: 'true', ...env }, maxBuffer: 64 << 20 });
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, stdout };
}

const changedCounts = (stdout: string) => [...stdout.matchAll(/changed=(\d+)/g)].map((m) => Number(m[1]));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function ours(lab: Lab) {
  const converge = await timed('node', [BIN, 'site.yaml', '-i', lab.inventory]);
  if (!changedCounts(converge.stdout).every((n) => n === 20)) throw new Error(`k3s-playbook did not converge:\n${converge.stdout}`);
  const reruns: number[] = [];
  for (let i = 0; i < RERUNS; i++) {
    const rerun = await timed('node', [BIN, 'site.yaml', '-i', lab.inventory]);
    if (!changedCounts(rerun.stdout).every((n) => n === 0)) throw new Error(`k3s-playbook re-run changed something:\n${rerun.stdout}`);
    reruns.push(rerun.seconds);
  }
  return { converge: converge.seconds, rerun: median(reruns) };
}

/** Ansible tuned as the issue asks: pipelining, ControlPersist, forks = hosts, strict host keys. */
async function ansible(lab: Lab, hosts: number) {
  const dir = await mkdtemp(join(tmpdir(), 'k3s-playbook-bench-ansible-'));
  const cfg = join(dir, 'ansible.cfg');
  await writeFile(
    cfg,
    `[defaults]\nforks = ${hosts}\nhost_key_checking = True\ngathering = explicit\ninterpreter_python = /usr/bin/python3\nretry_files_enabled = False\n\n[ssh_connection]\npipelining = True\ncontrol_path_dir = ${dir}/cp\nssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${lab.dir}/known_hosts -o IdentitiesOnly=yes\n`,
  );
  try {
    const env = { ANSIBLE_CONFIG: cfg, ANSIBLE_NOCOLOR: '1' };
    const converge = await timed('ansible-playbook', ['-i', lab.inventory, 'site.yaml'], env);
    if (!changedCounts(converge.stdout).every((n) => n === 20)) throw new Error(`ansible did not converge:\n${converge.stdout}`);
    const rerun = await timed('ansible-playbook', ['-i', lab.inventory, 'site.yaml'], env);
    if (!changedCounts(rerun.stdout).every((n) => n === 0)) throw new Error(`ansible re-run changed something:\n${rerun.stdout}`);
    return { converge: converge.seconds, rerun: rerun.seconds };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const hasAnsible = spawnSync('ansible-playbook', ['--version']).status === 0;
const rows: Array<{ hosts: number; ours: { converge: number; rerun: number }; ansible?: { converge: number; rerun: number } }> = [];
for (const hosts of SIZES) {
  let lab = await startLab('bench', hosts);
  try {
    const mine = await ours(lab);
    let theirs;
    if (hasAnsible) {
      await lab.stop();
      lab = await startLab('bench', hosts);
      theirs = await ansible(lab, hosts);
    }
    rows.push({ hosts, ours: mine, ansible: theirs });
  } finally {
    await lab.stop();
  }
}

const s = (n: number) => `${n.toFixed(2)} s`;
console.log(`\n20-task playbook on lab hosts (netns + sshd), wall time; k3s-playbook re-run is the median of ${RERUNS}.`);
console.log('hosts | k3s-playbook converge | re-run | ansible converge | re-run | re-run ratio (ansible / ours)');
for (const row of rows) {
  const ratio = row.ansible ? `${(row.ansible.rerun / row.ours.rerun).toFixed(1)}x` : 'n/a';
  console.log(
    `${row.hosts} | ${s(row.ours.converge)} | ${s(row.ours.rerun)} | ${row.ansible ? s(row.ansible.converge) : 'not installed'} | ${row.ansible ? s(row.ansible.rerun) : '-'} | ${ratio}`,
  );
}
const one = rows.find((r) => r.hosts === 1);
const eight = rows.find((r) => r.hosts === 8);
if (one && eight) console.log(`k3s-playbook re-run, 8 hosts / 1 host: ${(eight.ours.rerun / one.ours.rerun).toFixed(2)}x (target: at most 1.5x)`);
if (!hasAnsible) console.log('ansible-playbook is not installed (apt-get install ansible-core) so no comparison was made.');
