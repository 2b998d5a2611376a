// include_tasks and include_role run when reached, their own keywords for themselves alone, as Ansible's dynamic includes.
import test from 'ava';
import { debugMessages, failures, hostResults, localInventory, runCli, runJson, workspace } from '../../test/support/workspace.js';

test("an include's when is judged once, at the include; its tags select the include, not the tasks it brings (apply gives them)", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1', 'w1']),
    'part.yaml': `- set_fact: { done: true }
- debug: { msg: "after set_fact" }
- debug: { msg: "tagged t" }
  tags: [t]
`,
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: part.yaml
      when: done is not defined
      tags: [x]
    - include_tasks:
        file: part.yaml
        apply: { tags: [x] }
      tags: [x]
      when: inventory_hostname == 'm1'
`,
  });
  t.teardown(ws.cleanup);
  const all = await runJson(ws.dir, ['site.yaml']);
  t.is(all.code, 0, all.err);
  // The when is not judged again for each task of the file: the set_fact does not stop the rest.
  t.deepEqual(debugMessages(all.events, 'w1'), ['after set_fact', 'tagged t']);
  t.deepEqual(debugMessages(all.events, 'm1'), ['after set_fact', 'tagged t', 'after set_fact', 'tagged t']);
  const tagged = await runJson(ws.dir, ['site.yaml', '--tags', 'x']);
  t.is(tagged.code, 0, tagged.err);
  t.deepEqual(debugMessages(tagged.events, 'w1'), [], 'the tasks of an include tagged x are not x unless apply says so');
  t.deepEqual(debugMessages(tagged.events, 'm1'), ['after set_fact', 'tagged t'], "apply's tags reach the tasks");
  const listed = await runCli(ws.dir, ['site.yaml', '--list-tasks']);
  t.notRegex(listed.out, /after set_fact/, '--list-tasks shows an include, not what it brings, as Ansible lists it');
});

test('keywords Ansible refuses on an include are refused at load; apply on an import too', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'part.yaml': '- debug: { msg: x }\n',
    'become.yaml': '- hosts: all\n  tasks:\n    - include_tasks: part.yaml\n      become: true\n',
    'apply.yaml': '- hosts: all\n  tasks:\n    - import_tasks:\n        file: part.yaml\n        apply: { tags: [x] }\n',
  });
  t.teardown(ws.cleanup);
  const become = await runCli(ws.dir, ['become.yaml', '--syntax-check']);
  t.is(become.code, 3, 'invalid input');
  t.regex(become.err, /become\.yaml:4:7: 'become' is not a keyword of include_tasks .*apply: \{ become/s);
  const apply = await runCli(ws.dir, ['apply.yaml', '--syntax-check']);
  t.regex(apply.err, /apply\.yaml:3:7: Invalid options for import_tasks: apply/);
});

test('run_once on an include: only the first host includes it; a run_once task inside shares what it sets with the whole batch', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1', 'w1', 'w2']),
    'part.yaml': '- set_fact: { lola: wiseman }\n',
    'site.yaml': `- hosts: all
  gather_facts: false
  vars: { lola: untouched }
  tasks:
    - include_tasks: part.yaml
      run_once: true
    - debug: { msg: "{{ lola }}" }
    - include_tasks: { file: part.yaml, apply: { run_once: true } }
      run_once: true
    - set_fact: { where: "{{ inventory_hostname }}" }
      run_once: true
    - debug: { msg: "{{ lola }} {{ where }}" }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(
    ['m1', 'w1', 'w2'].map((host) => debugMessages(run.events, host)),
    [
      ['wiseman', 'wiseman m1'],
      ['untouched', 'wiseman m1'],
      ['untouched', 'wiseman m1'],
    ],
  );
});

test("include_role: a public role's vars are the play's once the include is reached; tasks_from may be a template; a missing role fails only the hosts that reach it", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'roles/shown/defaults/main.yaml': 'shown_default: yes-shown\n',
    'roles/shown/tasks/main.yaml': '- debug: { msg: "main of shown" }\n',
    'roles/shown/tasks/other.yaml': '- debug: { msg: "other of shown" }\n',
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - debug: { msg: "{{ shown_default | default('not yet') }}" }
    - include_role: { name: shown, public: true }
    - debug: { msg: "{{ shown_default }}" }
    - include_role: { name: shown, tasks_from: "{{ which }}.yml" }
      vars: { which: other }
    - include_role: { name: absent }
      when: false
    - include_role: { name: absent }
      ignore_errors: true
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ['not yet', 'main of shown', 'yes-shown', 'other of shown']);
  const absent = hostResults(run.events).filter((e) => e.module === 'include_role' && e.status === 'failed');
  t.is(absent.length, 1, 'the include under a false when is skipped, the other fails (ignored)');
  t.regex(absent[0].msg ?? '', /role 'absent' was not found/);
  const warnings = run.events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
  t.true(
    warnings.some((message) => /role 'absent' was not found.*the hosts that reach it fail/.test(message)),
    'warned at load',
  );
});

test("loop_control's loop_var may be a template; a role's task file finds an import in the role's tasks/ as Ansible does", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'roles/r/tasks/main.yaml':
      '- include_tasks: each.yaml\n  loop: [a, b]\n  loop_control: { loop_var: "{{ name_of_var }}" }\n  vars: { name_of_var: letter }\n',
    'roles/r/tasks/each.yaml': '- debug: { msg: "letter {{ letter }}" }\n',
    'roles/r/tasks/handlers.yaml': '- debug: { msg: handled }\n',
    'roles/r/handlers/main.yaml': '- name: do it\n  import_tasks: tasks/handlers.yaml\n',
    'site.yaml': '- hosts: all\n  gather_facts: false\n  roles: [r]\n  tasks:\n    - command: "true"\n      notify: do it\n',
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, `${run.err}${failures(run.events).join('\n')}`);
  t.deepEqual(debugMessages(run.events, 'm1'), ['letter a', 'letter b', 'handled']);
});

test("import_playbook's vars win over the imported play's, and its tags reach every task; a playbook for localhost runs without an inventory", async (t) => {
  const ws = await workspace({
    'inner.yaml': `- hosts: localhost
  gather_facts: false
  vars: { colour: red, shape: round }
  tasks:
    - debug: { msg: "{{ colour }} {{ shape }}" }
    - debug: { msg: only tagged }
      tags: [other]
`,
    'site.yaml': '- import_playbook: inner.yaml\n  vars: { colour: blue }\n  tags: [chosen]\n',
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml', '--tags', 'chosen']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'localhost'), ['blue round', 'only tagged']);
  t.regex(run.err, /No inventory was parsed, only implicit localhost is available/);
  const missing = await runCli(ws.dir, ['site.yaml', '-i', 'nope.yaml']);
  t.is(missing.code, 5, 'an inventory named with -i must exist (a bad option)');
});
