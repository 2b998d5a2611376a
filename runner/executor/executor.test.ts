import { chmod, readFile, stat } from 'node:fs/promises';
import test from 'ava';
import { debugMessages, failures, hostResults, localInventory, recapOf, runJson, workspace } from '../../test/support/workspace.js';

test('variable precedence: defaults < inventory < play < vars_files < role vars < task vars < set_fact < role params < extra vars', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1'], '    v_inv: group\n    v_play: group\n'),
    'host_vars/m1.yaml': 'v_inv: host\n',
    'vars.yaml': 'v_file: file\nv_rolevars: file\n',
    'roles/r/defaults/main.yaml':
      'v_default: default\nv_inv: default\nv_play: default\nv_file: default\nv_rolevars: default\nv_task: default\nv_fact: default\nv_param: default\nv_extra: default\n',
    'roles/r/vars/main.yaml': 'v_rolevars: rolevars\nv_task: rolevars\n',
    'roles/r/tasks/main.yaml': `- set_fact: { v_fact: fact, v_param: fact }
- debug: { msg: "{{v_default}} {{v_inv}} {{v_play}} {{v_file}} {{v_rolevars}} {{v_task}} {{v_fact}} {{v_param}} {{v_extra}}" }
  vars: { v_task: task, v_fact: task }
`,
    'site.yaml': `- hosts: all
  gather_facts: false
  vars: { v_play: play, v_file: play }
  vars_files: [vars.yaml]
  roles:
    - role: r
      vars: { v_param: param, v_extra: param }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml', '-e', 'v_extra=extra']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ['default host play file rolevars task fact param extra']);
});

test('loops, registers and per-item conditions', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: false
  vars: { items: [1, 2, 3] }
  tasks:
    - name: echo items
      command: echo n{{ item }}
      loop: "{{ items }}"
      when: item != 2
      register: echoed
      changed_when: false
    - debug: { msg: "{{ echoed.results | length }} {{ echoed.results[0].stdout }} {{ echoed.results.1.skipped }} {{ echoed.results[2].stdout }}" }
    - name: index var
      debug: { msg: "{{ idx }}={{ x.name }}" }
      loop: [{ name: a }, { name: b }]
      loop_control: { loop_var: x, index_var: idx, label: "{{ x.name }}" }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1').slice(0, 1), ['3 n1 True n3'], 'a boolean printed into text reads as Python prints it, as in Ansible');
  const looped = hostResults(run.events).find((e) => e.task === 'index var');
  t.deepEqual(
    looped?.items?.map((i) => i.label),
    ['a', 'b'],
  );
  t.deepEqual(
    (looped?.result?.results as Array<{ msg: string }> | undefined)?.map((r) => r.msg),
    ['0=a', '1=b'],
  );
});

test('handlers run once, at the end of the section, in their written order, only after a change', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1', 'w1']),
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - copy: { dest: "${'{{ playbook_dir }}'}/out-{{ inventory_hostname }}", content: "v1" }
      notify: [second, first]
    - copy: { dest: "${'{{ playbook_dir }}'}/out2-{{ inventory_hostname }}", content: "v1" }
      notify: second
      when: inventory_hostname == 'm1'
    - name: mid
      debug: { msg: mid }
    - meta: flush_handlers
    - name: after flush
      debug: { msg: after }
  handlers:
    - name: first
      debug: { msg: "first handler" }
    - name: second
      debug: { msg: "second handler" }
    - name: never notified
      debug: { msg: never }
`,
  });
  t.teardown(ws.cleanup);
  const first = await runJson(ws.dir, ['site.yaml']);
  t.is(first.code, 0, first.err);
  t.deepEqual(debugMessages(first.events, 'm1'), ['mid', 'first handler', 'second handler', 'after']);
  t.deepEqual(debugMessages(first.events, 'w1'), ['mid', 'first handler', 'second handler', 'after']);
  const second = await runJson(ws.dir, ['site.yaml']);
  t.deepEqual(debugMessages(second.events, 'm1'), ['mid', 'after'], 'no change, no handler');
  t.is(recapOf(second.events).m1.changed, 0);
});

