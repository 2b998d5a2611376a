import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { startLab, type Lab } from '../support/lab.js';
import { waitFor } from '../support/proc.js';
import { debugMessages, recapOf, runCli, runJson, workspace, hostResults } from '../support/workspace.js';

const BIN = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const PLAY = `- hosts: all
  tasks:
${Array.from({ length: 12 }, (_, i) => `    - command: "true"\n      changed_when: false\n      name: step ${i}`).join('\n')}
    - command: hostname
      register: name
      changed_when: false
    - debug: { msg: "{{ name.stdout }}" }
`;
let lab: Lab;

test.before(async () => {
  lab = await startLab('itssh', 3);
});
test.after.always(async () => lab?.stop());

/** The CLI as a user runs it: a child process, with its own HOME and stdin. */
function cli(
  cwd: string,
  args: string[],
  options: { home?: string; stdin?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', [BIN, ...args], { cwd, env: { ...process.env, CI: 'true', ...(options.home ? { HOME: options.home } : {}), ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

test.serial('one SSH connection per host carries every task', async (t) => {
  const ws = await workspace({ 'site.yaml': PLAY });
  t.teardown(ws.cleanup);
  const since = (await lab.exec(1, 'date', '+%Y-%m-%d %H:%M:%S')).trim();
  const run = await runJson(ws.dir, ['site.yaml', '-i', lab.inventory]);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'h2'), ['h2']);
  const accepted = await lab.exec(1, 'journalctl', '-u', 'ssh', '--since', since, '--no-pager', '-o', 'cat');
  t.is(accepted.match(/Accepted publickey/g)?.length, 1, '14 tasks and the facts over one connection');
});

test.serial('a host whose sshd is down is unreachable; the others finish; exit code 4', async (t) => {
  const ws = await workspace({ 'site.yaml': PLAY });
  t.teardown(ws.cleanup);
  await lab.exec(3, 'systemctl', 'stop', 'ssh');
  t.teardown(() => lab.exec(3, 'systemctl', 'start', 'ssh').then(() => undefined));
  const run = await runJson(ws.dir, ['site.yaml', '-i', lab.inventory]);
  t.is(run.code, 4);
  t.like(recapOf(run.events).h3, { unreachable: 1, ok: 0 });
  t.deepEqual(debugMessages(run.events, 'h1'), ['h1']);
  t.deepEqual(debugMessages(run.events, 'h2'), ['h2']);
  const why = hostResults(run.events).find((e) => e.host === 'h3');
  t.regex(why?.msg ?? '', new RegExp(`root@${lab.hostIp(3).replace(/\./g, '\\.')}:22: connection refused`));
});

test.serial('connecting retries with backoff: a host whose sshd comes up late is reached; a silent host times out', async (t) => {
  const ws = await workspace({ 'site.yaml': PLAY });
  t.teardown(ws.cleanup);
  await lab.exec(3, 'systemctl', 'stop', 'ssh');
  t.teardown(() => lab.exec(3, 'systemctl', 'start', 'ssh').then(() => undefined));
  const started = Date.now();
  const late = setTimeout(() => void lab.exec(3, 'systemctl', 'start', 'ssh'), 1000);
  t.teardown(() => clearTimeout(late));
  const run = await runJson(ws.dir, ['site.yaml', '-i', lab.inventory, '--limit', 'h3']);
  t.is(run.code, 0, run.out.slice(-1500));
  t.deepEqual(debugMessages(run.events, 'h3'), ['h3']);
  t.true(Date.now() - started > 1000, 'reached only after sshd came up');

  // SYNs to port 2222 are dropped: no refusal, only silence, so ansible_ssh_timeout decides.
  await lab.exec(3, 'iptables', '-I', 'INPUT', '-p', 'tcp', '--dport', '2222', '-j', 'DROP');
  t.teardown(() => lab.exec(3, 'iptables', '-D', 'INPUT', '-p', 'tcp', '--dport', '2222', '-j', 'DROP').then(() => undefined));
  // A port that drops every packet, one attempt of one second and one retry.
  const silentArgs = [
    'site.yaml',
    '-i',
    lab.inventory,
    '--limit',
    'h3',
    '-e',
    'ansible_port=2222',
    '-e',
    'ansible_ssh_timeout=1',
    '-e',
    'ansible_ssh_retries=1',
  ];
  const silentStart = Date.now();
  const silent = await runJson(ws.dir, silentArgs);
  const took = Date.now() - silentStart;
  t.is(silent.code, 4);
  const why = hostResults(silent.events).find((e) => e.host === 'h3');
  t.regex(why?.msg ?? '', /:2222: no answer within 1s \(host down, wrong address or a firewall\) \(2 attempts over 2\.\d s\)/);
  t.true(took >= 2500 && took < 6000, `two attempts of 1 s with a 0.5 s pause between them, took ${took} ms`);
  // While it retries, the user sees the attempt, the pause and the whole budget (1 + 0.5 + 1 s).
  const retries = silent.events.filter((e) => e.type === 'host.retry');
  t.like(retries, [{ host: 'h3', attempt: 1, attempts: 2, retryInMs: 500, budgetMs: 2500 }]);
  const plain = await runCli(ws.dir, silentArgs);
  t.regex(plain.out, /\[h3\] connecting to h3: attempt 1 of 2 failed \(.*no answer within 1s.*\); next in 0\.50s, at most 2\.50s in all/);
});

