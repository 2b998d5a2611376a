import test from 'ava';
import { debugMessages, hostResults, localInventory, recapOf, runCli, runJson, workspace } from '../../test/support/workspace.js';

// Ansible's playbook keywords and engine modules, each as ansible-core 2.14 runs them, on this machine (local connection).

test('add_host and group_by grow the inventory for later plays (changed the first time); ping answers; meta clear_facts and end_batch', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1', 'w1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - add_host: { name: extra1, groups: [made, other], ansible_connection: local, colour: blue }
      register: added
    - group_by: { key: "kind {{ inventory_hostname[0] }}" }
      register: grouped
    - debug: msg="{{ added is changed }} {{ grouped is changed }} {{ groups['made'] }}"
    - ping: {}
      register: pong
    - debug: msg="{{ pong.ping }}"
- hosts: made
  gather_facts: no
  tasks:
    - debug: msg="{{ inventory_hostname }} {{ colour }} {{ group_names | sort | join(',') }}"
- hosts: kind-w
  gather_facts: no
  tasks:
    - set_fact: { seen: yes }
    - meta: clear_facts
    - debug: msg="in kind-w"
    - meta: end_batch
    - debug: msg="not reached"
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ["True True ['extra1']", 'pong'], 'add_host runs once for the batch');
  t.deepEqual(debugMessages(run.events, 'extra1'), ['extra1 blue made,other']);
  t.deepEqual(debugMessages(run.events, 'w1'), ["True True ['extra1']", 'pong', 'in kind-w']);
});

test('keywords Ansible takes: vars as a list, local_action, loop_control extended and pause, import_playbook with when, roles by name with parameters', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'roles/greet/defaults/main.yaml': 'greeting: hello\nshared_default: from greet\n',
    'roles/greet/tasks/main.yaml': '- debug: msg="{{ greeting }} {{ who }}"\n',
    'roles/other/tasks/main.yaml': '- debug: msg="{{ shared_default }}"\n',
    'more.yaml': '- hosts: all\n  gather_facts: no\n  tasks:\n    - debug: msg=imported\n',
    'site.yaml': `- hosts: all
  gather_facts: no
  vars:
    - a: 1
    - b: 2
  roles:
    - name: greet
      who: you
    - role: other
  tasks:
    - debug: msg="{{ a + b }}"
    - local_action: command echo local
      register: here
    - debug: msg="{{ here.stdout }} {{ here is not skipped }}"
    - debug: msg="{{ ansible_loop.index }}/{{ ansible_loop.length }} {{ ansible_loop.previtem | default('-') }} {{ ansible_loop.allitems }}"
      loop: [x, y]
      loop_control: { extended: true, pause: 0.1 }
- import_playbook: more.yaml
  when: false
- import_playbook: more.yaml
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(
    debugMessages(run.events, 'm1'),
    ['hello you', 'from greet', '3', 'local True', 'All items completed', 'imported'],
    'the imported playbook under a false when does nothing',
  );
  const looped = hostResults(run.events).find((e) => e.items?.length === 2);
  t.deepEqual(
    looped?.items?.map((item) => item.label),
    ['x', 'y'],
  );
  const results = looped?.result?.results as Array<{ msg: string }>;
  t.deepEqual(
    results.map((r) => r.msg),
    ["1/2 - ['x', 'y']", "2/2 x ['x', 'y']"],
  );
  t.regex(JSON.stringify(looped?.result), /"index":1,"index0":0,"first":true,"last":false,"length":2/, 'ansible_loop is in each item result');
});

test("results as Ansible's TaskExecutor gives them: skip_reason, failed_when_result, loop messages, an empty loop", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - command: echo never
      when: false
      register: skipped_one
    - command: echo x
      failed_when: false
      register: judged
    - debug: msg="{{ item }}"
      loop: [1, 2]
      when: item > 1
      register: partly
    - debug: msg="{{ item }}"
      loop: []
      register: none_at_all
    - set_fact: "{{ item }}=set"
      loop: [dyn_a, dyn_b]
    - debug: msg="{{ skipped_one.skip_reason }}|{{ judged.failed_when_result }}|{{ partly.msg }}|{{ partly.results[0].skipped }}|{{ partly.results[1].ansible_loop_var }}|{{ none_at_all.skipped_reason }}|{{ dyn_a }} {{ dyn_b }}"
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1').at(-1), 'Conditional result was False|False|All items completed|True|item|No items in the list|set set');
});

test('connection variables given in a play or task are honoured: an unreachable inventory address, reached locally by the play', async (t) => {
  const ws = await workspace({
    // SSH to a closed port on loopback: refused at once.
    'inventory.yaml':
      'all:\n  hosts:\n    far: { ansible_host: 127.0.0.1, ansible_port: 1, ansible_user: nobody, ansible_ssh_retries: 0, ansible_ssh_timeout: 2 }\n',
    'site.yaml': `- hosts: all
  gather_facts: no
  vars: { ansible_connection: local }
  tasks:
    - command: echo reached
      register: out
    - debug: msg="{{ out.stdout }}"
- hosts: all
  gather_facts: no
  tasks:
    - command: echo never
      ignore_unreachable: true
      register: gone
    - debug: msg="{{ gone.unreachable }} {{ gone.skip_reason }}"
      vars: { ansible_connection: local }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.deepEqual(debugMessages(run.events, 'far'), ['reached', 'True Host far is unreachable']);
  t.like(recapOf(run.events).far, { unreachable: 0, skipped: 1 }, 'ignore_unreachable counts the task as skipped and keeps the host');
});

