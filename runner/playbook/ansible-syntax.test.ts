// What Ansible users write that YAML 1.2 and a strict schema would refuse, read as Ansible reads it.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { debugMessages, localInventory, runJson, workspace } from '../../test/support/workspace.js';
import { parseYaml } from '../yaml/source.js';

test("YAML 1.1's yes/no/on/off are booleans, quoted they are text; numbers stay YAML 1.2's", (t) => {
  const { value } = parseYaml('a: yes\nb: No\nc: on\nd: OFF\ne: "yes"\nf: yesterday\ng: 0644\nh: [no, y]\n', 'x.yaml');
  t.deepEqual(value, { a: true, b: false, c: true, d: false, e: 'yes', f: 'yesterday', g: 644, h: [false, 'y'] });
});

test('key=value arguments with templates and quotes, free-form ones for debug and command, booleans written as words', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  become: no
  vars: { who: "the world", flag: "on" }
  tasks:
    - debug: msg="hello {{ who }}"
    - debug: msg={{ who }}
    - debug: var=who
    - command: chdir=/tmp pwd
      register: here
    - debug: msg="{{ here.stdout }}"
    - lineinfile: path={{ playbook_dir }}/made line='a b' create=yes
    - lineinfile: { path: "{{ playbook_dir }}/made", line: c, create: "{{ flag }}" }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ['hello the world', 'the world', 'who: "the world"', '/tmp']);
  t.is(readFileSync(ws.path('made'), 'utf8'), 'a b\nc\n');
});

test('import_tasks and include_tasks bring in a task file, read before any host is touched, with the when and vars beside them', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: false
  roles: [r]
  tasks:
    - import_tasks: extra.yaml
      vars: { word: play }
`,
    'extra.yaml': '- debug: msg="extra {{ word }}"\n',
    'roles/r/tasks/main.yaml': `- ansible.builtin.import_tasks: setup.yml
  vars: { word: role }
- include_tasks:
    file: skipped.yml
  when: false
`,
    'roles/r/tasks/setup.yml': '- debug: msg="setup {{ word }}"\n',
    'roles/r/tasks/skipped.yml': '- debug: msg="never"\n',
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ['setup role', 'extra play']);
});

test('a task file that is missing, broken or brings itself in stops the run before any host, naming the place', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'missing.yaml': '- hosts: all\n  tasks:\n    - import_tasks: nowhere.yaml\n',
    'loop.yaml': '- hosts: all\n  tasks:\n    - import_tasks: a.yaml\n',
    'a.yaml': '- import_tasks: b.yaml\n',
    'b.yaml': '- import_tasks: a.yaml\n',
    'broken.yaml': '- hosts: all\n  tasks:\n    - import_tasks: bad.yaml\n',
    'bad.yaml': '- copy: { dets: /x }\n',
  });
  t.teardown(ws.cleanup);
  const missing = await runJson(ws.dir, ['missing.yaml']);
  t.is(missing.code, 3);
  t.regex(missing.err, /missing\.yaml:3:\d+: the task file .*nowhere\.yaml does not exist\. Check the file name; it is looked up beside this file\./);
  const loop = await runJson(ws.dir, ['loop.yaml']);
  t.is(loop.code, 3);
  t.regex(loop.err, /brings itself in \(a\.yaml -> b\.yaml -> a\.yaml\)/);
  const broken = await runJson(ws.dir, ['broken.yaml']);
  t.is(broken.code, 3);
  t.regex(broken.err, /bad\.yaml:1:\d+: 'copy' has no argument 'dets'/);
  t.deepEqual(
    [missing, loop, broken].flatMap((run) => run.events.filter((e) => e.type === 'host.result')),
    [],
  );
});
