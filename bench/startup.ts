// npm run bench:startup: the CPU a start of the runner costs (user + system, the process and its
// children, as bash's `time` reports it), against a bare `node -e 0` in the same run: --help,
// --version, --syntax-check and a whole run of a small playbook on this machine (local connection).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const cli = process.env.BENCH_CLI ?? join(root, 'dist', 'cli.js');

const work = mkdtempSync(join(tmpdir(), 'bench-startup-'));
writeFileSync(join(work, 'inventory.yaml'), 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n');
writeFileSync(
  join(work, 'small.yaml'),
  `- hosts: all
  gather_facts: false
  tasks:
    - name: a directory
      file: { path: "${work}/out", state: directory, mode: "0755" }
    - name: a file
      copy: { content: "hello {{ inventory_hostname }}\\n", dest: "${work}/out/hello", mode: "0644" }
    - name: a line
      lineinfile: { path: "${work}/out/hello", line: "second" }
`,
);

/** CPU seconds of one command line (user + system of it and its children), by bash's time keyword. */
function cpuSeconds(command: string): number {
  const out = execFileSync('bash', ['-c', `TIMEFORMAT='%U %S'; { time ${command} >/dev/null 2>&1 ; } 2>&1`], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  const [user, system] = out.trim().split('\n').pop()!.split(' ').map(Number);
  return user + system;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const cases: Array<[string, string]> = [
  ['node -e 0 (the floor)', 'node -e 0'],
  ['--help', `node ${cli} --help`],
  ['--version', `node ${cli} --version`],
  ['--syntax-check, 3 tasks', `node ${cli} small.yaml --syntax-check`],
  ['a run of the 3 tasks (local)', `node ${cli} small.yaml`],
];
const figures = new Map<string, number[]>(cases.map(([name]) => [name, []]));
// Rounds interleave the cases, so a busy moment of the machine falls on all of them alike.
for (let round = 0; round < ROUNDS; round++) for (const [name, command] of cases) figures.get(name)!.push(cpuSeconds(command));
rmSync(work, { recursive: true, force: true });

const floor = median(figures.get(cases[0][0])!);
console.log(`CPU of one start (median of ${ROUNDS}), and above a bare node -e 0:`);
for (const [name] of cases) {
  const value = median(figures.get(name)!);
  const above = value - floor;
  const compared = `${above < 0 ? '-' : '+'}${Math.abs(above).toFixed(3)} s, ${(value / floor).toFixed(2)}x the floor`;
  console.log(`${name.padEnd(30)} ${value.toFixed(3)} s   ${name === cases[0][0] ? '' : compared}`);
}