test('a task title is never empty: a name that renders to nothing shows the module, one that cannot be rendered shows as written', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - name: "{{ images | default('') | basename }}"
      debug: msg=x
    - name: "{{ images | basename }}"
      debug: msg=y
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  const titles = run.events.flatMap((e) => (e.type === 'task.start' ? [e.name] : []));
  t.deepEqual(titles, ['debug', '{{ images | basename }}']);
});

// Serial: the settings are the process's, as Ansible's configuration is, and other tests run beside these.
test.serial("Ansible's settings from the environment: ANSIBLE_GATHERING (implicit, explicit, smart) and ANSIBLE_JINJA2_NATIVE", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  tasks:
    - set_fact: { sum: "{{ 1 + 2 }}", word: "yes" }
    - debug: msg="{{ sum | type_debug }} {{ word | type_debug }}"
- hosts: all
  tasks:
    - debug: msg=second
- hosts: all
  gather_facts: true
  tasks:
    - debug: msg=third
`,
  });
  t.teardown(ws.cleanup);
  const gathered = async (env: NodeJS.ProcessEnv) => {
    const run = await runJson(ws.dir, ['site.yaml'], env);
    t.is(run.code, 0, run.err);
    return { plays: hostResults(run.events).filter((e) => e.module === 'gather_facts').length, msgs: debugMessages(run.events, 'm1') };
  };
  t.deepEqual(await gathered({}), { plays: 3, msgs: ['str bool', 'second', 'third'] }, 'implicit: every play gathers; set_fact makes "yes" a boolean');
  t.is((await gathered({ ANSIBLE_GATHERING: 'explicit' })).plays, 1, 'explicit: only the play that asks');
  t.is((await gathered({ ANSIBLE_GATHERING: 'smart' })).plays, 1, 'smart: once per host in a run');
  t.deepEqual((await gathered({ ANSIBLE_JINJA2_NATIVE: 'true' })).msgs[0], 'int str', 'native: the sum stays a number, and set_fact leaves words alone');
  const wrong = await runCli(ws.dir, ['site.yaml'], { ANSIBLE_GATHERING: 'sometimes' });
  t.is(wrong.code, 5, 'bad options, as ansible-playbook says');
  t.regex(wrong.err, /ANSIBLE_GATHERING is 'sometimes'.*one of: implicit, explicit, smart/);
});

test('an environment variable that needs the ansible_env facts before they are gathered is left out, as in Ansible; the others are set', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: false
  environment:
    PATH: "{{ ansible_env.PATH }}:/opt/extra"
    GREETING: hello
  tasks:
    - shell: echo "$GREETING $PATH"
      register: before
    - setup: { gather_subset: [min] }
    - shell: echo "$PATH"
      register: after
    - debug: msg="{{ before.stdout.startswith('hello ') and '/opt/extra' not in before.stdout }} {{ after.stdout.endswith(':/opt/extra') }}"
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ['True True']);
});

test("hostvars.NAME as Ansible's HostVarsVars templates it: a variable that needs an undefined one reads as written there, and fails where it is used", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'later.yaml': 'later: "{{ not_yet }}"\nuses_later: "{{ later | upper }}"\nfine: "{{ 1 + 1 }}"\n',
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - include_vars: later.yaml
    - debug: msg="{{ hostvars['m1'].later }}|{{ hostvars['m1'].uses_later }}|{{ hostvars['m1'].fine }}"
    - debug: msg="{{ later }}"
      ignore_errors: true
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  // Read off ansible-playbook 2.14.18 on the same playbook.
  t.deepEqual(debugMessages(run.events, 'm1'), ['{{ not_yet }}|{{ later | upper }}|2']);
  t.regex(String(hostResults(run.events).find((e) => e.status === 'failed')?.msg), /undefined variable 'not_yet'/);
});

test("an include's vars are include params, above set_fact; an import's are its tasks' vars; the old 'include' reads as 2.14 reads it", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'show.yaml': '- debug: msg="{{ a }}"\n',
    'handlers.yaml': '- name: said\n  debug: msg=handler\n',
    'roles/r/tasks/main.yaml': '- debug: msg="{{ a }}"\n',
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - set_fact: { a: fact }
    - include_tasks: show.yaml
      vars: { a: include_tasks }
    - import_tasks: show.yaml
      vars: { a: import_tasks }
    - include: show.yaml
      vars: { a: include }
    - include: show.yaml a=include_args
    - block:
        - include_tasks: show.yaml
      vars: { a: block }
    - include_role: { name: r }
      vars: { a: include_role }
    - import_role: { name: r }
      vars: { a: import_role }
    - command: "true"
      notify: said
  handlers:
    - include: handlers.yaml
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  // Read off ansible-playbook 2.14.18 on the same playbook (a handler in a file the old include reads is notified by name).
  t.deepEqual(debugMessages(run.events, 'm1'), ['include_tasks', 'fact', 'include', 'fact', 'fact', 'include_role', 'fact', 'handler']);
});

test("debug's var as Ansible's debug action reads it: a bare expression, a filter, a variable holding a template; undefined says so; a failing filter fails the task", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: false
  vars: { x: { y: 1 }, t: "{{ 1 + 1 }}" }
  tasks:
    - debug: var=x.y
    - debug: var=nope
    - debug: var=t
    - debug: var="x | dict2items"
    - debug: { var: x.nope }
    - debug: { var: "'http://h/' | urlsplit('bad_part')" }
      ignore_errors: true
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  // The values ansible-playbook 2.14.18 prints for the same tasks.
  const values = hostResults(run.events)
    .filter((e) => e.status === 'ok')
    .map((e) => Object.entries(e.result ?? {}).find(([key]) => !['changed', 'msg', 'failed'].includes(key))?.[1]);
  t.deepEqual(values, ['1', 'VARIABLE IS NOT DEFINED!', '2', [{ key: 'y', value: 1 }], 'VARIABLE IS NOT DEFINED!']);
  t.regex(String(hostResults(run.events).find((e) => e.status === 'failed')?.msg), /unknown URL component: bad_part/);
});

test("the play's host lists as Ansible's magic variables: a host that failed leaves ansible_play_hosts and ansible_play_batch; play_hosts is the batch", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1', 'w1', 'w2']),
    'site.yaml': `- hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - block:
        - fail:
          when: inventory_hostname == 'm1'
      rescue:
        - fail:
          when: inventory_hostname == 'm1'
    - debug: msg="{{ ansible_play_hosts }} {{ ansible_play_batch }} {{ play_hosts }} {{ ansible_play_hosts_all | length }}"
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 2);
  t.deepEqual(debugMessages(run.events, 'w1'), ["['w1', 'w2'] ['w1'] ['w1'] 3"]);
  t.deepEqual(debugMessages(run.events, 'w2'), ["['w1', 'w2'] ['w2'] ['w2'] 3"]);
});

