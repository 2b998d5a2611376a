import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { buildAptRepo, serveDirectory } from '../support/http-fixture.js';
import { startLab, type Lab } from '../support/lab.js';
import { stringify, parse } from 'yaml';
import { modules } from '../../runner/modules/registry.js';
import { failures, hostResults, recapOf, runCli, runJson } from '../support/workspace.js';

// Real SSH to real sshd (and real systemd, apt, sudo) on three lab hosts.
const SITE = join(import.meta.dirname, '..', 'fixtures', 'modules-site');
const TOKEN = 'K10e2a9fc3b7d::server:3f1c5b8e9d0a7c6b';
let lab: Lab;
let fixture: Awaited<ReturnType<typeof serveDirectory>>;
let served: string;
let fetchDir: string;
let vars: string[];

test.before(async () => {
  lab = await startLab('itmod', 3);
  served = await mkdtemp(join(tmpdir(), 'k3s-playbook-served-'));
  // 0.9 too: a pinned older version, for the downgrade test.
  const repo = await buildAptRepo(['1.0', '0.9']);
  await rm(join(served, 'repo'), { recursive: true, force: true });
  await (await import('node:fs/promises')).rename(repo.dir, join(served, 'repo'));
  const payload = Buffer.from('#!/bin/sh\necho payload\n');
  await writeFile(join(served, 'payload.bin'), payload);
  fixture = await serveDirectory(served, lab.controllerIp);
  fetchDir = await mkdtemp(join(tmpdir(), 'k3s-playbook-fetched-'));
  vars = [
    '-e',
    `fixture_url=${fixture.url}`,
    '-e',
    `file_sha256=${createHash('sha256').update(payload).digest('hex')}`,
    '-e',
    `file_sha1=${createHash('sha1').update(payload).digest('hex')}`,
    '-e',
    `fetch_dir=${fetchDir}`,
    '-e',
    `kp_token=${TOKEN}`,
  ];
});

test.after.always(async () => {
  await fixture?.close();
  await lab?.stop();
  await rm(served, { recursive: true, force: true });
  await rm(fetchDir, { recursive: true, force: true });
});

/** Runs one playbook on the lab from a directory of its own (removed after the test); every task must pass. */
async function passesOnLab(t: ExecutionContext, name: string, playbook: string): Promise<Awaited<ReturnType<typeof runJson>>> {
  const dir = await mkdtemp(join(tmpdir(), `k3s-playbook-${name}-`));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, `${name}.yaml`), playbook);
  const run = await runJson(dir, [`${name}.yaml`, '-i', lab.inventory]);
  t.deepEqual(failures(run.events), []);
  t.is(run.code, 0, run.err);
  return run;
}

test.serial('check mode on fresh hosts reports changes and changes nothing', async (t) => {
  const before = await Promise.all([1, 2, 3].map(lab.changes));
  const run = await runJson(SITE, ['site.yaml', '-i', lab.inventory, '--check', '--diff', ...vars]);
  const failures = hostResults(run.events)
    .filter((e) => e.status === 'failed' && !e.ignored)
    .map((e) => `${e.host}: ${e.task}: ${e.msg}`);
  t.deepEqual(failures, []);
  t.is(run.code, 0, run.err);
  const recap = recapOf(run.events);
  for (const host of ['h1', 'h2', 'h3']) {
    t.true(recap[host].changed >= 10, `${host} would change things`);
    t.is(recap[host].failed, 0);
  }
  t.deepEqual(await Promise.all([1, 2, 3].map(lab.changes)), before, 'no file on any host changed');
  t.is(fixture.requests.filter((r) => r.includes('payload')).length, 0, 'nothing was downloaded');
});

