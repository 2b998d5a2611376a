// What Ansible users write that YAML 1.2 and a strict schema would refuse, read as Ansible reads it.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import test from 'ava';
import { debugMessages, hostResults, localInventory, runCli, runJson, workspace } from '../../test/support/workspace.js';
import type { UserError } from '../errors.js';
import { parseYaml } from '../yaml/source.js';

test("YAML 1.1's yes/no/on/off are booleans, quoted they are text; numbers stay YAML 1.2's", (t) => {
  const { value } = parseYaml('a: yes\nb: No\nc: on\nd: OFF\ne: "yes"\nf: yesterday\ng: 0644\nh: [no, y]\n', 'x.yaml');
  t.deepEqual(value, { a: true, b: false, c: true, d: false, e: 'yes', f: 'yesterday', g: 644, h: [false, 'y'] });
});

test("a quoted value whose lines are indented less than its key, as Ansible's parser reads it; a quote left open is still an error", (t) => {
  const text = 'a: "{{\n  x | default(1)\n}}"\nb:\n  c: \'one\n two ## not a comment\nthree\'\n  d: "e\\"\n# f"\n';
  t.deepEqual(parseYaml(text, 'x.yaml').value, { a: '{{ x | default(1) }}', b: { c: 'one two ## not a comment three', d: 'e" # f' } });
  t.is(parseYaml(text, 'x.yaml').locate(['b', 'd']).line, 8, "line numbers are the file's");
  const error = t.throws(() => parseYaml('a: "open\nb: 1\n', 'x.yaml')) as UserError;
  t.is(error.message, 'invalid YAML: Missing closing "quote.');
  t.is(error.loc?.file, 'x.yaml');
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
    - shell: echo 'a  chdir=x' "{{ who }}" > out.txt chdir={{ playbook_dir }} creates=never-made
      register: anywhere
    - debug: msg="{{ anywhere.cmd }}"
    - lineinfile: path={{ playbook_dir }}/made line='a b' create=yes
    - lineinfile: { path: "{{ playbook_dir }}/made", line: c, create: "{{ flag }}" }
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), [
    'hello the world',
    'the world',
    'who: "the world"',
    '/tmp',
    // A command's own options are taken out wherever they stand; quoted text is left as it is.
    `echo 'a  chdir=x' "the world" > out.txt`,
  ]);
  t.is(readFileSync(ws.path('made'), 'utf8'), 'a b\nc\n');
  t.is(readFileSync(ws.path('out.txt'), 'utf8'), 'a  chdir=x the world\n');
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

test('with_* loops run their lookup (items, dict, sequence, together, subelements); an unknown one stops the load at its line', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  vars:
    ports: { http: 80, https: 443 }
    users: [{ name: a, keys: [k1, k2] }]
  tasks:
    - debug: msg="{{ item }}"
      with_items: [[1, 2], 3]
    - debug: msg="{{ item.key }}={{ item.value }}"
      with_dict: "{{ ports }}"
    - debug: msg="{{ item }}"
      with_sequence: start=1 end=5 stride=2 format=n%02d
    - debug: msg="{{ item.0 }}{{ item.1 }}"
      with_together: [[a, b], [1, 2]]
    - debug: msg="{{ item.0.name }}:{{ item.1 }}"
      with_subelements: ["{{ users }}", keys]
`,
    'bad.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - debug: msg=x
      with_nonesuch: [1]
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  const printed = hostResults(run.events).flatMap((e) => ((e.result?.results as Array<{ msg: string }>) ?? []).map((r) => r.msg));
  t.deepEqual(printed, ['1', '2', '3', 'http=80', 'https=443', 'n01', 'n03', 'n05', 'a1', 'b2', 'a:k1', 'a:k2']);
  const bad = await runJson(ws.dir, ['bad.yaml']);
  t.is(bad.code, 3);
  t.regex(bad.err, /bad\.yaml:5:\d+: 'with_nonesuch' names the lookup 'nonesuch', which this runner does not have/);
});

test("'action:' names the module as older Ansible content does, as a string or a mapping", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - action: debug msg="from a string"
    - action: { module: debug, msg: from a mapping }
    - action: command echo free-form
      register: echoed
    - debug: msg="{{ echoed.stdout }}"
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ['from a string', 'from a mapping', 'free-form']);
});

test('a task its author expects to fail (ignore_errors, or in a block with a rescue) fails on bad arguments at run time, as in Ansible; the rescue reads ansible_failed_result', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - slurp: {}
      register: no_src
      ignore_errors: yes
    - debug: msg="{{ no_src is failed }} {{ no_src.msg }}"
    - block:
        - lineinfile: { path: /nonexistent/x, line: a, validate: /bin/true }
      rescue:
        - debug: msg="{{ ansible_failed_task.name }} -> {{ ansible_failed_result.msg }}"
`,
    'strict.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - slurp: {}
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ['True missing required arguments: src', 'lineinfile -> validate must contain %s: /bin/true']);
  const strict = await runJson(ws.dir, ['strict.yaml']);
  t.is(strict.code, 3, 'any other task with bad arguments still stops the load, before any host');
  t.regex(strict.err, /strict\.yaml:4:\d+: 'slurp': missing required arguments: src/);
});