test('block, rescue and always: rescue only for the failed hosts, counted as rescued', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1', 'w1']),
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - block:
        - command: /bin/false
          when: inventory_hostname == 'w1'
        - debug: { msg: "block went on" }
      rescue:
        - debug: { msg: "rescued" }
      always:
        - debug: { msg: "always" }
    - block:
        - fail: { msg: "unrescued" }
          when: inventory_hostname == 'm1'
      always:
        - debug: { msg: "always again" }
    - debug: { msg: "after" }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 2, 'a failure nothing rescued fails the run');
  t.deepEqual(debugMessages(run.events, 'm1'), ['block went on', 'always', 'always again']);
  t.deepEqual(debugMessages(run.events, 'w1'), ['rescued', 'always', 'always again', 'after']);
  const recap = recapOf(run.events);
  t.like(recap.w1, { failed: 0, rescued: 1 });
  t.like(recap.m1, { failed: 1, rescued: 0 });
});

test('check mode changes nothing and says what would change', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    existing: 'old\n',
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - copy: { dest: "{{ playbook_dir }}/new-file", content: "x" }
    - copy: { dest: "{{ playbook_dir }}/existing", content: "new\\n" }
    - file: { path: "{{ playbook_dir }}/dir", state: directory }
    - lineinfile: { path: "{{ playbook_dir }}/existing", line: added }
    - command: touch {{ playbook_dir }}/by-command
    - name: read-only command runs in check mode when asked
      command: cat {{ playbook_dir }}/existing
      check_mode: false
      register: current
      changed_when: false
    - debug: { msg: "{{ current.stdout }}" }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml', '--check', '--diff']);
  t.is(run.code, 0, run.err);
  t.like(recapOf(run.events).m1, { changed: 4, skipped: 1 });
  t.is(await readFile(ws.path('existing'), 'utf8'), 'old\n');
  for (const path of ['new-file', 'dir', 'by-command']) t.is(await stat(ws.path(path)).catch(() => undefined), undefined, `${path} must not exist`);
  const diff = hostResults(run.events).find((e) => e.diff?.[0]?.before === 'old\n');
  t.is(diff?.diff?.[0]?.after, 'new\n');
  t.deepEqual(debugMessages(run.events, 'm1'), ['old']);
});

test('exit codes: failed host 2, ignored failure 0, until retries then fails', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1', 'w1']),
    'fail.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - fail: { msg: nope }
      when: inventory_hostname == 'w1'
    - debug: { msg: "still here" }
`,
    'ignore.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - command: /bin/false
      ignore_errors: true
    - shell: n=$(( $(cat {{ playbook_dir }}/n-{{ inventory_hostname }} 2>/dev/null || echo 0) + 1 )); echo $n > {{ playbook_dir }}/n-{{ inventory_hostname }}; echo $n
      register: counter
      until: counter.stdout == "3"
      retries: 5
      delay: 0
    - debug: { msg: "{{ counter.attempts }}" }
    - command: /bin/false
      until: false
      retries: 1
      delay: 0
`,
  });
  t.teardown(ws.cleanup);
  const failed = await runJson(ws.dir, ['fail.yaml']);
  t.is(failed.code, 2);
  t.deepEqual(debugMessages(failed.events, 'm1'), ['still here']);
  t.deepEqual(debugMessages(failed.events, 'w1'), [], 'a failed host drops out');
  const ignored = await runJson(ws.dir, ['ignore.yaml']);
  t.is(ignored.code, 2);
  t.deepEqual(debugMessages(ignored.events, 'm1'), ['3']);
  t.like(recapOf(ignored.events).m1, { ignored: 1, failed: 1 });
  const last = hostResults(ignored.events)
    .filter((e) => e.host === 'm1')
    .at(-1);
  // As ansible-core 2.14 reports an until that never held: failed, the module's own message, attempts one less than were made.
  t.regex(last?.msg ?? '', /non-zero return code/);
  t.like(last?.result, { failed: true, attempts: 1 });
});

