import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import test from 'ava';
import { startLab, type Lab } from '../support/lab.js';
import { runCaptured, waitFor } from '../support/proc.js';
import { runJson, workspace, hostResults } from '../support/workspace.js';

// Writes that fail or are cut short, on a real host: the old file stays whole, nothing half-written
// takes its place, no temporary file is left behind, and the task fails.
const BIN = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const OLD = 'old content, must survive\n';
let lab: Lab;

test.before(async () => {
  lab = await startLab('fault', 1);
  await lab.exec(1, 'sh', '-c', 'mkdir -p /srv/full /srv/slow && mount -t tmpfs -o size=1m tmpfs /srv/full');
});
test.after.always(async () => {
  await lab?.exec(1, 'umount', '/srv/full').catch(() => undefined);
  await lab?.stop();
});

const leftovers = async (dir: string) => (await lab.exec(1, 'sh', '-c', `ls -A ${dir} | grep -c tmp- || true`)).trim();

test.serial('a full disk fails copy, template and lineinfile and leaves each old file whole', async (t) => {
  await lab.exec(
    1,
    'sh',
    '-c',
    `for f in copied templated lined; do printf '${OLD}' > /srv/full/$f; done; head -c 600000 /dev/zero | tr '\\0' x > /srv/full/big-lines`,
  );
  const ws = await workspace({
    'big.bin': randomBytes(4_500_000).toString('base64'),
    'templates/big.hbs': '{{ filler }}\n',
    'site.yaml': `- hosts: h1
  vars: { filler: "${'y'.repeat(2_000_000 / 1000)}" }
  tasks:
    - { name: copy, copy: { src: big.bin, dest: /srv/full/copied }, ignore_errors: true }
    - { name: template, template: { src: big.hbs, dest: /srv/full/templated }, vars: { filler: "{{ filler }}" }, ignore_errors: true }
    - { name: lineinfile, lineinfile: { path: /srv/full/big-lines, line: appended }, ignore_errors: true }
`,
  });
  t.teardown(ws.cleanup);
  // The template's content: 2 MB, built from a variable so the playbook stays small.
  const run = await runJson(ws.dir, ['site.yaml', '-i', lab.inventory, '-e', `filler=${'y'.repeat(2_000_000)}`]);
  const results = Object.fromEntries(hostResults(run.events).map((e) => [e.task, e]));
  for (const task of ['copy', 'template', 'lineinfile']) {
    t.is(results[task]?.status, 'failed', `${task} fails: ${JSON.stringify(results[task])}`);
    t.regex(String(results[task]?.msg), /No space left on device|bytes arrived/, task);
  }
  for (const file of ['copied', 'templated']) {
    const now = await lab.exec(1, 'cat', `/srv/full/${file}`);
    t.true(now === OLD, `${file} is not the old file: ${now.length} bytes there now`);
  }
  t.is((await lab.exec(1, 'sh', '-c', 'wc -c < /srv/full/big-lines; grep -c appended /srv/full/big-lines || true')).trim(), '600000\n0');
  t.is(await leftovers('/srv/full'), '0', 'no temporary file is left');
});

test.serial('a copy interrupted by Ctrl-C mid-transfer leaves the old file whole', async (t) => {
  await lab.exec(1, 'sh', '-c', `printf '${OLD}' > /srv/slow/target`);
  const ws = await workspace({
    'big.bin': randomBytes(3_500_000).toString('base64'),
    'site.yaml': '- hosts: h1\n  tasks:\n    - copy: { src: big.bin, dest: /srv/slow/target }\n',
  });
  t.teardown(ws.cleanup);
  // 8 Mbit/s towards the host: the 4.7 MB of base64 on the wire take about 5 s.
  const link = `kv-${lab.name}-1`;
  const shaped = await runCaptured('tc', ['qdisc', 'add', 'dev', link, 'root', 'tbf', 'rate', '8mbit', 'burst', '32kbit', 'latency', '400ms']);
  t.is(shaped.code, 0, shaped.stderr);
  t.teardown(() => runCaptured('tc', ['qdisc', 'del', 'dev', link, 'root']).then(() => undefined));
  const child = spawn('node', [BIN, 'site.yaml', '-i', lab.inventory], { cwd: ws.dir, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  t.true(await waitFor(() => output.includes('TASK [copy]'), 20_000), `the copy began: ${output}`);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  child.kill('SIGINT');
  const code = await new Promise((resolve) => child.on('close', resolve));
  t.is(code, 99, output);
  // The shell on the host may still be reading what arrived: give it time to act on it, if it would.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const now = await lab.exec(1, 'cat', '/srv/slow/target');
  t.true(now === OLD, `the old file was replaced: ${now.length} bytes there now`);
  t.is(await leftovers('/srv/slow'), '0');
});
