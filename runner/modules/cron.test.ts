import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import test from 'ava';
import { failures, hostResults, localInventory, runJson, workspace } from '../../test/support/workspace.js';
import { editCrontab, type CronJob } from './cron.js';

const job = (change: Partial<CronJob>): CronJob => ({
  name: 'clean',
  job: 'rm -f /tmp/x',
  state: 'present',
  minute: '0',
  hour: '3',
  day: '*',
  month: '*',
  weekday: '*',
  disabled: false,
  ...change,
});

test("a crontab edited as Ansible's cron edits it: a marker line and the job, replaced in place, added at the end, removed with its marker", (t) => {
  const mine = '# mine\n* * * * * date\n';
  const added = editCrontab(mine, job({})) as string;
  t.is(added, '# mine\n* * * * * date\n#Ansible: clean\n0 3 * * * rm -f /tmp/x\n');
  t.is(editCrontab(added, job({})), added, 'the same job again changes nothing');
  t.is(editCrontab(added, job({ special_time: 'daily', disabled: true })), '# mine\n* * * * * date\n#Ansible: clean\n#@daily rm -f /tmp/x\n');
  t.is(editCrontab(added, job({ state: 'absent' })), mine);
  t.is(editCrontab('', job({ user: 'root' })), '#Ansible: clean\n0 3 * * * root rm -f /tmp/x\n', 'a cron.d line names its user');
});

test('variables (env) as Ansible\'s cron keeps them: NAME="value" at the top, or after or before another variable, replaced where it is, removed', (t) => {
  const variable = (change: Partial<CronJob>) => job({ env: true, name: 'PATH', job: '/usr/bin:/bin', ...change });
  const base = 'SHELL="/bin/sh"\n#Ansible: clean\n0 3 * * * rm -f /tmp/x\n';
  t.is(editCrontab(base, variable({})), `PATH="/usr/bin:/bin"\n${base}`);
  t.is(editCrontab(base, variable({ insertafter: 'SHELL' })), 'SHELL="/bin/sh"\nPATH="/usr/bin:/bin"\n#Ansible: clean\n0 3 * * * rm -f /tmp/x\n');
  t.is(editCrontab(base, variable({ name: 'SHELL', job: '/bin/bash' })), base.replace('/bin/sh', '/bin/bash'));
  t.is(editCrontab(base, variable({ name: 'SHELL', state: 'absent' })), '#Ansible: clean\n0 3 * * * rm -f /tmp/x\n');
  t.is((editCrontab(base, variable({ insertbefore: 'MAILTO' })) as Error).message, "Variable named 'MAILTO' not found.");
});

test("cron on this machine: a cron.d file, and a user crontab through crontab(1) (a test double keeping the real one's contract)", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  environment: { PATH: "{{ playbook_dir }}/bin:{{ lookup('env', 'PATH') }}", CRONTAB_DIR: "{{ playbook_dir }}/spool" }
  tasks:
    - cron: { name: nightly, hour: "2", minute: "30", job: /usr/local/bin/backup, cron_file: "{{ playbook_dir }}/cron.d/backup", user: root }
      register: file_job
    - cron: { name: nightly, hour: "2", minute: "30", job: /usr/local/bin/backup, cron_file: "{{ playbook_dir }}/cron.d/backup", user: root }
      register: file_again
    - cron: { name: hourly, special_time: hourly, job: date }
      register: user_job
    - cron: { name: hourly, special_time: hourly, job: date }
      register: user_again
    - cron: { name: nightly, cron_file: "{{ playbook_dir }}/cron.d/backup", state: absent }
      register: file_gone
    - cron: { name: missing-job }
      register: no_job
      ignore_errors: true
    - cron: { name: MAILTO, env: true, job: ops@example.com, backup: true }
      register: with_backup
    - command: cat {{ with_backup.backup_file }}
    - file: { path: "{{ with_backup.backup_file }}", state: absent }
    - assert:
        that:
          - file_job is changed and file_again is not changed and file_job.jobs == ['nightly']
          - user_job is changed and user_again is not changed
          - file_gone is changed
          - "no_job is failed and 'specify \\\\'job\\\\'' in no_job.msg"
          - with_backup is changed and with_backup.envs == ['MAILTO'] and with_backup.jobs == ['hourly']
`,
  });
  t.teardown(ws.cleanup);
  await mkdir(ws.path('bin'));
  await mkdir(ws.path('spool'));
  await mkdir(ws.path('cron.d'));
  // A test double of crontab(1): one crontab per user; with none yet, 'no crontab for USER' and rc 1, as the real one says.
  await writeFile(
    ws.path('bin/crontab'),
    '#!/bin/sh\nuser=$(id -un)\nif [ "$1" = -u ]; then user=$2; shift 2; fi\nf="$CRONTAB_DIR/$user"\ncase "$1" in\n  -l) if [ -f "$f" ]; then cat "$f"; else echo "no crontab for $user" >&2; exit 1; fi ;;\n  -) cat > "$f" ;;\n  *) echo "usage: crontab [-u user] -l | -" >&2; exit 1 ;;\nesac\n',
  );
  await chmod(ws.path('bin/crontab'), 0o755);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.deepEqual(failures(run.events), []);
  t.is(run.code, 0, run.err);
  const user = (await import('node:os')).userInfo().username;
  t.is(await readFile(ws.path(`spool/${user}`), 'utf8'), 'MAILTO="ops@example.com"\n#Ansible: hourly\n@hourly date\n');
  const backedUp = hostResults(run.events).find((e) => e.module === 'command' && e.task.startsWith('command'));
  t.is((backedUp?.result as { stdout?: string }).stdout, '#Ansible: hourly\n@hourly date', 'the backup holds the crontab as it was');
  await t.throwsAsync(readFile(ws.path('cron.d/backup')), { code: 'ENOENT' }, 'the file went with its last job');
});