test("debug's verbosity: skipped below that many -v; ansible_verbosity says how many were given", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - debug: { msg: detail, verbosity: 2 }
    - debug: msg="v={{ ansible_verbosity }}"
`,
  });
  t.teardown(ws.cleanup);
  const quiet = await runJson(ws.dir, ['site.yaml']);
  t.deepEqual(debugMessages(quiet.events, 'm1'), ['v=0']);
  const loud = await runJson(ws.dir, ['site.yaml', '-vv']);
  t.deepEqual(debugMessages(loud.events, 'm1'), ['detail', 'v=2']);
});

test("lineinfile's validate checks the new file before it replaces the old one; backup keeps the old one beside it", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    conf: 'a=1\n',
    'site.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - lineinfile: { path: "{{ playbook_dir }}/conf", line: bad, validate: "! grep -q bad %s" }
      register: refused
      ignore_errors: yes
    - lineinfile: { path: "{{ playbook_dir }}/conf", regexp: "^a=", line: a=2, validate: "grep -q a=2 %s", backup: yes }
      register: replaced
    - debug: msg="{{ refused is failed }} {{ replaced.msg }} {{ replaced.backup | basename | regex_search('^conf\\\\.\\\\d+\\\\.') is not none }}"
    - slurp: { src: "{{ replaced.backup }}" }
      register: old
    - debug: msg="{{ old.content | b64decode }}"
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.regex(hostResults(run.events).find((e) => e.status === 'failed')?.msg ?? '', /failed to validate/);
  t.deepEqual(debugMessages(run.events, 'm1'), ['True line replaced True', 'a=1\n']);
  t.is(readFileSync(ws.path('conf'), 'utf8'), 'a=2\n', 'the refused edit left the file as it was; the valid one replaced it');
});

test('include_tasks with a templated file name is read when the run reaches it, per host; include_vars reads a vars file', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1', 'm2', 'm3']),
    'host_vars/m1.yaml': 'kind: debian\n',
    'host_vars/m2.yaml': 'kind: redhat\n',
    'host_vars/m3.yaml': 'kind: missing\n',
    'vars/debian.yaml': 'greeting: hello from debian\nsettings: { port: 80 }\n',
    'vars/redhat.yaml': 'greeting: hello from redhat\n',
    'debian.yaml': '- debug: msg="debian tasks, {{ greeting }}"\n',
    'redhat.yaml': '- debug: msg="redhat tasks, {{ greeting }}"\n',
    'site.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - include_vars: "{{ kind }}.yaml"
      when: kind != 'missing'
    - include_vars: { file: debian.yaml, name: from_debian }
    - include_tasks: "{{ kind }}.yaml"
    - debug: msg="after, {{ from_debian.settings.port }}"
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.deepEqual(debugMessages(run.events, 'm1'), ['debian tasks, hello from debian', 'after, 80']);
  t.deepEqual(debugMessages(run.events, 'm2'), ['redhat tasks, hello from redhat', 'after, 80']);
  const m3 = hostResults(run.events).find((e) => e.host === 'm3' && e.status === 'failed');
  t.regex(m3?.msg ?? '', /missing\.yaml/, 'a file that is not there fails the host that named it');
  t.deepEqual(debugMessages(run.events, 'm3'), []);
  t.is(run.code, 2);
});

test("include_tasks runs once per loop item with the item bound, applies apply's keywords; a broken included file warns at load and fails only the hosts that reach it; blocks delegate", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1', 'm2']),
    'item.yaml': '- command: printenv FROM_APPLY\n  register: env\n- debug: msg="{{ fruit }} {{ env.stdout }}"\n',
    'broken.yaml': '- no_such_module_anywhere: { x: 1 }\n',
    'site.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - include_tasks:
        file: item.yaml
        apply: { environment: { FROM_APPLY: applied } }
      loop: [apple, pear]
      loop_control: { loop_var: fruit }
    - include_tasks: file=broken.yaml
      when: inventory_hostname == 'm2'
    - block:
        - command: echo on-m1
          register: where
      delegate_to: m1
      when: inventory_hostname == 'm1'
    - debug: msg="delegated {{ where.stdout }}"
      when: inventory_hostname == 'm1'
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.deepEqual(debugMessages(run.events, 'm1'), ['apple applied', 'pear applied', 'delegated on-m1']);
  t.deepEqual(debugMessages(run.events, 'm2'), ['apple applied', 'pear applied']);
  const warning = run.events.find((e) => e.type === 'warning' && /no_such_module_anywhere/.test(e.message));
  t.truthy(warning, 'the broken file is named before the run');
  const m2 = hostResults(run.events).find((e) => e.host === 'm2' && e.status === 'failed');
  t.regex(m2?.msg ?? '', /unknown module 'no_such_module_anywhere'/);
  t.false(
    hostResults(run.events).some((e) => e.host === 'm1' && e.status === 'failed'),
    'm1 never reached it',
  );
  t.is(run.code, 2);
});

test('an Ansible module this runner lacks loads (content often guards it) and fails its task when it runs, saying so; a name no Ansible module has stops the load', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - pip: { name: psutil }
      when: inventory_hostname == 'a host that is not here'
    - dnf: { name: httpd }
      register: installed
      ignore_errors: true
    - debug: msg="{{ installed.msg }}"
`,
    'typo.yaml': '- hosts: all\n  gather_facts: no\n  tasks:\n    - reebot:\n',
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.regex(debugMessages(run.events, 'm1')[0] ?? '', /^'dnf' is an Ansible module this runner does not have yet; the task cannot run\. Its modules: .*\bcopy\b/);
  const typo = await runJson(ws.dir, ['typo.yaml']);
  t.is(typo.code, 3);
  t.regex(typo.err, /typo\.yaml:4:\d+: unknown module 'reebot'/);
});