test('run_once, delegate_to localhost, any_errors_fatal and serial batches', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1', 'w1', 'w2']),
    'site.yaml': `- hosts: all
  gather_facts: false
  serial: [1, 2]
  tasks:
    - command: echo {{ inventory_hostname }}
      register: who
      run_once: true
      changed_when: false
    - debug: { msg: "{{ who.stdout }} {{ play_hosts | length }}" }
    - command: hostname
      delegate_to: localhost
      changed_when: false
- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - fail: {}
      when: inventory_hostname == 'w2'
    - debug: { msg: "not reached" }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 2);
  t.deepEqual(debugMessages(run.events, 'm1'), ['m1 1'], 'first batch is one host');
  t.deepEqual(debugMessages(run.events, 'w1'), ['w1 2'], 'second batch: run_once ran on w1 and is shared');
  t.deepEqual(debugMessages(run.events, 'w2'), ['w1 2']);
  t.is(run.events.filter((e) => e.type === 'play.start').length, 3, 'two batches, then the second play');
  const delegated = hostResults(run.events).find((e) => e.delegatedTo === 'localhost');
  t.truthy(delegated);
  // The reporters' contract: a task's start names exactly the hosts that will report a result for it.
  let open: { name: string; hosts: string[]; results: string[] } | undefined;
  for (const event of run.events) {
    if (event.type === 'task.start') open = { name: event.name, hosts: [...event.hosts].sort(), results: [] };
    if (event.type === 'host.result') open?.results.push(event.host);
    if (event.type === 'task.end') t.deepEqual(open?.results.sort(), open?.hosts, `task '${open?.name}'`);
  }
});

test('a batch that failed entirely or passed max_fail_percentage stops the run, later plays included, as in Ansible', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1', 'w1', 'w2', 'w3']),
    'rolling.yaml': `- hosts: all
  gather_facts: false
  serial: 2
  max_fail_percentage: 0
  tasks:
    - fail: {}
      when: inventory_hostname == 'w1'
    - debug: { msg: "after" }
- hosts: all
  gather_facts: false
  tasks:
    - debug: { msg: "next play" }
`,
    'tolerant.yaml': `- hosts: all
  gather_facts: false
  serial: 2
  max_fail_percentage: 50
  tasks:
    - fail: {}
      when: inventory_hostname == 'w1'
    - debug: { msg: "after" }
`,
    'rescued.yaml': `- hosts: all
  gather_facts: false
  serial: 2
  max_fail_percentage: 0
  tasks:
    - block:
        - fail: {}
          when: inventory_hostname == 'w1'
      rescue:
        - debug: { msg: "rescued" }
        - fail: { msg: "the rescue gives up" }
    - debug: { msg: "after" }
`,
    'whole.yaml': `- hosts: w1
  gather_facts: false
  tasks:
    - fail: {}
- hosts: m1
  gather_facts: false
  tasks:
    - debug: { msg: "next play" }
`,
  });
  t.teardown(ws.cleanup);
  const rolling = await runJson(ws.dir, ['rolling.yaml']);
  t.is(rolling.code, 2);
  t.deepEqual(debugMessages(rolling.events, 'm1'), [], 'm1 shares the batch that passed 0%: no task after the failure');
  t.deepEqual(debugMessages(rolling.events, 'w2'), [], 'the second batch never starts');
  t.deepEqual(debugMessages(rolling.events, 'w3'), [], 'nor does the next play');
  const warning = rolling.events.find((e) => e.type === 'warning' && e.message.includes('stopped the run'));
  t.regex(warning?.type === 'warning' ? warning.message : '', /max_fail_percentage 0: 1 of 2 host\(s\) failed\); not started: w2, w3/);
  const tolerant = await runJson(ws.dir, ['tolerant.yaml']);
  t.deepEqual(debugMessages(tolerant.events, 'm1'), ['after'], '1 of 2 is not more than 50%');
  t.deepEqual(debugMessages(tolerant.events, 'w3'), ['after']);
  // A failure with a rescue waiting is not a failure yet (Ansible counts it only if the rescue fails too).
  const rescued = await runJson(ws.dir, ['rescued.yaml']);
  t.is(rescued.code, 2);
  t.deepEqual(debugMessages(rescued.events, 'w1'), ['rescued']);
  t.deepEqual(debugMessages(rescued.events, 'm1'), [], 'the rescue failed: the batch stops');
  t.deepEqual(debugMessages(rescued.events, 'w2'), []);
  const whole = await runJson(ws.dir, ['whole.yaml']);
  t.deepEqual(debugMessages(whole.events, 'm1'), [], 'a play whose every host failed ends the run');
});

test("a loop over a variable that is not there is an error only when the task's when holds, as in Ansible", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - command: "echo {{ item }}"
      loop: "{{ never_registered.stdout_lines }}"
      loop_control: { index_var: i }
      when:
        - false
        - i > 1
    - debug: { msg: "reached" }
    - command: "echo {{ item }}"
      loop: "{{ never_registered.stdout_lines }}"
      when: true
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.deepEqual(debugMessages(run.events, 'm1'), ['reached'], 'the first loop was skipped, not an error');
  t.is(run.code, 2);
  t.regex(failures(run.events).join('\n'), /undefined variable 'never_registered/);
});

test('tags, skip-tags, --role, --start-at-task and --list-tasks select the same tasks', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'roles/a/tasks/main.yaml': '- name: a1\n  debug: { msg: a1 }\n  tags: [x]\n',
    'roles/b/tasks/main.yaml': '- name: b1\n  debug: { msg: b1 }\n- name: b2\n  debug: { msg: b2 }\n  tags: [never, debugonly]\n',
    'site.yaml': `- hosts: all
  gather_facts: false
  roles: [a, b]
  tasks:
    - name: t1
      debug: { msg: t1 }
      tags: [always]
`,
  });
  t.teardown(ws.cleanup);
  const msgs = async (...args: string[]) => debugMessages((await runJson(ws.dir, ['site.yaml', ...args])).events, 'm1');
  t.deepEqual(await msgs(), ['a1', 'b1', 't1']);
  t.deepEqual(await msgs('--tags', 'x'), ['a1', 't1']);
  t.deepEqual(await msgs('--skip-tags', 'x'), ['b1', 't1']);
  t.deepEqual(await msgs('--tags', 'debugonly'), ['b2', 't1']);
  t.deepEqual(await msgs('--role', 'b'), ['b1']);
  t.deepEqual(await msgs('--start-at-task', 'b1'), ['b1', 't1']);
  const listed = await runJson(ws.dir, ['site.yaml', '--list-tasks', '--role', 'a']);
  t.regex(listed.out, /a : a1\tTAGS: \[x\]/);
  t.notRegex(listed.out, /b1/);
});

test('secrets: no_log results and secret-named variables never appear in output or events', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1'], '    k3s_token: K10abcdef::server:verysecret\n'),
    'secret.txt': 'slurped-secret-value\n',
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - command: cat {{ playbook_dir }}/secret.txt
      register: node_secret
      no_log: true
      changed_when: false
    - debug: { msg: "token is {{ k3s_token }} and file is {{ node_secret.stdout }}" }
    - command: echo {{ node_secret.stdout }}
      changed_when: false
    - slurp: { src: "{{ playbook_dir }}/secret.txt" }
      register: slurped_token
    - debug: { msg: "read {{ slurped_token.source }}: {{ slurped_token.content }}" }
`,
  });
  t.teardown(ws.cleanup);
  for (const format of [['--json'], ['-v']]) {
    const run = await runJson(ws.dir, ['site.yaml', ...format]);
    t.is(run.code, 0, run.err);
    const everything = run.out + run.err;
    t.notRegex(everything, /verysecret|slurped-secret-value|c2x1cnBlZC1zZWNyZXQtdmFsdWUK/);
    t.regex(everything, /token is \*{8} and file is \*{8}/);
    t.true(everything.includes(`read ${ws.dir}/secret.txt: ********`), 'where the secret lives stays readable');
  }
});