test("!unsafe text is never templated; a role's defaults may be a folder of files, merged in the order of their paths", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'roles/data/defaults/main/00.yml': 'defined_var: 0\nlater: a\n',
    'roles/data/defaults/main/01.yml': 'defined_var: 1\n',
    'roles/data/defaults/main/sub/x.yml': 'deeper: d\n',
    'roles/data/tasks/main.yml': `- debug: msg="{{ raw }} {{ defined_var }} {{ later }} {{ deeper }} {{ items_ }}"
  vars:
    raw: !unsafe "{{ not_templated }}"
    items_: [!unsafe "{% x %}", "{{ 1 + 1 }}"]
`,
    'site.yaml': '- hosts: all\n  gather_facts: false\n  roles: [data]\n',
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  // What ansible-playbook 2.14.18 prints for the same role.
  t.deepEqual(debugMessages(run.events, 'm1'), ["{{ not_templated }} 1 a d ['{% x %}', '2']"]);
});

test('a keyword rendered to omit is not given: check_mode "{{ omit }}" leaves the run\'s own setting', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - copy: { dest: "{{ playbook_dir }}/foo", content: foo }
      check_mode: "{{ omit }}"
      register: cmode
      loop: [1, 2]
    - debug: msg="{{ cmode.results | map(attribute='changed') | join(',') }}"
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ['True,False'], 'written by the first item (not in check mode), already there for the second');
});