test("import_role and include_role bring a role's tasks in where they stand, with its defaults, vars and handlers; tasks_from and vars_from pick its other files", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'roles/web/defaults/main.yml': 'greeting: hello\nwho: world\n',
    'roles/web/vars/other.yml': 'who: other vars\n',
    'roles/web/tasks/main.yml': '- debug: msg="main {{ greeting }} {{ who }}"\n- command: "true"\n  notify: web changed\n',
    'roles/web/tasks/extra.yml': '- debug: msg="extra {{ greeting }} {{ who }}"\n',
    'roles/web/handlers/main.yml': '- name: web changed\n  debug: msg="handler of web"\n',
    'site.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - debug: msg=before
    - import_role: { name: web }
    - include_role:
        name: web
        tasks_from: extra
        vars_from: other.yml
    - include_role: name=web tasks_from=extra
      vars: { greeting: given }
      when: inventory_hostname == 'm1'
    - include_role: { name: web, tasks_from: extra }
      when: inventory_hostname == 'nowhere'
`,
    'looped.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - include_role: { name: web, tasks_from: extra }
      vars: { greeting: "item {{ n }}" }
      loop: [1, 2, 3]
      loop_control: { loop_var: n, index_var: i }
      when: n != 2
    - import_role: { name: web }
      loop: [1]
`,
    'missing.yaml': '- hosts: all\n  gather_facts: no\n  tasks:\n    - import_role: { name: web, tasks_from: nothing }\n',
    'named.yaml': `- hosts: all
  gather_facts: no
  vars: { which: web }
  tasks:
    - include_role: { name: "{{ which }}", tasks_from: extra }
    - include_role: { name: "{{ item }}" }
      loop: [web, nothing]
      when: item != 'nothing'
    - include_role: { name: "{{ missing_var }}" }
      when: missing_var is defined
    - include_role: { name: "{{ 'no-such-role' }}" }
      ignore_errors: true
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ['before', 'main hello world', 'extra hello other vars', 'extra given world', 'handler of web']);
  // A looped include_role runs the role once per item, the item's when judged per item; import_role cannot loop.
  const looped = await runJson(ws.dir, ['looped.yaml']);
  t.is(looped.code, 3);
  t.regex(looped.err, /looped\.yaml:9:\d+: 'import_role' cannot loop/);
  writeFileSync(ws.path('looped.yaml'), readFileSync(ws.path('looped.yaml'), 'utf8').replace(/ {4}- import_role[^]*$/, ''));
  const each = await runJson(ws.dir, ['looped.yaml']);
  t.is(each.code, 0, each.err);
  t.deepEqual(debugMessages(each.events, 'm1'), ['extra item 1 world', 'extra item 3 world']);
  // A role named by a template is read when the run reaches it, its handlers joining the play's.
  const named = await runJson(ws.dir, ['named.yaml']);
  t.is(named.code, 0, named.err);
  t.deepEqual(debugMessages(named.events, 'm1'), ['extra hello world', 'main hello world', 'handler of web']);
  t.regex(hostResults(named.events).find((e) => e.status === 'failed')?.msg ?? '', /no-such-role/);
  const missing = await runJson(ws.dir, ['missing.yaml']);
  t.is(missing.code, 3);
  t.regex(missing.err, /has no file 'nothing' \(tasks_from\)/);
});

test("the connection keyword: 'local' runs a play or task on this machine where the inventory sets no ansible_connection; a connection type this runner lacks stops the load", async (t) => {
  const ws = await workspace({
    // An address nobody answers on: only the keyword keeps the play from trying it.
    'inventory.yaml': 'all:\n  hosts:\n    far: { ansible_host: 192.0.2.1 }\n',
    'site.yaml': `- hosts: far
  gather_facts: yes
  connection: local
  tasks:
    - command: echo {{ ansible_user_id }}
      register: here
    - debug: msg="{{ here.stdout == lookup('pipe', 'id -un') }}"
`,
    'docker.yaml': '- hosts: far\n  connection: docker\n  tasks: []\n',
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'far'), ['true'], 'the command ran here, as the user of this machine');
  const docker = await runJson(ws.dir, ['docker.yaml']);
  t.is(docker.code, 3);
  t.regex(docker.err, /docker\.yaml:2:\d+/);
});

test('module_defaults give arguments a task leaves out (play, block and task, the nearest winning); a task may have an empty name', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  module_defaults:
    debug: { msg: from the play }
    ansible.builtin.command: { chdir: /tmp }
  tasks:
    - debug:
    - debug: { msg: from the task }
    - block:
        - debug:
      module_defaults: { debug: { msg: from the block } }
    - name:
      command: pwd
      register: here
    - debug: msg="{{ here.stdout }}"
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ['from the play', 'from the task', 'from the block', '/tmp']);
});

test('async and poll run command and shell as background jobs: waited for, stopped at their time, or left running for async_status', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  environment: { HOME: "{{ playbook_dir }}" }
  tasks:
    - shell: sleep 1; echo done
      async: 20
      poll: 1
      register: waited
    - shell: sleep 30
      async: 2
      poll: 1
      register: too_long
      ignore_errors: yes
    - shell: sleep 1; echo later
      async: 20
      poll: 0
      register: started
    - async_status: { jid: "{{ started.ansible_job_id }}" }
      register: job
      until: job.finished
      retries: 20
      delay: 1
    - async_status: { jid: "{{ started.ansible_job_id }}", mode: cleanup }
    - debug: msg="{{ waited.stdout }} | {{ too_long.msg }} | {{ started.finished }} | {{ job.stdout }}"
`,
    'bad.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - copy: { dest: /tmp/x, content: x }
      async: 10
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ['done | async task did not complete within the requested time - 2s | 0 | later']);
  t.deepEqual(readdirSync(ws.path('.ansible_async')), [], "the jobs' files are gone once read or cleaned up");
  const bad = await runJson(ws.dir, ['bad.yaml']);
  t.is(bad.code, 3);
  t.regex(bad.err, /bad\.yaml:5:\d+: async runs command and shell in the background here, not 'copy'/);
});