test.serial("with no key file, the keys of the user's ssh-agent are used", async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'k3s-playbook-home-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const socket = join(home, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  t.teardown(() => agent.kill());
  await waitFor(async () => (await readFile(socket).catch((error) => error.code)) !== 'ENOENT');
  const ws = await workspace({
    'inventory.yaml': `all:\n  vars:\n    ansible_user: root\n    ansible_ssh_known_hosts_file: ${lab.dir}/known_hosts\n  hosts:\n    h1: { ansible_host: ${lab.hostIp(1)} }\n`,
    'site.yaml': PLAY,
  });
  t.teardown(ws.cleanup);
  const withoutKey = await cli(ws.dir, ['site.yaml'], { home, env: { SSH_AUTH_SOCK: socket } });
  t.is(withoutKey.code, 4, 'an empty agent and no key file: nothing to log in with');
  t.regex(withoutKey.stdout, /authentication failed \(tried .* and the ssh-agent\)/);
  await promisify(execFile)('ssh-add', [join(lab.dir, 'id_ed25519')], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
  const run = await cli(ws.dir, ['site.yaml'], { home, env: { SSH_AUTH_SOCK: socket } });
  t.is(run.code, 0, run.stdout + run.stderr);
  t.regex(run.stdout, /ok: \[h1\].* => h1/);
});