test.serial('every module converges on the first run and reports changed=0 on the second', async (t) => {
  const first = await runJson(SITE, ['site.yaml', '-i', lab.inventory, ...vars]);
  t.is(first.code, 0, first.err + first.out.slice(-3000));
  for (const stats of Object.values(recapOf(first.events)) as Array<{ changed: number; failed: number }>) {
    t.true(stats.changed >= 15);
    t.is(stats.failed, 0);
  }
  const second = await runJson(SITE, ['site.yaml', '-i', lab.inventory, ...vars]);
  t.is(second.code, 0);
  const changedTasks = hostResults(second.events)
    .filter((e) => e.status === 'changed')
    .map((e) => `${e.host}: ${e.task}`);
  t.deepEqual(changedTasks, [], 'nothing changes on the second run');

  // Effects, read inside each host.
  for (const n of [1, 2, 3]) {
    t.is(await lab.exec(n, 'cat', '/usr/share/k3s-playbook-probe/version'), '1.0\n', 'apt installed the package');
    t.is(await lab.exec(n, 'systemctl', 'is-active', 'kp-test'), 'active\n');
    t.is(await lab.exec(n, 'systemctl', 'is-enabled', 'kp-test'), 'enabled\n');
    t.is(await lab.exec(n, 'stat', '-c', '%U:%G %a', '/opt/kp/config'), 'deploy:deploy 640\n');
    t.is(await lab.exec(n, 'cat', '/opt/kp/config'), "a='; rm -rf /tmp/x #\nb=$(touch /tmp/pwned)\n");
    t.is(await lab.exec(n, 'cat', '/opt/kp/lines'), 'b=$(touch /tmp/pwned)\n');
    t.is(await lab.exec(n, 'grep', '^UMASK', '/etc/login.defs'), 'UMASK 027\n');
    t.is(await lab.exec(n, 'cat', '/opt/kp/evil-literal'), "'; rm -rf /tmp/x #");
    t.is(await lab.exec(n, 'readlink', '/opt/kp/link'), '/opt/kp/config\n');
    t.is(await lab.exec(n, 'stat', '-c', '%a', '/opt/kp/payload.bin'), '755\n');
    t.is(await lab.exec(n, 'sh', '-c', 'test -e /etc/motd && echo present || echo absent'), 'absent\n');
    t.is(await lab.exec(n, 'cat', '/tmp/x/canary'), 'still here\n', 'the injection did not run');
    t.is(await lab.exec(n, 'sh', '-c', 'ls /tmp/pwned 2>&1 || true'), "ls: cannot access '/tmp/pwned': No such file or directory\n");
    t.is(await lab.exec(n, 'stat', '-c', '%a %s', '/etc/kp-secret', '/etc/kp-secret-copy'), `600 ${TOKEN.length + 1}\n600 ${TOKEN.length + 1}\n`);
  }
  const fetched = await readFile(join(fetchDir, 'h2', 'opt', 'kp', 'app.conf'), 'utf8');
  t.regex(
    fetched,
    new RegExp(
      `host=h2\\naddress=${lab.hostIp(2).replace(/\./g, '\\.')}\\nmaster=${lab.hostIp(1).replace(/\./g, '\\.')}\\nliteral='\\$\\(touch /tmp/pwned\\)'`,
    ),
  );
  t.is(fixture.requests.filter((r) => r.includes('payload.bin')).length, 3, 'downloaded once per host, not again on the second run');
});

test.serial('--check --diff on a file edited by hand shows its old and new text, and leaves it as it is', async (t) => {
  // Watching for drift: in sync, then a file edited by hand (Puppet's --detailed-exitcodes).
  const inSync = await runCli(SITE, ['site.yaml', '-i', lab.inventory, '--limit', 'h2', '--check', '--detailed-exitcodes', ...vars]);
  t.is(inSync.code, 0, inSync.out);
  t.regex(inSync.out, /WOULD CHANGE \*+\nh2: in sync\n/);
  await lab.exec(2, 'sh', '-c', "printf 'edited by hand\\n' > /opt/kp/app.conf");
  const drifted = await runCli(SITE, ['site.yaml', '-i', lab.inventory, '--limit', 'h2', '--check', '--detailed-exitcodes', ...vars]);
  t.is(drifted.code, 2, drifted.out);
  t.regex(drifted.out, /WOULD CHANGE \*+\nh2: play \(template; fetch the app config to the controller\)\n/);
  const run = await runJson(SITE, ['site.yaml', '-i', lab.inventory, '--limit', 'h2', '--check', '--diff', ...vars]);
  t.is(run.code, 0, run.err);
  const result = hostResults(run.events).find((e) => e.host === 'h2' && e.task === 'template');
  t.is(result?.status, 'changed');
  t.is(result?.diff?.[0]?.before, 'edited by hand\n');
  t.regex(result?.diff?.[0]?.after ?? '', /\nhost=h2\n/);
  t.is(await lab.exec(2, 'cat', '/opt/kp/app.conf'), 'edited by hand\n');
});