test('a play whose hosts all failed earlier is skipped, not a crash', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1', 'w1']),
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - fail: { msg: "m1 breaks" }
      when: inventory_hostname == 'm1'
- hosts: master
  tasks:
    - debug: { msg: never }
- hosts: worker
  tasks:
    - debug: { msg: "w1 goes on" }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 2, run.err);
  t.deepEqual(debugMessages(run.events, 'w1'), ['w1 goes on']);
  t.truthy(run.events.find((e) => e.type === 'warning' && /no hosts left/.test(e.message)));
});

test("what a host answered is data, never a template: a registered '{{ x }}' is written as it is, through set_fact too", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1'], '    secret_token: do-not-leak-123\n'),
    'answer.txt': '{{ secret_token }}',
    'broken.txt': '{{ broken',
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - { command: "cat {{ playbook_dir }}/answer.txt", register: out, changed_when: false }
    - { command: "cat {{ playbook_dir }}/broken.txt", register: broken, changed_when: false }
    - set_fact: { copied: "{{ out.stdout }}" }
    - copy: { content: "{{ out.stdout }}", dest: "{{ playbook_dir }}/registered.txt" }
    - copy: { content: "{{ copied }}", dest: "{{ playbook_dir }}/fact.txt" }
    - debug: { msg: "{{ broken.stdout }} and {{ item }}" }
      loop: ["{{ out.stdout }}"]
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err + run.out);
  t.is(await readFile(ws.path('registered.txt'), 'utf8'), '{{ secret_token }}');
  t.is(await readFile(ws.path('fact.txt'), 'utf8'), '{{ secret_token }}');
  const looped = hostResults(run.events).find((e) => e.module === 'debug');
  t.is((looped?.result?.results as Array<{ msg: string }> | undefined)?.[0]?.msg, '{{ broken and {{ secret_token }}');
});

