// Handlers and blocks as Ansible's strategy runs them.
import test from 'ava';
import { debugMessages, localInventory, runCli, runJson, workspace } from '../../test/support/workspace.js';

test('a notified name runs one handler (a templated name counts; a later role block wins, the first of a block), every listener, and --force-handlers runs them on failed hosts', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'roles/r/handlers/main.yaml': '- name: h1\n  debug: { msg: "h1 of the role" }\n',
    'roles/r/tasks/main.yaml': '- command: "true"\n  notify: h1\n- meta: flush_handlers\n',
    'site.yaml': `- hosts: all
  gather_facts: false
  vars: { second: h2, names: [h1, h2] }
  handlers:
    - name: h1
      debug: { msg: first h1 }
    - name: h1
      debug: { msg: second h1 }
    - name: "{{ second }}"
      debug: { msg: templated h2 }
    - debug: { msg: listener }
      listen: h1
  tasks:
    - command: "true"
      notify: "{{ names }}"
    - meta: flush_handlers
    - include_role: { name: r }
    - command: "true"
      notify: h1
    - fail: { msg: stop here }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 2);
  // Handlers run in the play's order: an include_role's join after the play's own, when it is reached.
  t.deepEqual(debugMessages(run.events, 'm1'), ['first h1', 'templated h2', 'listener', 'listener', 'h1 of the role'], 'the failed host runs no handlers');
  const forced = await runJson(ws.dir, ['site.yaml', '--force-handlers']);
  t.deepEqual(
    debugMessages(forced.events, 'm1'),
    ['first h1', 'templated h2', 'listener', 'listener', 'h1 of the role', 'listener', 'h1 of the role'],
    'with --force-handlers the notification before the failure still runs',
  );
});

test('flush_handlers as a handler is refused at load, as Ansible refuses it', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': '- hosts: all\n  handlers:\n    - name: h\n      meta: flush_handlers\n  tasks:\n    - command: "true"\n      notify: h\n',
  });
  t.teardown(ws.cleanup);
  const run = await runCli(ws.dir, ['site.yaml', '--syntax-check']);
  t.is(run.code, 3);
  t.regex(run.err, /site\.yaml:3:7: flush_handlers cannot be used as a handler/);
});

test("any_errors_fatal waits for a block's always; meta: clear_host_errors there keeps the host in the play", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1', 'w1']),
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - block:
        - block:
            - fail: { msg: expected }
              when: inventory_hostname == 'm1'
          any_errors_fatal: true
      always:
        - debug: { msg: always ran }
        - meta: clear_host_errors
    - debug: { msg: still here }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 2, 'the failure still counts in the recap');
  t.deepEqual(debugMessages(run.events, 'm1'), ['always ran', 'still here']);
  t.deepEqual(debugMessages(run.events, 'w1'), ['always ran', 'still here']);
});

test("set_fact turns the words yes, no, true and false into booleans, as Ansible's does; -i takes a host list and -c the connection", async (t) => {
  const ws = await workspace({
    'site.yaml': `- hosts: all
  gather_facts: false
  vars: { word: "no" }
  tasks:
    - set_fact: { a: "yes", b: "{{ word }}", c: "maybe", cacheable: true }
    - debug: { msg: "{{ a is sameas true }} {{ b is sameas false }} {{ c }} {{ cacheable is defined }}" }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml', '-i', 'here1,here2', '-c', 'local']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'here2'), ['True True maybe False']);
});