test.serial('the secret appears in no output, no event, no command line and no stray file', async (t) => {
  const run = await runJson(SITE, ['site.yaml', '-i', lab.inventory, '-vvv', ...vars.filter((v) => v !== '--json')]);
  t.is(run.code, 0);
  t.false((run.out + run.err).includes(TOKEN));
  t.false((run.out + run.err).includes(Buffer.from(`${TOKEN}\n`).toString('base64')));
  for (const n of [1, 2, 3]) {
    const holders = await lab.exec(n, 'sh', '-c', `grep -rlF ${JSON.stringify(TOKEN)} /etc /opt /tmp /root /home /var/tmp /run 2>/dev/null | sort || true`);
    t.is(holders, '/etc/kp-secret\n/etc/kp-secret-copy\n', 'only the files the playbook meant to write hold it');
    const journal = await lab.exec(n, 'journalctl', '--no-pager', '-o', 'cat');
    t.false(journal.includes(TOKEN), 'not in any command line sudo or sshd logged');
  }
});

test.serial("every module's documented example runs (in check mode) on a host", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k3s-playbook-examples-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'files'));
  await mkdir(join(dir, 'templates'));
  await writeFile(join(dir, 'files', 'motd'), 'welcome\n');
  await mkdir(join(dir, 'tool', 'bin'), { recursive: true });
  await writeFile(join(dir, 'tool', 'bin', 'tool'), '#!/bin/sh\n');
  execFileSync('tar', ['-C', dir, '-czf', join(dir, 'files', 'tool.tar.gz'), 'tool']);
  await mkdir(join(dir, 'vars'));
  await writeFile(join(dir, 'vars', 'default.yaml'), 'port: 8080\n');
  await writeFile(join(dir, 'templates', 'config.yaml.hbs'), 'node-name: {{ ansible_hostname }}\n');
  const tasks = [...modules.values()].flatMap((module) =>
    module.examples.map((example) => {
      const task = parse(example.task) as Record<string, unknown>;
      return { name: `${module.name}: ${example.description}`, ...task, vars: { ...(example.given ?? {}), ...((task.vars as object) ?? {}) } };
    }),
  );
  await writeFile(join(dir, 'examples.yaml'), stringify([{ hosts: 'h1', tasks }]));
  const run = await runJson(dir, ['examples.yaml', '-i', lab.inventory, '--check']);
  t.deepEqual(failures(run.events), []);
  t.is(run.code, 0, run.err);
  const ran = hostResults(run.events)
    .filter((e) => e.host === 'h1')
    .map((e) => e.task);
  t.deepEqual(ran, ['Gathering Facts', ...tasks.map((task) => task.name)], 'every example reached the host');
});

