import test from 'ava';
import { debugMessages, hostResults, localInventory, runJson, workspace } from '../../test/support/workspace.js';

test("wait_for: search_regex with Python's named groups, a custom message, Ansible's timeout wording, and a plain wait", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - shell: (sleep 1; echo "completed data 123" > {{ playbook_dir }}/keyword) > /dev/null 2>&1 &
    - wait_for: { path: "{{ playbook_dir }}/keyword", search_regex: 'completed (?P<foo>\\w+) ([0-9]+)', timeout: 10 }
      register: found
    - debug: msg="{{ found.match_groups }} {{ found.match_groupdict.foo }} {{ found.path | basename }}"
    - wait_for: { path: "{{ playbook_dir }}/keyword", search_regex: never, timeout: 1 }
      register: missed
      ignore_errors: yes
    - wait_for: { port: 1, timeout: 1, msg: fail with custom message }
      register: custom
      ignore_errors: yes
    - wait_for: { timeout: 1 }
      register: plain
    - debug: msg="{{ missed.msg }} | {{ custom.msg }} | {{ plain.elapsed }}"
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), [
    "['data', '123'] data keyword",
    `Timeout when waiting for search string never in ${ws.path('keyword')} | fail with custom message | 1`,
  ]);
  t.true(hostResults(run.events).some((e) => e.module === 'wait_for' && e.status === 'failed' && e.ignored));
});
