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