test.serial(
  "facts as Ansible names them (interfaces too), service_facts and package_facts, and stat's full result, read on a lab host (Debian 12, systemd as PID 1)",
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'k3s-playbook-facts-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    await writeFile(
      join(dir, 'facts.yaml'),
      `- hosts: h1
  tasks:
    - debug:
        msg: "{{ [ansible_distribution, ansible_distribution_major_version, ansible_distribution_release, ansible_os_family, ansible_service_mgr, ansible_pkg_mgr, ansible_user_dir, ansible_facts.distribution] | join(' ') }}"
    - debug: { msg: "{{ ansible_python.executable }} {{ ansible_python.version.major }} {{ ansible_mounts | map(attribute='mount') | list }}" }
    - debug: { msg: "{{ ansible_interfaces | join(',') }} {{ ansible_facts['eth0']['ipv4']['address'] }}/{{ ansible_eth0.ipv4.prefix }} {{ ansible_eth0.ipv4.network }} {{ ansible_all_ipv4_addresses | join(',') }}" }
    - service_facts: {}
    - package_facts: {}
    - command: dpkg-query -W -f '\${Version}' openssh-server
      register: sshd_version
    - assert:
        that:
          - ansible_facts.services['ssh.service'].state == 'running' and ansible_facts.services['ssh.service'].status == 'enabled'
          - services['ssh.service'].state == 'running'
          - ansible_facts.packages['openssh-server'][0].version == sshd_version.stdout and packages['openssh-server'][0].source == 'apt'
    - file: { path: /tmp/facts-link, src: /etc/hostname, state: link }
    - stat: { path: /tmp/facts-link, follow: true }
      register: followed
    - stat: { path: /tmp/facts-link }
      register: link
    - debug: { msg: "{{ followed.stat.isreg }} {{ followed.stat.checksum }} {{ followed.stat.pw_name }} {{ link.stat.islnk }} {{ link.stat.lnk_target }}" }
`,
    );
    const run = await runJson(dir, ['facts.yaml', '-i', lab.inventory]);
    t.is(run.code, 0, failures(run.events).join('\n'));
    const [system, python, interfaces, stat] = hostResults(run.events)
      .filter((e) => e.module === 'debug')
      .map((e) => e.msg);
    t.is(system, 'Debian 12 bookworm Debian systemd apt /root Debian');
    // The lab's root is an overlay, which Ansible leaves out of ansible_mounts too.
    t.regex(python ?? '', /^\/usr\/bin\/python3 3 \[.*\]$/);
    t.is(interfaces, `eth0,lo ${lab.hostIp(1)}/24 ${lab.hostIp(1).replace(/\.\d+$/, '.0')} ${lab.hostIp(1)}`);
    const sha1 = createHash('sha1')
      .update(await lab.exec(1, 'cat', '/etc/hostname'))
      .digest('hex');
    t.is(stat, `True ${sha1} root True /etc/hostname`);
  },
);

