import test from 'ava';
import { debugMessages, hostResults, localInventory, runJson, workspace } from '../../test/support/workspace.js';

test("setup and gather_facts: the facts as Ansible names them, filter, fact_path's local facts, a bad subset named as Ansible names it", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'facts.d/app.fact': '{"release": "7"}\n',
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - setup:
        filter: [ansible_hostname, ansible_local]
        fact_path: "{{ playbook_dir }}/facts.d"
      register: read
    - debug: { msg: "{{ read.ansible_facts.keys() | sort | join(',') }} {{ ansible_facts.local.app.release }} {{ ansible_local.app.release }}" }
    - gather_facts: { gather_subset: [network, '!hardware'] }
    - debug: { msg: "{{ ansible_facts.hostname == ansible_hostname }} {{ ansible_facts.system }}" }
    - setup: { gather_subset: [nonsense] }
      ignore_errors: true
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ['ansible_hostname,ansible_local 7 7', 'True Linux']);
  const bad = hostResults(run.events).find((e) => e.module === 'setup' && e.status === 'failed');
  t.regex(bad?.msg ?? '', /^Bad subset 'nonsense' given to Ansible\. gather_subset options allowed: all, apparmor/);
});

test("a play's fact gathering is the gather_facts task: gather_subset passes on, it runs whatever --tags says unless the play is tagged", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'subset.yaml': "- hosts: all\n  gather_subset: ['!all', 'bogus']\n  tasks:\n    - debug: { msg: never reached }\n",
    'tagged.yaml': `- hosts: all
  tasks:
    - debug: { msg: "{{ ansible_facts.system | default('no facts') }}" }
      tags: [always]
- hosts: all
  tags: [mine]
  tasks:
    - debug: { msg: "{{ ansible_facts.system | default('no facts') }}" }
      tags: [always]
`,
  });
  t.teardown(ws.cleanup);
  const subset = await runJson(ws.dir, ['subset.yaml']);
  const gathering = hostResults(subset.events).filter((e) => e.task === 'Gathering Facts');
  t.is(gathering[0]?.module, 'gather_facts');
  t.regex(gathering[0]?.msg ?? '', /Bad subset 'bogus'/, "the play's gather_subset reached the module");
  t.is(subset.code, 2, 'a failed gathering fails the host, as in Ansible');
  t.deepEqual(debugMessages(subset.events, 'm1'), []);
  const tagged = await runJson(ws.dir, ['tagged.yaml', '--tags', 'other']);
  t.is(tagged.code, 0, tagged.err);
  t.is(hostResults(tagged.events).filter((e) => e.task === 'Gathering Facts').length, 1, "only the untagged play gathers (its gathering is tagged 'always')");
  t.deepEqual(debugMessages(tagged.events, 'm1'), ['Linux', 'Linux'], 'facts, once gathered, stay for the later play');
});
