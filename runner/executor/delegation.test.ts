// delegate_to as Ansible resolves it: per loop item, with the delegated host's variables, facts where delegate_facts says.
import test from 'ava';
import { debugMessages, localInventory, runJson, workspace } from '../../test/support/workspace.js';

test('delegate_to is templated per item; delegate_facts puts each set_fact on its delegated host, even under run_once', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1', 'w1']),
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - set_fact: { where: "{{ item }}" }
      delegate_to: "{{ item }}"
      delegate_facts: true
      loop: [m1, w1]
      run_once: true
    - debug: { msg: "{{ where }}" }
    - set_fact: { mine: 1 }
      delegate_to: localhost
      delegate_facts: true
    - debug: { msg: "{{ mine | default('not here') }} {{ hostvars['localhost'].mine }}" }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ['m1', 'not here 1']);
  t.deepEqual(debugMessages(run.events, 'w1'), ['w1', 'not here 1'], "the implicit localhost holds what was delegated to it, as Ansible's does");
  const items = run.events.flatMap((e) => (e.type === 'host.result' && e.module === 'set_fact' ? (e.items ?? []) : []));
  t.deepEqual(
    items.map((item) => item.delegatedTo),
    ['m1', 'w1'],
    'each item reports the host it ran on',
  );
});

test("ansible_delegated_vars holds the delegated host's variables, with the current host as inventory_hostname; set_fact and debug need no connection", async (t) => {
  const ws = await workspace({
    'inventory.yaml': `all:
  hosts:
    m1: { ansible_connection: local, colour: red }
    gone: { ansible_host: 192.0.2.1, colour: blue }
`,
    'site.yaml': `- hosts: m1
  gather_facts: false
  tasks:
    - debug: { msg: "{{ ansible_delegated_vars.gone.colour }} {{ ansible_delegated_vars.gone.inventory_hostname }} {{ colour }}" }
      delegate_to: gone
    - set_fact: { noted: yes }
      delegate_to: gone
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ['blue m1 red'], 'no connection to the unreachable address was tried');
});

test('a set_fact whose task fails sets nothing, as Ansible applies facts only from tasks that did not fail', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - set_fact: { f: 1 }
      failed_when: true
      ignore_errors: true
    - set_fact: { g: "{{ item }}" }
      loop: [1, 2]
    - debug: { msg: "{{ f | default('unset') }} {{ g }}" }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ['unset 2']);
});
