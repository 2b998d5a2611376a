import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { runCaptured } from './support/proc.js';
import { runInTerminal } from './support/terminal.js';
import { localInventory, workspace } from './support/workspace.js';

const BIN = join(import.meta.dirname, '..', 'dist', 'cli.js');
const SITE = join(import.meta.dirname, 'fixtures', 'local-site');

const playbook = (outDir: string, ...args: string[]) =>
  runCaptured('node', [BIN, 'site.yaml', '-e', `out_dir=${outDir}`, ...args], { cwd: SITE, env: { ...process.env, CI: 'true' } });

const recap = (stdout: string) =>
  Object.fromEntries(
    [...stdout.matchAll(/^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)/gm)].map(
      (m) => [m[1], { ok: +m[2], changed: +m[3], unreachable: +m[4], failed: +m[5], skipped: +m[6], rescued: +m[7], ignored: +m[8] }],
    ),
  );

test('the CLI runs roles, handlers, loops, registers and conditions, then converges to changed=0', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'k3s-playbook-e2e-'));
  t.teardown(() => rm(out, { recursive: true, force: true }));

  const first = await playbook(out);
  t.is(first.code, 0, first.stdout + first.stderr);
  t.deepEqual(recap(first.stdout), {
    m1: { ok: 10, changed: 6, unreachable: 0, failed: 0, skipped: 1, rescued: 0, ignored: 0 },
    w1: { ok: 11, changed: 7, unreachable: 0, failed: 0, skipped: 0, rescued: 1, ignored: 0 },
    w2: { ok: 9, changed: 5, unreachable: 0, failed: 0, skipped: 2, rescued: 0, ignored: 0 },
  });
  t.is(await readFile(join(out, 'm1', 'conf'), 'utf8'), 'greeting=hello host=m1 color=red\nmaster=m1\n');
  t.is(await readFile(join(out, 'w2', 'lines'), 'utf8'), 'extra=a\nextra=b\n');
  t.is(await readFile(join(out, 'm1', 'has-master'), 'utf8'), '2\n');
  t.is(await stat(join(out, 'w2', 'has-master')).catch(() => undefined), undefined, 'the when excluded the green host');
  t.is(await readFile(join(out, 'w1', 'rescued'), 'utf8'), 'yes\n');
  t.is(await stat(join(out, 'm1', 'rescued')).catch(() => undefined), undefined);
  t.is(((await stat(join(out, 'm1', 'conf'))).mode & 0o777).toString(8), '640');
  t.is(((await stat(join(out, 'm1'))).mode & 0o777).toString(8), '750');
  t.is(await readFile(join(out, 'w2', 'handler.log'), 'utf8'), 'restarted\n', 'the handler ran once');

  const second = await playbook(out);
  t.is(second.code, 0);
  for (const [host, stats] of Object.entries(recap(second.stdout))) t.is(stats.changed, 0, `${host} changed nothing on the second run`);
  t.is(await readFile(join(out, 'w2', 'handler.log'), 'utf8'), 'restarted\n', 'no change, so the handler did not run again');
});

test('--syntax-check, --list-hosts and --help exit 0 without touching anything', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'k3s-playbook-e2e-'));
  t.teardown(() => rm(out, { recursive: true, force: true }));
  const syntax = await playbook(out, '--syntax-check');
  t.is(syntax.code, 0);
  t.regex(syntax.stdout, /No issues encountered/);
  const hosts = await playbook(out, '--list-hosts', '--limit', 'worker');
  t.regex(hosts.stdout, /hosts \(2\):\n\s+w1\n\s+w2/);
  const help = await playbook(out, '--help');
  t.regex(help.stdout, /--extra-vars/);
  const version = await runCaptured('node', [BIN, '--version']);
  t.is(version.code, 0);
  t.is(version.stdout, `${JSON.parse(await readFile(join(import.meta.dirname, '..', 'package.json'), 'utf8')).version}\n`);
  t.is(await stat(join(out, 'm1')).catch(() => undefined), undefined);
});

test('a bad option exits 5 and a broken playbook 3, with no stack trace', async (t) => {
  const bad = await playbook('/tmp', '--no-such-option');
  t.is(bad.code, 5);
  t.regex(bad.stderr, /unknown option '--no-such-option'/);
  const broken = await runCaptured('node', [BIN, 'missing.yaml'], { cwd: SITE });
  t.is(broken.code, 5);
  t.notRegex(broken.stderr, /\n\s+at /);
});

test('in a terminal (listr2) a run with run_once and a delegated task finishes and shows the recap', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1', 'w1', 'w2']),
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - command: echo shared
      register: shared
      run_once: true
      delegate_to: m1
      changed_when: false
    - debug: { msg: "{{ shared.stdout }}" }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runInTerminal(`timeout 60 node ${BIN} site.yaml`, { cwd: ws.dir, env: process.env, cols: 120, rows: 30 });
  t.is(run.exitCode, 0, run.output);
  for (const host of ['m1', 'w1', 'w2']) t.regex(run.output, new RegExp(`^${host}\\s+: ok=\\d+\\s+changed=0\\s+unreachable=0\\s+failed=0`, 'm'));
});

