import { readFileSync } from 'node:fs';
import test from 'ava';
import { localInventory, runJson, workspace } from '../../test/support/workspace.js';
import { argumentProblem, canonicalArgs } from './arguments.js';
import { resolveModuleName } from './registry.js';

test("Ansible's other names of an argument are its own; the same argument twice is refused", (t) => {
  t.deepEqual(canonicalArgs('file', { dest: '/x', state: 'touch' }), { args: { path: '/x', state: 'touch' } });
  t.deepEqual(canonicalArgs('lineinfile', { destfile: '/x', regex: '^a', value: 'b' }), { args: { path: '/x', regexp: '^a', line: 'b' } });
  t.deepEqual(canonicalArgs('set_fact', { message: 'a', key: 'b' }), { args: { message: 'a', key: 'b' } }, "set_fact's variables are not arguments");
  const twice = canonicalArgs('file', { path: '/x', dest: '/y' });
  t.like(twice, { problem: { key: 'dest' } });
  t.regex('problem' in twice ? twice.problem.message : '', /'file' got 'path' twice: 'dest' is another name of 'path'/);
});

test("collections' names of modules this runner has, with their arguments", (t) => {
  t.is(resolveModuleName('ansible.posix.sysctl'), 'sysctl');
  t.is(resolveModuleName('community.general.modprobe'), 'modprobe');
  t.is(resolveModuleName('community.general.ufw'), 'ufw');
  t.is(resolveModuleName('ansible.builtin.copy'), 'copy');
  t.is(resolveModuleName('community.general.copy'), 'community.general.copy', 'only names a module declares');
  const named = canonicalArgs('ufw', { rule: 'allow', to_port: 22, protocol: 'tcp', from_ip: '10.0.0.0/8' });
  t.deepEqual(named, { args: { rule: 'allow', port: 22, proto: 'tcp', from: '10.0.0.0/8' } });
  t.is(argumentProblem('ufw', 'args' in named ? named.args : {}), undefined);
  t.regex(argumentProblem('ufw', { rule: 'deny', port: 22 })?.message ?? '', /'rule' must be equal to one of the allowed values/);
});

test('a task written with aliases runs as written', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - file: { dest: "{{ playbook_dir }}/made", state: touch }
    - lineinfile: { destfile: "{{ playbook_dir }}/made", regex: "^a=", value: "a=1" }
    - stat: { name: "{{ playbook_dir }}/made" }
      register: made
    - assert: { that: ["made.stat.size == 4"], msg: "the alias did not reach the module" }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err + run.out);
  t.is(readFileSync(ws.path('made'), 'utf8'), 'a=1\n');
});

test("Ansible's copy force: false keeps a file that exists; assert quiet says nothing on success", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    kept: 'edited by the user\n',
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - copy: { dest: "{{ playbook_dir }}/kept", content: "default\\n", force: false }
    - copy: { dest: "{{ playbook_dir }}/new", content: "default\\n", force: no }
    - assert: { that: [true], quiet: true }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.is(readFileSync(ws.path('kept'), 'utf8'), 'edited by the user\n');
  t.is(readFileSync(ws.path('new'), 'utf8'), 'default\n');
  const results = run.events.flatMap((e) => (e.type === 'host.result' ? [[e.module, e.status, e.msg ?? '']] : []));
  t.deepEqual(results, [
    ['copy', 'ok', `${ws.path('kept')} exists (force: false)`],
    ['copy', 'changed', ''],
    ['assert', 'ok', ''],
  ]);
});