test.serial(
  "Ansible's user, group, tempfile, pause and service (its init-system arguments ignored under systemd), wait_for drained, remote_user where no ansible_user is set",
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'k3s-playbook-accounts-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    await writeFile(
      join(dir, 'accounts.yaml'),
      `- hosts: h1
  tasks:
    - group: { name: kp-team, gid: 4242 }
      register: made_group
    - group: { name: kp-auto }
      register: auto_group
    - command: getent group kp-auto
      register: auto_entry
    # '*': no password, and not locked (sshd refuses a locked account even its key)
    - user: { name: kp-login, uid: 4242, group: kp-team, groups: adm, shell: /bin/bash, password: "*" }
      register: made_user
    - user: { name: kp-login, uid: 4242, group: kp-team, groups: [adm], shell: /bin/bash, password: "*" }
      register: same_user
    - command: id -nG kp-login
      register: groups_of
    - file: { path: /home/kp-login/.ssh, state: directory, owner: kp-login, mode: "0700" }
    - copy: { src: $HOME/.ssh/authorized_keys, remote_src: true, dest: /home/kp-login/.ssh/authorized_keys, owner: kp-login, mode: "0600" }
    - tempfile: { state: directory, suffix: .kp }
      register: scratch
    - stat: { path: "{{ scratch.path }}" }
      register: scratch_stat
    - pause: { seconds: 1 }
      register: paused
    - service: { name: ssh, state: started, pattern: sshd }
      register: ssh_service
    - wait_for: { port: 22, state: drained, exclude_hosts: ["${lab.controllerIp}"], timeout: 5 }
      register: drained
    - command: whoami
      remote_user: kp-login
      register: inventory_user_wins
    - assert:
        that:
          - made_group is changed and made_group.gid == 4242
          - auto_group.gid == auto_entry.stdout.split(':')[2] | int
          - made_user is changed and made_user.uid == 4242 and made_user.home == '/home/kp-login' and made_user.group == 4242
          - same_user is not changed
          - groups_of.stdout.split() == ['kp-team', 'adm']
          - scratch is changed and scratch.path.endswith('.kp') and scratch_stat.stat.isdir
          - paused.delta >= 1
          - ssh_service is not changed and ssh_service.warnings == ['Ignoring "pattern" as it is not used in "systemd"']
          - drained is not changed and drained.port == 22
          - inventory_user_wins.stdout == 'root'
`,
    );
    // Without ansible_user, the play's remote_user is who logs in.
    await writeFile(
      join(dir, 'inventory.yaml'),
      `all:\n  vars:\n    ansible_ssh_private_key_file: ${join(lab.dir, 'id_ed25519')}\n    ansible_ssh_known_hosts_file: ${join(lab.dir, 'known_hosts')}\n  hosts:\n    h1: { ansible_host: ${lab.hostIp(1)} }\n`,
    );
    await writeFile(
      join(dir, 'login.yaml'),
      `- hosts: h1
  remote_user: kp-login
  tasks:
    - command: whoami
      register: who
    - assert: { that: "who.stdout == 'kp-login'" }
- hosts: h1
  remote_user: root
  tasks:
    # kp-login is still logged in (the first play's connection stays open for the run): force
    - user: { name: kp-login, state: absent, remove: true, force: true }
      register: removed
    - group: { name: kp-team, state: absent }
      register: removed_group
    - group: { name: kp-auto, state: absent }
    - assert: { that: [removed is changed, removed_group is changed] }
`,
    );
    const run = await runJson(dir, ['accounts.yaml', '-i', lab.inventory]);
    t.deepEqual(failures(run.events), []);
    t.is(run.code, 0, run.err);
    const login = await runJson(dir, ['login.yaml', '-i', join(dir, 'inventory.yaml')]);
    t.deepEqual(failures(login.events), []);
    t.is(login.code, 0, login.err);
    t.is((await lab.exec(1, 'sh', '-c', 'getent passwd kp-login; getent group kp-team kp-auto; true')).trim(), '', 'removed again');
  },
);

test.serial('reboot: the host reboots (a new boot id, /tmp emptied, its disk kept) and the next tasks run over a new connection', async (t) => {
  const run = await passesOnLab(
    t,
    'reboot',
    `- hosts: h3
  gather_facts: false
  tasks:
    - command: cat /proc/sys/kernel/random/boot_id
      register: before
    - shell: touch /tmp/kp-gone /opt/kp-kept
    - reboot:
      register: rebooted
    - command: cat /proc/sys/kernel/random/boot_id
      register: after
    - stat: { path: /tmp/kp-gone }
      register: gone
    - stat: { path: /opt/kp-kept }
      register: kept
    - assert:
        that:
          - rebooted is changed and rebooted.rebooted and rebooted.elapsed >= 0
          - after.stdout != before.stdout
          - not gone.stat.exists and kept.stat.exists
- hosts: h3
  gather_facts: false
  tasks:
    - reboot: { reboot_command: /bin/false }
      register: refused
      ignore_errors: true
    - reboot: { reboot_command: nosuchshutdown now, search_paths: [/sbin] }
      register: missing
      ignore_errors: true
    - assert:
        that:
          - 'refused.msg == "Reboot command failed. Error was: '', ''" and not refused.rebooted'
          - 'missing.msg == "Unable to find command \\"nosuchshutdown\\" in search paths: [''/sbin'']"'
`,
  );
  t.is(hostResults(run.events).filter((e) => e.module === 'assert' && e.status === 'ok').length, 2);
});