test('in a terminal a skipped host is marked with a neutral sign, not a warning', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1', 'w1']),
    'site.yaml': "- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: { msg: only here }\n      when: inventory_hostname == 'm1'\n",
  });
  t.teardown(ws.cleanup);
  // As a person's terminal: no CI variable (with it, the output is plain lines).
  const { CI: _ci, ...env } = process.env;
  const run = await runInTerminal(`timeout 60 node ${BIN} site.yaml`, { cwd: ws.dir, env, cols: 120, rows: 30 });
  t.is(run.exitCode, 0, run.output);
  t.regex(run.output, /↓.*w1: skipping/);
  t.false(run.output.includes('⚠'), run.output);
});

test('--shard: four processes cover the fleet once, and recap merges their --json into the PLAY RECAP and exit code of a single run', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k3s-playbook-shard-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const hosts = Array.from({ length: 40 }, (_, i) => `h${String(i).padStart(2, '0')}`);
  await writeFile(join(dir, 'inventory.yaml'), `all:\n  vars: { ansible_connection: local }\n  hosts:\n${hosts.map((h) => `    ${h}: {}`).join('\n')}\n`);
  await writeFile(
    join(dir, 'fleet.yaml'),
    `- hosts: all
  gather_facts: false
  tasks:
    - name: a file per host
      copy: { content: "{{ inventory_hostname }}\\n", dest: "{{ out }}/{{ inventory_hostname }}" }
    - name: two sites are broken
      fail: { msg: broken }
      when: inventory_hostname in ['h07', 'h21']
    - name: only the even ones say so
      debug: { msg: even }
      when: (inventory_hostname[-1] | int) is even
`,
  );
  const run = (...args: string[]) => runCaptured('node', [BIN, ...args], { cwd: dir, env: { ...process.env, CI: 'true' } });
  const recapOf = (stdout: string) => stdout.slice(stdout.indexOf('PLAY RECAP')).split('\n\n')[0].trim();
  await Promise.all(['single', 'sharded'].map((name) => mkdir(join(dir, name))));
  const single = await run('fleet.yaml', '-e', `out=${join(dir, 'single')}`);
  t.is(single.code, 2, single.stderr);
  const shards = await Promise.all([0, 1, 2, 3].map((index) => run('fleet.yaml', '--shard', `${index}/4`, '-e', `out=${join(dir, 'sharded')}`, '--json')));
  const files = await Promise.all(
    shards.map(async (shard, index) => {
      const file = join(dir, `shard-${index}.json`);
      await writeFile(file, shard.stdout);
      return file;
    }),
  );
  const slices = shards.map((shard) => [...shard.stdout.matchAll(/"type":"host.result"[^\n]*"host":"(h\d\d)"/g)].map((m) => m[1]));
  t.deepEqual([...new Set(slices.flat())].sort(), hosts, 'every host ran, in one shard only');
  t.true(
    slices.every((slice) => slice.length > 0),
    'each shard had hosts',
  );
  const merged = await run('recap', ...files);
  t.is(merged.code, single.code);
  t.is(recapOf(merged.stdout), recapOf(single.stdout));
  t.regex(recapOf(merged.stdout), /^h07 +: ok=1 +changed=1 +unreachable=0 +failed=1 /m, 'the broken site failed after its file');
  t.regex(recapOf(merged.stdout), /^h08 +: ok=2 +changed=1 +unreachable=0 +failed=0 +skipped=1 /m);
  t.regex(recapOf(merged.stdout), /^h09 +: ok=1 +changed=1 +unreachable=0 +failed=0 +skipped=2 /m);
  t.is((await readdir(join(dir, 'sharded'))).length, 40);
  // A play that needs every host at once is refused before anything runs; --list-hosts shows a slice.
  await writeFile(join(dir, 'once.yaml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - { name: once, debug: { msg: hi }, run_once: true }\n');
  const once = await run('once.yaml', '--shard', '0/4');
  t.is(once.code, 5);
  t.regex(
    once.stderr,
    /--shard runs each slice of the hosts on its own, but play '.*' needs all of its hosts at once: run_once at \S*once\.yaml:4 would run once in every shard/,
  );
  const listed = await run('fleet.yaml', '--list-hosts', '--shard', '2/4');
  t.deepEqual(
    listed.stdout.match(/^ {6}h\d\d$/gm)?.map((line) => line.trim()),
    [...new Set(slices[2])].sort(),
  );
  t.regex((await run('fleet.yaml', '--shard', '4/4')).stderr, /counted from 0, so it must be below 4/);
});