test("an undefined variable in a task's condition fails that task, which ignore_errors covers, as in Ansible (stat of a missing path has only exists)", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - stat: { path: "{{ playbook_dir }}/nothing-here" }
      register: missing
    - assert: { that: [missing.stat.isreg] }
      ignore_errors: yes
    - debug: msg="{{ missing.stat }}"
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  const assertion = hostResults(run.events).find((e) => e.module === 'assert');
  t.like(assertion, { status: 'failed', ignored: true });
  t.regex(assertion?.msg ?? '', /undefined variable 'missing\.stat\.isreg'/);
  t.deepEqual(debugMessages(run.events, 'm1'), ['{"exists":false}']);
});

test("what public K3s roles write: environment as a template, handlers in a block, a collection's module under a false when, delegate_facts, with_community.general.flattened, lookup errors='ignore', a templated action, k=v escapes", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1', 'm2']),
    'site.yaml': `- hosts: all
  gather_facts: no
  vars:
    proxy_env: { HTTP_PROXY: "http://proxy:3128" }
    extra_env: { NO_PROXY: localhost }
    module_name: debug
  environment: "{{ proxy_env | default({}) }}"
  tasks:
    - command: printenv HTTP_PROXY NO_PROXY
      environment: "{{ extra_env | combine({'NO_PROXY': '127.0.0.1'}) }}"
      register: env
    - community.general.pacman: { name: k3s }
      when: ansible_facts.pkg_mgr | default('apt') == 'pacman'
    - set_fact: { told: "by {{ inventory_hostname }}" }
      delegate_to: m2
      delegate_facts: true
      run_once: true
    - set_fact: { flat: "{{ item }}" }
      with_community.general.flattened: [[a, [b]], c]
      register: flattened
    - set_fact: { missing: "{{ lookup('first_found', ['nope.yml'], errors='ignore') }}" }
    - action: "{{ module_name }}"
      args: { msg: "templated" }
      register: templated
    - debug: msg='a\\tb'
      register: escaped
    - command: "true"
      changed_when: true
      notify: restart things
  handlers:
    - name: restart block
      block:
        - name: first
          debug: { msg: first handler }
          listen: restart things
        - name: second
          debug: { msg: second handler }
          listen: restart things
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  const results = hostResults(run.events);
  const m1 = (task: string) => results.find((e) => e.host === 'm1' && e.task === task);
  t.deepEqual(
    (m1('command')?.result as { stdout_lines: string[] }).stdout_lines,
    ['http://proxy:3128', '127.0.0.1'],
    'play and task environment, both templates',
  );
  t.is(m1('community.general.pacman')?.status, 'skipped');
  t.deepEqual(debugMessages(run.events, 'm1').slice(0, 2), ['templated', 'a\tb']);
  t.deepEqual(
    results.filter((e) => e.module === 'debug' && e.host === 'm1').map((e) => e.msg),
    ['templated', 'a\tb', 'first handler', 'second handler'],
    'both handlers of the block ran',
  );
  const flattened = results.find((e) => e.host === 'm1' && e.items?.length === 3);
  t.deepEqual(
    flattened?.items?.map((i) => i.label),
    ['a', 'b', 'c'],
  );
  const check = await workspace({
    'inventory.yaml': localInventory(['m1', 'm2']),
    'site.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - set_fact: { told: "by {{ inventory_hostname }}" }
      delegate_to: m2
      delegate_facts: true
      run_once: true
    - debug: msg="{{ told | default('nothing') }}"
    - set_fact: { missing: "{{ lookup('first_found', ['nope.yml'], errors='ignore') }}" }
    - debug: msg="{{ missing is none }}"
`,
  });
  t.teardown(check.cleanup);
  const facts = await runJson(check.dir, ['site.yaml']);
  t.is(facts.code, 0, facts.err);
  t.deepEqual(debugMessages(facts.events, 'm1'), ['nothing', 'false'], "a lookup that found nothing gives '', as Ansible's None is rendered");
  t.deepEqual(debugMessages(facts.events, 'm2'), ['by m1', 'false']);
});

test('a play whose hosts match nothing is skipped with a warning before the run, a near miss named, as Ansible skips it; --syntax-check shows the warning', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': '- hosts: mastr\n  gather_facts: no\n  tasks:\n    - debug: msg=never\n- hosts: master\n  gather_facts: no\n  tasks:\n    - debug: msg=ran\n',
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ['ran']);
  const warnings = run.events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message);
  t.is(warnings.length, 1);
  t.regex(
    warnings[0] ?? '',
    /^play 'mastr' \(.*site\.yaml:1\) targets 'mastr', which is neither a group nor a host in .*inventory\.yaml: it is skipped\. Did you mean 'master'\?$/,
  );
  const syntax = await runCli(ws.dir, ['site.yaml', '--syntax-check']);
  t.is(syntax.code, 0);
  t.regex(syntax.err, /\[WARNING\]: play 'mastr' .* it is skipped/);
});
