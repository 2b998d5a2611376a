import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test, { type ExecutionContext } from 'ava';
import { quote } from 'shlex';
import { parse } from 'yaml';
import { createService } from '../../service/app.js';
import { launchChromium } from '../support/browser.js';
import { processExists, runCaptured, type Captured } from '../support/proc.js';
import { DOCUMENTS, documentedCommands } from '../support/readme.js';
import { doubleOfVersion } from '../support/site-fixture.js';
import { pictureOfTerminal } from '../support/terminal.js';

// README, followed word by word on a fresh copy of the project, as a newcomer would: every command
// README gives is run here (or by .ci/run, which the last test checks), with a throwaway HOME.
// The copy's lab is the rehearsal lab (three hosts with the K3s and Helm test doubles).
const ROOT = join(import.meta.dirname, '..', '..');
// README and the pages of docs/ it leads to: every command they give is run.
const COMMANDS = documentedCommands();

const work = mkdtempSync(join(tmpdir(), 'k3s-playbook-readme-'));
const copy = join(work, 'k3s-playbook');
const home = join(work, 'home');
const env: NodeJS.ProcessEnv = {
  ...process.env,
  HOME: home,
  // npm's download cache stays the machine's: a fresh clone on this machine would use it too.
  npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm'),
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
};
delete env.UPDATE_SCREENSHOTS;
const ran = new Set<string>();
const SECRETS_FILE = `(umask 077; printf 'grafana_admin_password: "%s"\\n' "$(head -c 18 /dev/urandom | base64)" > secrets.yaml)`;

/**
 * The command as README writes it, run with sh in the copy (or on the rehearsal's master, h1), with
 * placeholders like <worker> filled in.
 */
async function readme(command: string, options: { fill?: Record<string, string>; env?: NodeJS.ProcessEnv; onMaster?: boolean } = {}): Promise<Captured> {
  if (!COMMANDS.some((c) => c.command === command)) throw new Error(`README and docs/ no longer say \`${command}\`: update this test`);
  ran.add(command);
  const filled = Object.entries(options.fill ?? {}).reduce((text, [from, to]) => text.replaceAll(from, to), command);
  return sh(options.onMaster ? `LAB=rehearse bash test/lab/lab.sh exec 1 sh -c ${quote(filled)}` : filled, options.env);
}