test('a secret too short to mask is refused before any host is reached, naming it and where it was set', async (t) => {
  const ws = await workspace({ 'inventory.yaml': localInventory(['m1']), 'site.yaml': '- hosts: all\n  tasks:\n    - debug: { msg: "{{ k3s_token }}" }\n' });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml', '-e', 'k3s_token=abcde']);
  t.is(run.code, 3);
  t.regex(run.err, /the secret 'k3s_token' \(-e \(extra vars\)\) is shorter than 6 characters/);
  t.false(run.out.includes('abcde') || run.err.includes('abcde'));
  t.deepEqual(hostResults(run.events), [], 'nothing ran');
});

test('masking hides the secrets and nothing else: ordinary values in a no_log result stay visible later', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1'], '    cluster_name: k3s-playbook\n    app_dir: /var/lib/k3s-playbook/app\n    admin_password: s3cret-pass\n'),
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - { command: "printf '%s\\n' {{ cluster_name }} {{ app_dir }} generated-key-material", no_log: true, changed_when: false }
    - debug: { msg: "{{ cluster_name }} in {{ app_dir }}; generated-key-material; s3cret-pass" }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml', '-v']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ['k3s-playbook in /var/lib/k3s-playbook/app; ********; ********']);
});

test('secrets from a private vars file (-e @secrets.yaml, mode 0600) are used and masked', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'secrets.yaml': 'k3s_token: from-a-private-file-42\n',
    'site.yaml':
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: { content: "{{ k3s_token }}", dest: "{{ playbook_dir }}/used.txt" }\n    - debug: { msg: "token {{ k3s_token }}" }\n',
  });
  t.teardown(ws.cleanup);
  await chmod(ws.path('secrets.yaml'), 0o600);
  const run = await runJson(ws.dir, ['site.yaml', '-e', '@secrets.yaml']);
  t.is(run.code, 0, run.err);
  t.is(await readFile(ws.path('used.txt'), 'utf8'), 'from-a-private-file-42');
  t.deepEqual(debugMessages(run.events, 'm1'), ['token ********']);
});

test("task titles: a name that differs per host names each host's own, a loop variable in it is filled in per item", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['h1', 'h2', 'h3']),
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - name: "{{ inventory_hostname }} is Ready"
      debug: { msg: ok }
    - name: chart repository {{ item.name }}
      debug: { msg: "{{ item.name }}" }
      loop: [{ name: prometheus-community }, { name: grafana }]
      when: inventory_hostname == 'h1'
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  const starts = run.events.filter((e) => e.type === 'task.start').map((e) => e.name);
  t.deepEqual(starts, ['h1 is Ready | h2 is Ready | h3 is Ready', 'chart repository prometheus-community | chart repository grafana']);
  const ready = hostResults(run.events)
    .filter((e) => e.module === 'debug' && !e.items)
    .map((e) => `${e.host}: ${e.task}`);
  t.deepEqual(ready.sort(), ['h1: h1 is Ready', 'h2: h2 is Ready', 'h3: h3 is Ready']);
  t.false(JSON.stringify(run.events).includes('{{ item.name }}'));
});