test.serial('a connection lost in the middle of a run makes that host unreachable; the others finish', async (t) => {
  const ws = await workspace({
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - name: h2 loses its SSH connection
      shell: "systemctl stop ssh; pkill -KILL -f 'sshd: root'"
      when: inventory_hostname == 'h2'
    - command: hostname
      register: name
      changed_when: false
    - debug: { msg: "{{ name.stdout }}" }
`,
  });
  t.teardown(ws.cleanup);
  t.teardown(() => lab.exec(2, 'systemctl', 'start', 'ssh').then(() => undefined));
  const run = await runJson(ws.dir, ['site.yaml', '-i', lab.inventory]);
  t.is(run.code, 4, run.err);
  t.like(recapOf(run.events).h2, { unreachable: 1 });
  t.deepEqual(debugMessages(run.events, 'h1'), ['h1']);
  t.deepEqual(debugMessages(run.events, 'h3'), ['h3']);
});

test.serial('an unknown host key is refused with its fingerprint; --accept-new-host-keys records it', async (t) => {
  const ws = await workspace({ 'site.yaml': PLAY, known_hosts: '' });
  t.teardown(ws.cleanup);
  const args = ['site.yaml', '-i', lab.inventory, '-e', `ansible_ssh_known_hosts_file=${ws.path('known_hosts')}`, '--limit', 'h1'];
  const refused = await runJson(ws.dir, args);
  t.is(refused.code, 4);
  const msg = hostResults(refused.events)[0]?.msg ?? '';
  t.regex(msg, /unknown host key for 10\.250\.\d+\.11: ssh-ed25519 SHA256:[A-Za-z0-9+/]{43} is not in .*known_hosts/);
  t.regex(msg, /--accept-new-host-keys/);
  t.is(await readFile(ws.path('known_hosts'), 'utf8'), '', 'nothing recorded without the option');
  const accepted = await runJson(ws.dir, [...args, '--accept-new-host-keys']);
  t.is(accepted.code, 0, accepted.err);
  const recorded = await readFile(ws.path('known_hosts'), 'utf8');
  const real = (await readFile(join(lab.dir, 'h1', 'ssh_host_ed25519_key.pub'), 'utf8')).split(' ').slice(0, 2).join(' ');
  t.is(recorded, `${lab.hostIp(1)} ${real}\n`);
  t.is((await runJson(ws.dir, args)).code, 0, 'strict checking passes once recorded');
});

test.serial('a changed host key always fails loudly, even with --accept-new-host-keys', async (t) => {
  const ws = await workspace({ 'site.yaml': PLAY });
  t.teardown(ws.cleanup);
  const impostor = await new Promise<string>((resolve, reject) =>
    execFile('sh', ['-c', `ssh-keygen -q -t ed25519 -N '' -f ${ws.path('other')} && cut -d' ' -f1,2 ${ws.path('other.pub')}`], (e, out) =>
      e ? reject(e) : resolve(out.trim()),
    ),
  );
  await writeFile(ws.path('known_hosts'), `${lab.hostIp(1)} ${impostor}\n`);
  const run = await runJson(ws.dir, [
    'site.yaml',
    '-i',
    lab.inventory,
    '-e',
    `ansible_ssh_known_hosts_file=${ws.path('known_hosts')}`,
    '--limit',
    'h1',
    '--accept-new-host-keys',
  ]);
  t.is(run.code, 4);
  t.regex(hostResults(run.events)[0]?.msg ?? '', /HOST KEY CHANGED for 10\.250\.\d+\.11.*ssh-keygen -f .* -R/);
  t.is(await readFile(ws.path('known_hosts'), 'utf8'), `${lab.hostIp(1)} ${impostor}\n`, 'the file is left alone');
});

test.serial('become with a sudo password (-K): it works, and the password is never shown', async (t) => {
  const ws = await workspace({
    'site.yaml': `- hosts: all
  become: true
  tasks:
    - command: id -un
      register: who
      changed_when: false
    - debug: { msg: "{{ who.stdout }}" }
    - copy: { dest: /root/written-by-become, content: "ok\\n" }
`,
  });
  t.teardown(ws.cleanup);
  // No stat or sha256sum on the host while this runs: the copy can only see its file through the path reader, run via sudo with the password.
  await hideTools(2, ['stat', 'sha256sum']);
  t.teardown(() => unhideTools(2, ['stat', 'sha256sum']));
  const args = ['site.yaml', '-i', lab.inventory, '--limit', 'h2', '-e', 'ansible_user=pwuser', '-K', '-v'];
  const run = await cli(ws.dir, args, { stdin: 'lab-sudo-pass\n' });
  t.is(run.code, 0, run.stdout + run.stderr);
  t.regex(run.stdout, /=> root/);
  t.false((run.stdout + run.stderr).includes('lab-sudo-pass'));
  t.is(await lab.exec(2, 'cat', '/root/written-by-become'), 'ok\n');
  const again = await cli(ws.dir, args, { stdin: 'lab-sudo-pass\n' });
  t.regex(again.stdout, /h2 +: ok=4 +changed=0 /, again.stdout + again.stderr);
  const wrong = await cli(ws.dir, args, { stdin: 'not-the-password\n' });
  t.is(wrong.code, 2);
  t.regex(wrong.stdout, /incorrect password|Sorry, try again/);
});

test.serial('become set by variables in a task (ansible_become, _user, _password), as Ansible content sets it', async (t) => {
  const ws = await workspace({
    'site.yaml': `- hosts: all
  tasks:
    - command: id -un
      register: plain
      changed_when: false
    - command: id -un
      register: root
      changed_when: false
      vars: { ansible_become: yes, ansible_become_password: lab-sudo-pass }
    - command: id -un
      register: other
      changed_when: false
      vars: { ansible_become: yes, ansible_become_user: deploy, ansible_become_password: lab-sudo-pass }
    - debug: { msg: "{{ plain.stdout }} {{ root.stdout }} {{ other.stdout }}" }
`,
  });
  t.teardown(ws.cleanup);
  const run = await cli(ws.dir, ['site.yaml', '-i', lab.inventory, '--limit', 'h2', '-e', 'ansible_user=pwuser', '-v']);
  t.is(run.code, 0, run.stdout + run.stderr);
  t.regex(run.stdout, /=> pwuser root deploy/);
  t.false((run.stdout + run.stderr).includes('lab-sudo-pass'), 'the password is not shown');
});

test.serial('paths are read by the Perl path reader; a host without perl is read with shell commands, with the same results', async (t) => {
  // h1: perl is there (a wrapper notes each start), stat and sha256sum are not: every read must go through the reader.
  // h2: no perl at all: every read goes through the shell commands.
  await standIn(1, 'perl', ['echo started >> /tmp/perl-starts', 'exec /usr/bin/perl "$@"']);
  await standIn(2, 'perl', ['echo tried >> /tmp/perl-starts', 'echo "perl: not found" >&2', 'exit 127']);
  // A group whose name has a space, as a directory service may have ("domain users").
  for (const n of [1, 2]) await lab.exec(n, 'sh', '-c', "echo 'domain users:x:5000:' >> /etc/group && touch /opt/shared && chgrp 5000 /opt/shared");
  await hideTools(1, ['stat', 'sha256sum']);
  t.teardown(async () => {
    await unhideTools(1, ['stat', 'sha256sum']);
    for (const n of [1, 2])
      await lab.exec(n, 'sh', '-c', "rm -rf /usr/local/bin/perl /tmp/perl-starts /opt/reader /opt/shared; sed -i '/^domain users:/d' /etc/group");
  });
  const ws = await workspace({
    'site.yaml': `- hosts: h1:h2
  gather_facts: false
  tasks:
    - file: { path: /opt/reader, state: directory, mode: "0750" }
    - copy: { dest: /opt/reader/conf, content: "a=1\\n", mode: "0640" }
    - lineinfile: { path: /opt/reader/lines, line: "b=2", create: true }
    - file: { path: /opt/reader/link, state: link, src: /opt/reader/conf }
    - command: touch /opt/reader/marker
      args: { creates: /opt/reader/marker }
    - stat: { path: /opt/reader/conf, checksum_algorithm: sha256 }
      register: conf
    - debug: { msg: "{{ conf.stat.checksum }} {{ conf.stat.mode }} {{ conf.stat.size }}" }
    - file: { path: /opt/shared, group: domain users, mode: "0640" }
`,
  });
  t.teardown(ws.cleanup);
  const first = await runJson(ws.dir, ['site.yaml', '-i', lab.inventory]);
  t.is(first.code, 0, first.err + first.out.slice(-2000));
  const second = await runJson(ws.dir, ['site.yaml', '-i', lab.inventory]);
  t.is(second.code, 0, second.err);
  for (const host of ['h1', 'h2']) {
    t.is(recapOf(first.events)[host].changed, 6, host);
    t.is(recapOf(second.events)[host].changed, 0, host);
    t.deepEqual(debugMessages(second.events, host), [`${createHash('sha256').update('a=1\n').digest('hex')} 0640 4`], host);
  }
  t.is(await lab.exec(1, 'cat', '/tmp/perl-starts'), 'started\nstarted\n', 'one reader per run on h1');
  t.is(await lab.exec(2, 'cat', '/tmp/perl-starts'), 'tried\ntried\n', 'h2 tried once per run, then used the shell');
  t.is(await lab.exec(2, 'cat', '/opt/reader/lines'), 'b=2\n');
});

test.serial('large files travel whole: a 6 MB binary fetched byte for byte, a 3 MB text edited in place', async (t) => {
  await lab.exec(1, 'sh', '-c', 'head -c 6000000 /dev/urandom > /opt/big.bin; seq 1 400000 > /opt/big.txt');
  t.teardown(() => lab.exec(1, 'rm', '-f', '/opt/big.bin', '/opt/big.txt').then(() => undefined));
  const ws = await workspace({
    'site.yaml': `- hosts: h1
  gather_facts: false
  tasks:
    - fetch: { src: /opt/big.bin, dest: fetched/, flat: true }
    - lineinfile: { path: /opt/big.txt, regexp: "^200000$", line: "two hundred thousand" }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml', '-i', lab.inventory]);
  t.is(run.code, 0, run.out.slice(-1500));
  const remote = await promisify(execFile)(join(import.meta.dirname, '..', 'lab', 'lab.sh'), ['exec', '1', 'sha256sum', '/opt/big.bin'], {
    env: { ...process.env, LAB: lab.name },
  });
  t.is(
    createHash('sha256')
      .update(await readFile(ws.path('fetched/big.bin')))
      .digest('hex'),
    remote.stdout.split(' ')[0],
  );
  const text = await lab.exec(1, 'cat', '/opt/big.txt');
  t.is(text.split('\n').length, 400001);
  t.true(text.includes('\n199999\ntwo hundred thousand\n200001\n'));
});

test.serial("what a chatty ~/.bashrc prints is in no command's output and no path's state", async (t) => {
  await lab.exec(1, 'sh', '-c', 'echo "echo Welcome to this host; echo and to stderr >&2" > /root/.bashrc');
  t.teardown(() => lab.exec(1, 'rm', '-f', '/root/.bashrc').then(() => undefined));
  const ws = await workspace({
    'site.yaml': `- hosts: h1
  gather_facts: false
  tasks:
    - command: hostname
      register: name
      changed_when: false
    - stat: { path: /etc/hostname }
      register: file
    - debug: { msg: "[{{ name.stdout }}] [{{ name.stderr }}] {{ file.stat.isreg }}" }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml', '-i', lab.inventory]);
  t.is(run.code, 0, run.out.slice(-1500));
  t.deepEqual(debugMessages(run.events, 'h1'), ['[h1] [] True'], 'a boolean in text prints as Python prints it');
});

/** A script in /usr/local/bin that a host runs instead of the program (sshd's and sudo's PATH start there). */
async function standIn(n: number, program: string, lines: string[]) {
  await lab.exec(n, 'sh', '-c', `printf '%s\\n' '#!/bin/sh' "$@" > /usr/local/bin/${program} && chmod +x /usr/local/bin/${program}`, 'sh', ...lines);
}

/** Makes programs unusable on a host for a while: a failing stand-in for each. */
async function hideTools(n: number, tools: string[]) {
  for (const tool of tools) await standIn(n, tool, [`echo "${tool} is hidden by the test" >&2`, 'exit 1']);
}

async function unhideTools(n: number, tools: string[]) {
  await lab.exec(n, 'rm', '-f', ...tools.map((tool) => `/usr/local/bin/${tool}`));
}

test.serial('~/.ssh/config is honoured: HostName, User, Port, IdentityFile and ProxyJump', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'k3s-playbook-home-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  await mkdir(join(home, '.ssh'), { mode: 0o700 });
  await writeFile(
    join(home, '.ssh', 'config'),
    `Host ${lab.hostIp(1)}\n  User root\n  IdentityFile ${lab.dir}/id_ed25519\n\nHost inner\n  HostName ${lab.hostIp(2)}\n  User deploy\n  Port 22\n  IdentityFile ${lab.dir}/id_ed25519\n  ProxyJump root@${lab.hostIp(1)}\n`,
  );
  await writeFile(join(home, '.ssh', 'known_hosts'), await readFile(join(lab.dir, 'known_hosts')));
  const ws = await workspace({
    'inventory.yaml': `all:\n  vars:\n    ansible_ssh_private_key_file: ${lab.dir}/id_ed25519\n  hosts:\n    inner:\n`,
    'site.yaml': `- hosts: all\n  gather_facts: false\n  tasks:\n    - command: sh -c 'echo $(id -un)@$(hostname)'\n      register: where\n      changed_when: false\n    - debug: { msg: "{{ where.stdout }}" }\n`,
  });
  t.teardown(ws.cleanup);
  const run = await cli(ws.dir, ['site.yaml'], { home });
  t.is(run.code, 0, run.stdout + run.stderr);
  await writeFile(
    join(home, '.ssh', 'config'),
    (await readFile(join(home, '.ssh', 'config'), 'utf8')).replace(/ {2}IdentityFile .*\n\nHost inner/, '\nHost inner'),
  );
  const noJumpKey = await cli(ws.dir, ['site.yaml'], { home });
  t.is(noJumpKey.code, 4);
  t.regex(noJumpKey.stdout, /ProxyJump host root@10\.250\.\d+\.11:22: authentication failed/);
  t.regex(run.stdout, /=> deploy@h2/);
  const since = await lab.exec(1, 'journalctl', '-u', 'ssh', '--no-pager', '-o', 'cat');
  t.regex(since, new RegExp(`Accepted publickey for root from ${lab.controllerIp.replace(/\./g, '\\.')}`), 'the jump host was used');
});