function sh(command: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Captured> {
  return runCaptured('sh', ['-c', command], { cwd: copy, env: { ...env, CI: 'true', ...extraEnv } });
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
const recap = (host: string, counts: string) => new RegExp(`^${host}\\s+: ok=\\d+\\s+${counts}`, 'm');
const labIps = () => [...readFileSync(join(copy, 'lab', 'inventory.yaml'), 'utf8').matchAll(/ansible_host: ([\d.]+)/g)].map((m) => m[1]);

test.before(() => {
  // A fresh clone: the project's files (tracked, or new and not ignored), none of its build output.
  mkdirSync(home, { recursive: true });
  mkdirSync(copy);
  const files = promisify(execFile)('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, maxBuffer: 16 << 20 });
  return files.then(({ stdout }) => {
    for (const file of stdout.split('\0').filter(Boolean)) cpSync(join(ROOT, file), join(copy, file), { recursive: true });
  });
});

test.after.always(async () => {
  await sh('npm run lab -- down >/dev/null 2>&1; sudo test/lab/lab.sh down >/dev/null 2>&1');
  rmSync(work, { recursive: true, force: true });
});

test.serial('set-up command 1, typed into a terminal: install, rehearsal lab, the whole playbook', async (t) => {
  const command = 'npm ci && npm run lab -- up 3 && npx run-playbook site.yaml -i lab';
  // A person's terminal: no CI variable (with it, the output is plain lines, not listr2's view).
  const run = await inTerminal(t, command, 'run-recap.png');
  t.is(run.exitCode, 0, run.text);
  // What the person sees at the end: the recap, every host ok, nothing failed or unreachable.
  for (const host of ['h1', 'h2', 'h3']) t.regex(run.text, recap(host, 'changed=\\d+\\s+unreachable=0\\s+failed=0'));
  t.regex(run.text, /verify : /);
});

/**
 * A command README gives, run in a person's terminal: README shows the end of what it prints as a
 * picture, which must show what this run shows (its text, timings and sizes aside).
 */
async function inTerminal(t: ExecutionContext, command: string, picture: string, rows = 40): Promise<{ exitCode: number; text: string }> {
  t.true(COMMANDS.some((c) => c.command === command));
  ran.add(command);
  const { CI: _ci, ...terminalEnv } = env;
  const { mismatch, ...run } = await pictureOfTerminal(command, picture, { cwd: copy, env: terminalEnv, rows });
  t.is(mismatch, undefined, `README's picture ${picture} shows what this run shows`);
  return run;
}

test.serial('the rehearsal again: changed=0 everywhere', async (t) => {
  const again = await sh('npx run-playbook site.yaml -i lab');
  t.is(again.code, 0, again.stdout);
  for (const host of ['h1', 'h2', 'h3']) t.regex(again.stdout, recap(host, 'changed=0\\s+unreachable=0\\s+failed=0'));
});

test.serial("your own kubectl reads the rehearsal through lab/kubeconfig (TLS with the double's CA and client certificate)", async (t) => {
  const nodes = await readme('KUBECONFIG=lab/kubeconfig kubectl get nodes');
  t.is(nodes.code, 0, nodes.stderr);
  for (const host of ['h1', 'h2', 'h3']) t.regex(nodes.stdout, new RegExp(`^${host}\\s+Ready`, 'm'));
  const password = await readme("KUBECONFIG=lab/kubeconfig kubectl -n monitoring get secret grafana-admin -o jsonpath='{.data.admin-password}' | base64 -d");
  t.is(password.code, 0, password.stderr);
  t.regex(password.stdout, /^\S{16,}$/);
  const onMaster = await sh(
    'LAB=rehearse bash test/lab/lab.sh exec 1 sh -c "k3s kubectl -n monitoring get secret grafana-admin -o jsonpath=\'{.data.admin-password}\' | base64 -d"',
  );
  t.is(password.stdout, onMaster.stdout, 'the same Secret as the master reads');
  // Without the client certificate the API refuses, as K3s does.
  const config = parse(readFileSync(join(copy, 'lab', 'kubeconfig'), 'utf8'));
  const cluster = config.clusters.find((c: { name: string }) => c.name === 'k3s-playbook').cluster;
  const ca = Buffer.from(cluster['certificate-authority-data'], 'base64');
  const anonymous = await new Promise<number>((resolve, reject) =>
    httpsGet(`${cluster.server}/api/v1/nodes`, { ca }, (res) => resolve(res.resume().statusCode!)).on('error', reject),
  );
  t.is(anonymous, 401, 'the server is verified with the CA; without the client certificate the API refuses');
});

test.serial("the stress page, run here as the rehearsal's pod would run, reads the autoscaler and pods with the app's ServiceAccount", async (t) => {
  // What Kubernetes mounts into the pod: a token of the app's ServiceAccount (made by the TokenRequest
  // API, as kubelet asks for it) and the cluster CA. The page then reads the double's API as a pod would.
  const token = await sh('LAB=rehearse bash test/lab/lab.sh exec 1 k3s kubectl -n default create token stress');
  t.is(token.code, 0, token.stderr);
  const config = parse(readFileSync(join(copy, 'lab', 'kubeconfig'), 'utf8'));
  const cluster = config.clusters.find((c: { name: string }) => c.name === 'k3s-playbook').cluster;
  const account = join(work, 'serviceaccount');
  mkdirSync(account);
  writeFileSync(join(account, 'token'), token.stdout.trim());
  writeFileSync(join(account, 'ca.crt'), Buffer.from(cluster['certificate-authority-data'], 'base64'));
  const pod = (app: string) =>
    createService(
      {
        port: 0,
        nodeName: 'h2',
        podName: 'stress-on-the-controller',
        maxLoadSeconds: 300,
        cgroupRoot: '/sys/fs/cgroup',
        logRequests: false,
        shutdownGraceMs: 1000,
        kubeApi: { url: cluster.server, serviceAccountDir: account },
        app: { namespace: 'default', name: app },
      },
      () => undefined,
    );
  const service = pod('stress');
  await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
  const browser = await launchChromium();
  t.teardown(async () => {
    await browser.close();
    await service.close();
  });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(service.server.address() as AddressInfo).port}/`);
  await page.waitForSelector('#hpa[data-state=available]');
  // The rehearsal's HPA (the app role's defaults: 2 to 4 pods, 80 % CPU), at its minimum: the double runs no load.
  t.is(await page.textContent('#hpa'), '2 replicas now, 2 wanted (from 2 to 4); CPU unknown (no metrics yet) of its 80% target.');
  const rows = await page.$$eval('#pod-rows tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  t.is(rows.length, 2);
  for (const [name, node, phase, ready] of rows) {
    t.regex(name!, /^stress-[0-9a-f]{10}-[0-9a-f]{5}$/);
    t.true(['h1', 'h2', 'h3'].includes(node!), node!);
    t.deepEqual([phase, ready], ['Running', 'ready']);
  }
  // The Role allows the app's own objects only: another name is refused by RBAC, and the page says so.
  const other = pod('grafana');
  t.teardown(() => other.close());
  await new Promise<void>((resolve) => other.server.listen(0, '127.0.0.1', resolve));
  const refused = (await (await fetch(`http://127.0.0.1:${(other.server.address() as AddressInfo).port}/api/cluster`)).json()) as { reason: string };
  t.regex(refused.reason, /: 403 .*User "system:serviceaccount:default:stress" cannot get resource "(?:horizontalpodautoscalers|deployments)"/);
});

test.serial('the shipped inventory.yaml, edited as README says, then every "Running and re-running" command and the troubleshooting ones', async (t) => {
  const [master, worker, worker2] = labIps();
  // The user's edit: addresses, SSH user and key; a third host added like the second.
  const shipped = readFileSync(join(copy, 'inventory.yaml'), 'utf8');
  writeFileSync(
    join(copy, 'inventory.yaml'),
    shipped
      .replace('ansible_user: ubuntu', 'ansible_user: root')
      .replace('# ansible_ssh_private_key_file: ~/.ssh/id_ed25519', `ansible_ssh_private_key_file: /run/k3s-playbook-lab/rehearse/id_ed25519`)
      .replace('192.168.0.10', master)
      .replace('192.168.0.11', `${worker}\n        worker2:\n          ansible_host: ${worker2}`),
  );
  cpSync(join(copy, 'lab', 'group_vars'), join(copy, 'group_vars'), { recursive: true });
  // ~/.ssh/known_hosts as after "connect once with ssh", except that the master was "reinstalled".
  const known = readFileSync('/run/k3s-playbook-lab/rehearse/known_hosts', 'utf8');
  const keyOf = (ip: string) =>
    known
      .split('\n')
      .find((line) => line.startsWith(`${ip} `))!
      .slice(ip.length + 1);
  const stale = known.replace(`${master} ${keyOf(master)}`, `${master} ${keyOf(worker)}`);
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  writeFileSync(join(home, '.ssh', 'known_hosts'), stale);

  const changedKey = await readme('npx run-playbook site.yaml');
  t.is(changedKey.code, 4, changedKey.stdout);
  t.true(`${changedKey.stdout}${changedKey.stderr}`.includes(`HOST KEY CHANGED for ${master}`));
  const forget = await readme("ssh-keygen -f ~/.ssh/known_hosts -R '<ip>'", { fill: { '<ip>': master } });
  t.is(forget.code, 0, forget.stderr);
  const unknown = await readme('npx run-playbook site.yaml');
  t.is(unknown.code, 4);
  t.regex(`${unknown.stdout}${unknown.stderr}`, new RegExp(`unknown host key for ${master.replaceAll('.', '\\.')}: ssh-ed25519 SHA256:`));
  const accepted = await sh('npx run-playbook site.yaml --accept-new-host-keys');
  t.is(accepted.code, 0, accepted.stdout);
  for (const host of ['master1', 'worker1', 'worker2']) t.regex(accepted.stdout, recap(host, 'changed=0\\s+unreachable=0\\s+failed=0'));

  const check = await readme('npx run-playbook site.yaml --check --diff');
  t.is(check.code, 0, check.stdout);
  t.regex(check.stdout, recap('master1', 'changed=0'));
  const app = await readme('npx run-playbook site.yaml --role app');
  t.is(app.code, 0, app.stdout);
  t.regex(app.stdout, /TASK \[app : /);
  t.notRegex(app.stdout, /TASK \[(?:os-prep|k3s-server|monitoring) : /);

  // A secret as README says to pass one: in a file only its owner can read, never on the command line.
  const made = await readme(SECRETS_FILE);
  t.is(made.code, 0, made.stderr);
  t.is(statSync(join(copy, 'secrets.yaml')).mode & 0o777, 0o600);
  const chosen = /"(.+)"/.exec(readFileSync(join(copy, 'secrets.yaml'), 'utf8'))![1];
  const withSecrets = await readme('npx run-playbook site.yaml -e @secrets.yaml');
  t.is(withSecrets.code, 0, withSecrets.stdout);

  // On the master, as README says: the Grafana password (which no run has printed) and metrics-server.
  const password = await readme("sudo k3s kubectl -n monitoring get secret grafana-admin -o jsonpath='{.data.admin-password}' | base64 -d", { onMaster: true });
  t.is(password.code, 0, password.stderr);
  t.is(password.stdout, chosen, 'the password from secrets.yaml');
  for (const output of [changedKey, unknown, accepted, check, app, withSecrets]) t.false(`${output.stdout}${output.stderr}`.includes(password.stdout));
  const metrics = await readme('sudo k3s kubectl -n kube-system get deployment metrics-server', { onMaster: true });
  t.is(metrics.code, 0, metrics.stderr);

  // Day two, as README says: the doctor, drift, a backup and its restore, an upgrade.
  const doctor = await inTerminal(t, 'npx run-playbook doctor.yaml', 'doctor.png', 48);
  t.is(doctor.exitCode, 0, doctor.text);
  t.regex(doctor.text, /^0 failed, \d+ warning\(s\), 39 ok$/m);
  const drift = await inTerminal(t, 'npx run-playbook site.yaml --check --diff --detailed-exitcodes', 'day-two-drift.png', 12);
  t.is(drift.exitCode, 0, drift.text);
  t.regex(drift.text, /^worker2: in sync$/m);
  const backup = await inTerminal(t, 'npx run-playbook backup.yaml', 'day-two-backup.png', 16);
  t.is(backup.exitCode, 0, backup.text);
  const backups = join(home, '.local', 'share', 'k3s-playbook', 'backups', 'k3s-playbook');
  t.is(readdirSync(backups).length, 1, 'in backup_dir, under your home');
  const restore = await inTerminal(t, 'npx run-playbook restore.yaml', 'day-two-restore.png', 16);
  t.is(restore.exitCode, 0, restore.text);
  // The new version, as README says: k3s_version in inventory.yaml (and, on the rehearsal, its
  // offline K3s double of that version in place of the one lab/group_vars names).
  const newer = await doubleOfVersion(work, 'v1.31.5+k3s1');
  writeFileSync(
    join(copy, 'inventory.yaml'),
    readFileSync(join(copy, 'inventory.yaml'), 'utf8').replace('  vars:\n', '  vars:\n    k3s_version: v1.31.5+k3s1\n'),
  );
  const groupVars = join(copy, 'group_vars', 'all.yaml');
  writeFileSync(groupVars, readFileSync(groupVars, 'utf8').replace(/^k3s_offline_binary: .*$/m, `k3s_offline_binary: ${newer}`));
  const upgrade = await inTerminal(t, 'npx run-playbook upgrade.yaml', 'day-two-upgrade.png', 24);
  t.is(upgrade.exitCode, 0, upgrade.text);
  for (const host of ['master1', 'worker1', 'worker2']) t.regex(upgrade.text, recap(host, 'changed=[1-9]'));
  const versions = await sh('LAB=rehearse bash test/lab/lab.sh exec 1 k3s kubectl get nodes');
  t.is(versions.stdout.match(/ v1\.31\.5\+k3s1$/gm)?.length, 3, versions.stdout);

  const resetWorker = await readme('npx run-playbook reset.yaml --limit <worker>', { fill: { '<worker>': 'worker2' } });
  t.is(resetWorker.code, 0, resetWorker.stdout);
  t.regex(resetWorker.stdout, recap('worker2', 'changed=[1-9]'));
  t.notRegex(resetWorker.stdout, /^master1 /m);
  // Adding a node, as README says: the host is in inventory.yaml again; only it changes.
  const rejoin = await inTerminal(t, 'npx run-playbook site.yaml', 'day-two-add-node.png', 12);
  t.is(rejoin.exitCode, 0, rejoin.text);
  t.regex(rejoin.text, recap('worker2', 'changed=[1-9]\\d*\\s+unreachable=0\\s+failed=0'));
  for (const host of ['master1', 'worker1']) t.regex(rejoin.text, recap(host, 'changed=0\\s+unreachable=0\\s+failed=0'));
  const reset = await readme('npx run-playbook reset.yaml');
  t.is(reset.code, 0, reset.stdout);
  for (const host of ['master1', 'worker1', 'worker2']) t.regex(reset.stdout, recap(host, 'changed=[1-9]'));
});

test.serial('npm run lab -- ssh opens a shell on a rehearsal host, or runs one command there', async (t) => {
  const shell = await readme('npm run lab -- ssh h1', { fill: { 'npm run lab -- ssh h1': 'echo "hostname; exit 7" | npm run lab -- ssh h1' } });
  t.is(shell.code, 7, shell.stderr);
  t.regex(shell.stdout, /^h1$/m);
  const one = await readme('npm run lab -- ssh h2 hostname');
  t.is(one.code, 0, one.stderr);
  t.regex(one.stdout, /^h2$/m);
});

test.serial('npm run lab -- down removes the rehearsal', async (t) => {
  const down = await readme('npm run lab -- down');
  t.is(down.code, 0, down.stderr);
  t.regex(down.stdout, /removed lab 'rehearse': 3 host\(s\) with their processes, filesystems and network namespaces, the bridge kpl-rehearse/);
  t.regex(down.stdout, /removed .*\/lab \(the rehearsal's inventory, variables and kubeconfig\)/);
  const status = await sh('bash test/lab/lab.sh status rehearse');
  t.regex(status.stdout, /not running/);
});

test.serial('the test hosts section: a bare lab, site.yaml in check mode, down', async (t) => {
  const up = await readme('sudo test/lab/lab.sh up 3');
  t.is(up.code, 0, up.stderr);
  t.regex(up.stdout, /\/run\/k3s-playbook-lab\/lab\/inventory\.yaml$/m);
  const check = await readme('npx run-playbook site.yaml -i /run/k3s-playbook-lab/lab/inventory.yaml --check');
  t.is(check.code, 0, check.stdout);
  for (const host of ['h1', 'h2', 'h3']) t.regex(check.stdout, recap(host, 'changed=\\d+\\s+unreachable=0\\s+failed=0'));
  const down = await readme('sudo test/lab/lab.sh down');
  t.is(down.code, 0, down.stderr);
});

test.serial('npx run-playbook --help lists the options and exit codes', async (t) => {
  const help = await readme('npx run-playbook --help');
  t.is(help.code, 0);
  t.regex(help.stdout, /--accept-new-host-keys/);
  t.regex(help.stdout, /Exit codes:\n\s+0\s+every host ok/);
});

test.serial('fleet/shards.sh runs a playbook in shards side by side and prints the PLAY RECAP one run would', async (t) => {
  // A fleet of 12 sites, here all this machine (local connection); one of them broken.
  const fleet = join(work, 'fleet');
  mkdirSync(fleet, { recursive: true });
  const sites = Array.from({ length: 12 }, (_, i) => `site${i}`);
  writeFileSync(join(fleet, 'inventory.yaml'), `all:\n  vars: { ansible_connection: local }\n  hosts:\n${sites.map((s) => `    ${s}: {}`).join('\n')}\n`);
  writeFileSync(
    join(fleet, 'fleet.yaml'),
    `- hosts: all\n  gather_facts: false\n  tasks:\n    - { name: checked, assert: { that: "inventory_hostname != 'site5'" } }\n    - { name: done, debug: { msg: ok } }\n`,
  );
  const fill = { '<playbook>': join(fleet, 'fleet.yaml'), '<inventory>': join(fleet, 'inventory.yaml') };
  const sharded = await readme('bash fleet/shards.sh 4 <playbook> -i <inventory>', { fill, env: { SHARD_LOGS: join(fleet, 'logs') } });
  const single = await sh(`./dist/cli.js ${fill['<playbook>']} -i ${fill['<inventory>']}`);
  t.is(sharded.code, 2, sharded.stderr);
  t.is(single.code, 2);
  const recapOf = (stdout: string) => stdout.slice(stdout.indexOf('PLAY RECAP')).split('\n\n')[0].trim();
  t.is(recapOf(sharded.stdout), recapOf(single.stdout));
  t.regex(sharded.stdout, recap('site5', 'changed=0\\s+unreachable=0\\s+failed=1'));
  t.deepEqual(readdirSync(join(fleet, 'logs')).sort(), ['shard-0.json', 'shard-1.json', 'shard-2.json', 'shard-3.json']);
});

test.serial('npm start serves the stress page on PORT, and SIGTERM stops all of it', async (t) => {
  ran.add('npm start');
  t.true(COMMANDS.some((c) => c.command === 'npm start'));
  const port = await freePort();
  const server = spawn('npm', ['start'], { cwd: copy, env: { ...env, PORT: String(port), NODE_NAME: 'readme-node' }, stdio: 'ignore', detached: true });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  try {
    let page = '';
    for (let attempt = 0; attempt < 50 && !page; attempt++) {
      page = await fetch(`http://127.0.0.1:${port}/`).then(
        (r) => r.text(),
        () => '',
      );
      if (!page) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    t.regex(page, /readme-node/);
  } finally {
    process.kill(-server.pid!, 'SIGTERM');
  }
  await exited;
  // Nothing of it is left: the whole process group ends (once reaped) and the port is free.
  for (let waited = 0; waited < 5000 && processExists(-server.pid!); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  t.false(processExists(-server.pid!));
  t.is(
    await fetch(`http://127.0.0.1:${port}/`).then(
      () => 'answered',
      () => 'closed',
    ),
    'closed',
  );
});

test.serial('the browser test with UPDATE_SCREENSHOTS=1 writes the pictures README shows', async (t) => {
  rmSync(join(copy, 'docs', 'screenshots', 'service-home.png'));
  const browser = await readme('UPDATE_SCREENSHOTS=1 npx ava service/browser.test.ts');
  t.is(browser.code, 0, browser.stdout + browser.stderr);
  t.true(readFileSync(join(copy, 'docs', 'screenshots', 'service-home.png')).length > 1000);
});

test.serial('npm run docs leaves up-to-date README and docs/ as they are', async (t) => {
  const read = () => DOCUMENTS.map((file) => readFileSync(join(copy, file), 'utf8'));
  const before = read();
  const docs = await readme('npm run docs');
  t.is(docs.code, 0, docs.stderr);
  t.deepEqual(read(), before);
});

test.serial('npm run format leaves the formatted code as it is', async (t) => {
  const sources = (await promisify(execFile)('git', ['ls-files', '-z'], { cwd: ROOT, maxBuffer: 16 << 20 })).stdout.split('\0').filter(Boolean);
  const read = () => sources.map((file) => readFileSync(join(copy, file), 'utf8'));
  const before = read();
  const format = await readme('npm run format');
  t.is(format.code, 0, format.stderr);
  const after = read();
  t.deepEqual(
    sources.filter((_, i) => before[i] !== after[i]),
    [],
    'every file was formatted already',
  );
});

test.serial('the benchmarks run (few hosts here: the figures in README come from full runs)', async (t) => {
  const bench = await readme('npm run bench', { env: { BENCH_HOSTS: '1,2' } });
  t.is(bench.code, 0, bench.stdout + bench.stderr);
  t.regex(bench.stdout, /^2 \| \d+\.\d+ s \| \d+\.\d+ s \|/m);
  const service = await readme('npm run bench:service');
  t.is(service.code, 0, service.stdout + service.stderr);
  t.regex(service.stdout, /stress service/);
  const startup = await readme('npm run bench:startup', { env: { BENCH_ROUNDS: '1' } });
  t.is(startup.code, 0, startup.stdout + startup.stderr);
  t.regex(startup.stdout, /^--help\s+\d\.\d{3} s\s+[+-]\d\.\d{3} s, \d+\.\d{2}x the floor$/m);
  const jinja = await readme('npm run bench:jinja', { env: { BENCH_ROUNDS: '3' } });
  t.is(jinja.code, 0, jinja.stdout + jinja.stderr);
  t.regex(jinja.stdout, /this engine, all of them: parse \+ render \d+\.\d+ µs/);
});

test.serial('every command README gives has been run above, or is what .ci/run runs', (t) => {
  const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8').split('\n');
  const covered = (command: string) =>
    [...ran].some((done) => done === command || done.split(' && ').includes(command)) || command.split(' && ').every((part) => ci.includes(part));
  const missing = COMMANDS.filter((c) => !covered(c.command)).map((c) => `${c.file}:${c.line}: ${c.command}`);
  t.deepEqual(missing, []);
  // .ci/run runs exactly README's test command, after the installs it needs.
  t.deepEqual(
    ci.filter((line) => /^(?:bash|npm) /.test(line)),
    ['bash scripts/install-test-deps.sh', 'npm ci', 'npm test'],
  );
});