test.serial("ansible.posix.sysctl's arguments: state absent, reload false (the file only), ignoreerrors for a key this kernel lacks", async (t) => {
  await passesOnLab(
    t,
    'sysctl',
    `- hosts: h2
  gather_facts: false
  vars: { file: /etc/sysctl.d/90-kp.conf }
  tasks:
    - ansible.posix.sysctl: { name: net.ipv4.ip_forward, value: "1", state: present, reload: true, sysctl_file: "{{ file }}" }
      register: set
    - ansible.posix.sysctl: { name: net.ipv4.ip_forward, value: "1", state: present, reload: true, sysctl_file: "{{ file }}" }
      register: again
    - ansible.posix.sysctl: { name: net.ipv4.tcp_syncookies, value: "0", reload: false, sysctl_file: "{{ file }}" }
      register: file_only
    - ansible.posix.sysctl: { name: kp.no.such.key, value: "1", ignoreerrors: true, sysctl_file: "{{ file }}" }
      register: unknown
    - ansible.posix.sysctl: { name: net.ipv4.ip_forward, state: absent, sysctl_file: "{{ file }}" }
      register: removed
    - command: cat {{ file }}
      register: persisted
    - command: sysctl -n net.ipv4.ip_forward net.ipv4.tcp_syncookies
      register: running
    - file: { path: "{{ file }}", state: absent }
    - command: sysctl -w net.ipv4.ip_forward=0
    - assert:
        that:
          - set is changed and again is not changed and file_only is changed and unknown is changed and removed is changed
          - persisted.stdout_lines == ['net.ipv4.tcp_syncookies = 0', 'kp.no.such.key = 1']
          - running.stdout_lines == ['1', '1']
`,
  );
});

test.serial("systemd's masked: a unit masked (its file elsewhere), left masked, then unmasked and started", async (t) => {
  await passesOnLab(
    t,
    'masked',
    `- hosts: h2
  gather_facts: false
  tasks:
    - file: { path: /usr/local/lib/systemd/system, state: directory }
    - copy: { dest: /usr/local/lib/systemd/system/kp-dummy.service, content: "[Service]\\nExecStart=/bin/sleep 600\\n[Install]\\nWantedBy=multi-user.target\\n" }
    - systemd: { name: kp-dummy, masked: true, daemon_reload: true }
      register: m1
    - systemd: { name: kp-dummy, masked: true }
      register: m2
    - command: systemctl is-enabled kp-dummy
      register: st
      failed_when: false
    - systemd: { name: kp-dummy, masked: false, state: started }
      register: m3
    - systemd: { name: kp-dummy, state: stopped }
    - file: { path: /usr/local/lib/systemd/system/kp-dummy.service, state: absent }
    - systemd: { daemon_reload: true }
    - assert:
        that:
          - m1 is changed and m2 is not changed and st.stdout == 'masked' and m3 is changed
`,
  );
});

test.serial("apt's Ansible arguments through package: a pinned version (fnmatch), allow_downgrade, purge", async (t) => {
  await passesOnLab(
    t,
    'apt',
    `- hosts: h3
  gather_facts: false
  tasks:
    - package: { name: k3s-playbook-probe, state: present }
    - package: { name: k3s-playbook-probe=0.9 }
      register: refused
      ignore_errors: true
    - package: { name: k3s-playbook-probe=0.9, allow_downgrade: true }
      register: downgraded
    - package: { name: "k3s-playbook-probe=0.9*", allow_downgrade: true }
      register: pinned_again
    - command: cat /usr/share/k3s-playbook-probe/version
      register: version
    - apt: { name: k3s-playbook-probe, state: absent, purge: true }
      register: purged
    - command: dpkg-query -W -f '\${db:Status-Abbrev}' k3s-playbook-probe
      register: status
      failed_when: false
    - apt: { name: k3s-playbook-probe, state: present }
    - assert:
        that:
          - refused is failed and downgraded is changed and pinned_again is not changed
          - version.stdout == '0.9' and purged is changed
          - status.stdout is not search('^ii')
`,
  );
});
