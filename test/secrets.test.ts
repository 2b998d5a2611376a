import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { runCaptured } from './support/proc.js';
import { runCli, workspace } from './support/workspace.js';

// Secrets reach the run without touching a command line: not in ps, not in npm's debug log, not
// in output even at -vvv; and a secret given with -e is warned about, naming the safe ways.
const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'dist', 'cli.js');
const TOKEN = 'Tok3n-from-the-environment-4f9a';
const PASSWORD = 'Passw0rd-typed-at-the-prompt-77c1';
/** The other tests put theirs on command lines on purpose, while the first test reads every process's. */
const ON_COMMAND_LINE = 'Tok3n-given-with-e-9b2d';
const INVENTORY = 'all:\n  hosts:\n    m1: { ansible_connection: local }\n';
const SITE = `- hosts: all
  gather_facts: false
  tasks:
    - copy: { content: "token={{ k3s_token }} password={{ grafana_admin_password }}\\n", dest: "{{ out }}/conf", mode: "0600" }
    - command: sleep 1.5
    - debug: { var: k3s_token }
    - debug: { msg: "the password is {{ grafana_admin_password }}" }
`;

/** This environment without npm's own settings (a test run by npm inherits them): npm then reads only its files. */
const withoutNpmSettings = (extra: NodeJS.ProcessEnv) => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name))),
  ...extra,
});

/** Every command line on this machine, as ps shows them. */
const commandLines = async () => (await runCaptured('ps', ['-eo', 'args', '--no-headers'])).stdout;

test('a secret from the environment and one typed at --ask-var are used, and seen in no process list or output', async (t) => {
  const ws = await workspace({ 'inventory.yaml': INVENTORY, 'site.yaml': SITE });
  t.teardown(ws.cleanup);
  const child = spawn('node', [BIN, 'site.yaml', '-vvv', '-e', `out=${ws.dir}`, '--ask-var', 'grafana_admin_password'], {
    cwd: ws.dir,
    env: { ...process.env, CI: 'true', RUN_PLAYBOOK_VAR_k3s_token: TOKEN },
  });
  child.stdin.end(`${PASSWORD}\n`);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  let running = true;
  void exited.then(() => (running = false));
  let looks = 0;
  while (running) {
    const seen = await commandLines();
    t.false(seen.includes(TOKEN) || seen.includes(PASSWORD), 'no command line holds a secret');
    looks += 1;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.is(await exited, 0, output);
  t.true(looks >= 5, `ps was read during the run (${looks} times)`);
  t.is(await readFile(join(ws.dir, 'conf'), 'utf8'), `token=${TOKEN} password=${PASSWORD}\n`, 'both secrets reached the task');
  t.false(output.includes(TOKEN), output);
  t.false(output.includes(PASSWORD), output);
  t.regex(output, /\*{8}/, 'the debug tasks printed the mask');
});

test('a secret given with -e works but is warned about, with the safe ways to give it', async (t) => {
  const ws = await workspace({ 'inventory.yaml': INVENTORY, 'site.yaml': '- hosts: all\n  gather_facts: false\n  tasks: []\n' });
  t.teardown(ws.cleanup);
  const run = await runCli(ws.dir, ['site.yaml', '-e', `k3s_token=${ON_COMMAND_LINE}`, '-e', '{"db": {"password": "x-long-password"}, "replicas": 3}']);
  t.is(run.code, 0, run.err);
  t.regex(
    run.err,
    /\[WARNING\]: -e puts 'k3s_token' on the command line, where ps, shell history and npm's debug log can read it\. Give it as RUN_PLAYBOOK_VAR_k3s_token in the environment, in a private file \(-e @secrets\.yaml, chmod 600\), or type it at --ask-var k3s_token\./,
  );
  t.regex(run.err, /-e puts 'db' on the command line/);
  t.notRegex(run.err, /'replicas'/);
  t.false(run.err.includes(ON_COMMAND_LINE));
  const quiet = await runCli(ws.dir, ['site.yaml', '-e', 'replicas=3'], { RUN_PLAYBOOK_VAR_k3s_token: ON_COMMAND_LINE });
  t.is(quiet.err, '', 'the environment and ordinary -e values bring no warning');
});

test('a RUN_PLAYBOOK_VAR_ that names no variable is a bad option', async (t) => {
  const ws = await workspace({ 'inventory.yaml': INVENTORY, 'site.yaml': '- hosts: all\n  gather_facts: false\n  tasks: []\n' });
  t.teardown(ws.cleanup);
  const run = await runCli(ws.dir, ['site.yaml', '--syntax-check'], { 'RUN_PLAYBOOK_VAR_k3s-token': ON_COMMAND_LINE });
  t.is(run.code, 5);
  t.regex(run.err, /the environment variable RUN_PLAYBOOK_VAR_k3s-token does not name a variable/);
  const ask = await runCli(ws.dir, ['site.yaml', '--ask-var', 'a b']);
  t.is(ask.code, 5);
  t.regex(ask.err, /--ask-var a b: not a variable name/);
});

// npm exec writes a debug log for any command it runs. \`npx run-playbook\` itself is not used here:
// with an empty npm cache it would install the project again, and so rebuild dist/ under the other tests.
test('npx in the project writes no npm debug log, and leaves the logs already there', async (t) => {
  const cache = await mkdtemp(join(tmpdir(), 'npm-cache-'));
  t.teardown(() => rm(cache, { recursive: true, force: true }));
  const logs = join(cache, '_logs');
  await mkdir(logs);
  const older = join(logs, '2026-01-01T00_00_00_000Z-debug-0.log');
  await writeFile(older, 'a log of another project\n');
  const run = await runCaptured('npx', ['--offline', '--', 'node', BIN, 'site.yaml', '--syntax-check', '-e', `k3s_token=${ON_COMMAND_LINE}`], {
    cwd: ROOT,
    env: withoutNpmSettings({ npm_config_cache: cache, CI: 'true' }),
  });
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, /RUN_PLAYBOOK_VAR_k3s_token/, 'the warning is given');
  t.deepEqual(await readdir(logs), ['2026-01-01T00_00_00_000Z-debug-0.log'], 'no new log; the old one kept');
  t.is(await readFile(older, 'utf8'), 'a log of another project\n');
  // Outside the project (no .npmrc), the same cache gets a log with the command line: the check can fail.
  const outside = await runCaptured('npx', ['--offline', '--', 'node', '-e', `'${ON_COMMAND_LINE}'`], {
    cwd: cache,
    env: withoutNpmSettings({ npm_config_cache: cache }),
  });
  t.is(outside.code, 0, outside.stderr);
  const written = (await readdir(logs)).filter((name) => name !== '2026-01-01T00_00_00_000Z-debug-0.log');
  t.is(written.length, 1);
  t.true((await readFile(join(logs, written[0]), 'utf8')).includes(ON_COMMAND_LINE));
});
