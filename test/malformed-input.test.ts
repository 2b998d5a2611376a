import test from 'ava';
import { runCli, workspace } from './support/workspace.js';

const INVENTORY = 'all:\n  children:\n    master:\n      hosts:\n        m1: { ansible_connection: local }\n';
const PLAY = (tasks: string) => `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`;

interface Case {
  name: string;
  files: Record<string, string>;
  args?: string[];
  /** file:line the message must name (none for option errors). */
  at?: string;
  message: RegExp;
  code?: number;
}

const cases: Case[] = [
  {
    name: 'inventory: bad indentation',
    files: { 'inventory.yaml': 'all:\n  hosts:\n    m1:\n   bad: x\n' },
    at: 'inventory.yaml:4:4',
    message: /invalid YAML.*\n {2}4 \| {4}bad: x\n {4}\| {4}\^/,
  },
  {
    name: 'inventory: bad indentation deeper in',
    files: {
      'inventory.yaml': 'all:\n  children:\n    worker:\n      hosts:\n        w1:\n          ansible_host: 10.0.0.2\n        w2:\n   ansible_host: 10.0.0.3\n',
    },
    at: 'inventory.yaml:8:4',
    message: /\n {2}8 \| {4}ansible_host: 10\.0\.0\.3\n {4}\| {4}\^/,
  },
  {
    name: 'inventory: duplicate key',
    files: { 'inventory.yaml': 'all:\n  hosts:\n    m1:\n    m1:\n' },
    at: 'inventory.yaml:4',
    message: /invalid YAML.*[Mm]ap keys must be unique/,
  },
  { name: 'inventory: a list at the top', files: { 'inventory.yaml': '- m1\n- m2\n' }, at: 'inventory.yaml:1', message: /must be a mapping, not a list/ },
  {
    name: "inventory: 'host' instead of 'hosts'",
    files: { 'inventory.yaml': 'all:\n  children:\n    master:\n      host:\n        m1:\n' },
    at: 'inventory.yaml:4',
    message: /unknown key 'host'.*Did you mean 'hosts'/,
  },
  {
    name: 'inventory: port is text',
    files: { 'inventory.yaml': 'all:\n  hosts:\n    m1:\n      ansible_port: twenty-two\n' },
    at: 'inventory.yaml:4',
    message: /'ansible_port' must be a whole number, not the string "twenty-two"/,
  },
  {
    name: 'inventory: port out of range',
    files: { 'inventory.yaml': 'all:\n  hosts:\n    m1:\n      ansible_port: 70000\n' },
    at: 'inventory.yaml:4',
    message: /'ansible_port' must be <= 65535/,
  },
  {
    name: 'inventory: hosts as a list',
    files: { 'inventory.yaml': 'all:\n  children:\n    master:\n      hosts:\n        - m1\n' },
    at: 'inventory.yaml:4',
    message: /'hosts' must be a mapping or empty, not a list/,
  },
  {
    name: 'inventory: host range mixes letters and digits',
    files: { 'inventory.yaml': 'all:\n  hosts:\n    node[1:c]:\n' },
    at: 'inventory.yaml:3',
    message: /mixes letters and digits/,
  },
  {
    name: 'inventory: group is its own child',
    files: { 'inventory.yaml': 'all:\n  children:\n    k3s:\n      children:\n        k3s:\n' },
    at: 'inventory.yaml:5',
    message: /'k3s' as its own child/,
  },
  { name: 'inventory: empty file', files: { 'inventory.yaml': '# nothing yet\n' }, at: 'inventory.yaml:1', message: /inventory is empty/ },
  {
    name: 'inventory: unknown connection type',
    files: { 'inventory.yaml': 'all:\n  hosts:\n    m1:\n      ansible_connection: winrm\n' },
    at: 'inventory.yaml:4',
    message: /'ansible_connection' must be one of "ssh", "local"/,
  },
  { name: 'playbook: a mapping instead of a list', files: { 'site.yaml': 'hosts: all\ntasks: []\n' }, at: 'site.yaml:1', message: /must be a list of plays/ },
  { name: 'playbook: play without hosts', files: { 'site.yaml': '- name: x\n  tasks: []\n' }, at: 'site.yaml:1', message: /has no 'hosts' key/ },
  {
    name: "playbook: 'hots' misspelled",
    files: { 'site.yaml': '- hots: all\n  hosts: all\n' },
    at: 'site.yaml:1',
    message: /unknown key 'hots'.*Did you mean 'hosts'/,
  },
  {
    name: 'task: unknown module',
    files: { 'site.yaml': PLAY('    - copyy: { dest: /tmp/x, content: y }\n') },
    at: 'site.yaml:4',
    message: /'copyy' is neither a task keyword nor a module.*Did you mean 'copy'|unknown module 'copyy'.*Did you mean 'copy'/,
  },
  {
    name: 'task: two modules',
    files: { 'site.yaml': PLAY('    - name: two\n      command: ls\n      shell: ls\n') },
    at: 'site.yaml:6',
    message: /names two modules, 'command' and 'shell'/,
  },
  { name: 'task: no module', files: { 'site.yaml': PLAY('    - name: nothing\n      when: true\n') }, at: 'site.yaml:4', message: /names no module/ },
  {
    name: 'task: unknown argument',
    files: { 'site.yaml': PLAY('    - copy: { dset: /tmp/x, content: y }\n') },
    at: 'site.yaml:4',
    message: /'copy' has no argument 'dset'.*Did you mean 'dest'/,
  },
  {
    name: 'task: missing required argument',
    files: { 'site.yaml': PLAY('    - copy: { content: y }\n') },
    at: 'site.yaml:4',
    message: /'copy': dest is required/,
  },
  {
    name: 'task: broken when',
    files: { 'site.yaml': PLAY('    - debug: { msg: x }\n      when: result.rc ==\n') },
    at: 'site.yaml:5',
    message: /'when' is not a valid expression/,
  },
  {
    name: 'task: broken template',
    files: { 'site.yaml': PLAY('    - debug:\n        msg: "{{ foo }"\n') },
    at: 'site.yaml:5',
    message: /not a valid template/,
  },
  {
    name: 'task: loop is a number',
    files: { 'site.yaml': PLAY('    - debug: { msg: x }\n      loop: 5\n') },
    at: 'site.yaml:5',
    message: /'loop' must be a list, not number 5/,
  },
  {
    name: 'task: register is not a name',
    files: { 'site.yaml': PLAY('    - command: ls\n      register: 1result\n') },
    at: 'site.yaml:5',
    message: /'register' must match pattern/,
  },
  {
    name: 'task: notify names no handler',
    files: { 'site.yaml': PLAY('    - command: ls\n      notify: restart k3ss\n') + '  handlers:\n    - name: restart k3s\n      command: ls\n' },
    at: 'site.yaml:4',
    message: /notifies 'restart k3ss'.*Did you mean 'restart k3s'/,
  },
  {
    name: 'play: role not found',
    files: { 'site.yaml': '- hosts: all\n  roles: [k3s-servr]\n', 'roles/k3s-server/tasks/main.yaml': '[]\n' },
    at: 'site.yaml:2',
    message: /role 'k3s-servr' was not found.*Roles found: k3s-server/,
  },
  {
    name: 'role: bad task inside the role file',
    files: {
      'site.yaml': '- hosts: all\n  roles: [r]\n',
      'roles/r/tasks/main.yaml': '- name: ok\n  debug: { msg: x }\n- name: bad\n  file: { path: /x, state: folder }\n',
    },
    at: 'roles/r/tasks/main.yaml:4',
    message: /'file' argument 'state' must be equal to one of the allowed values/,
  },
  {
    name: 'role: broken template file',
    files: { 'site.yaml': '- hosts: all\n  roles: [r]\n', 'roles/r/tasks/main.yaml': '[]\n', 'roles/r/templates/config.yaml.hbs': 'a: 1\nb: {{#if x}}\n' },
    at: 'roles/r/templates/config.yaml.hbs:',
    message: /not a valid Handlebars template/,
  },
  {
    name: 'role: broken Jinja2 template file',
    files: { 'site.yaml': '- hosts: all\n  roles: [r]\n', 'roles/r/tasks/main.yaml': '[]\n', 'roles/r/templates/config.conf.j2': 'a = 1\n{% if x %}\nb = 2\n' },
    at: 'roles/r/templates/config.conf.j2:',
    message: /not a valid Jinja2 template/,
  },
  {
    name: 'task: a Jinja expression that does not parse',
    files: { 'site.yaml': PLAY('    - debug: { msg: "{{ items | join(\', \') ) }}" }\n') },
    at: 'site.yaml:4',
    message: /'msg' is not a valid template: unexpected '\)'/,
  },
  {
    name: 'task: rescue without block',
    files: { 'site.yaml': PLAY('    - command: ls\n      rescue:\n        - debug: { msg: x }\n') },
    at: 'site.yaml:5',
    message: /'rescue' belongs to a block/,
  },
  {
    name: 'task: unknown meta action',
    files: { 'site.yaml': PLAY('    - meta: flush_handler\n') },
    at: 'site.yaml:4',
    message: /'flush_handler' is not a meta action/,
  },
  {
    name: 'play: vars_files missing',
    files: { 'site.yaml': '- hosts: all\n  vars_files: [missing.yaml]\n  tasks: []\n' },
    message: /vars_files file .*missing\.yaml does not exist/,
  },
  { name: 'play: serial 0', files: { 'site.yaml': '- hosts: all\n  serial: 0\n  tasks: []\n' }, at: 'site.yaml:2', message: /'serial' must be >= 1/ },
  {
    name: 'task: negative retries',
    files: { 'site.yaml': PLAY('    - command: ls\n      until: true\n      retries: -1\n') },
    at: 'site.yaml:6',
    message: /'retries' must be >= 0/,
  },
  {
    name: 'role: circular dependency',
    files: { 'site.yaml': '- hosts: all\n  roles: [a]\n', 'roles/a/meta/main.yaml': 'dependencies: [b]\n', 'roles/b/meta/main.yaml': 'dependencies: [a]\n' },
    at: 'roles/b/meta/main.yaml:1',
    message: /role 'a' depends on itself: a -> b -> a/,
  },
  { name: 'playbook: tab indentation', files: { 'site.yaml': '- hosts: all\n\ttasks: []\n' }, at: 'site.yaml:2', message: /invalid YAML/ },
  { name: 'task: command with a pipe', files: { 'site.yaml': PLAY('    - command: cat /etc/hosts | grep x\n') }, message: /use the shell module/, code: 2 },
  {
    name: 'task: block mixed with a module',
    files: { 'site.yaml': PLAY('    - block: []\n      command: ls\n') },
    at: 'site.yaml:5',
    message: /a block cannot also run the module 'command'/,
  },
  {
    name: 'options: --limit matches nothing',
    files: { 'site.yaml': '- hosts: all\n  tasks: []\n' },
    args: ['--limit', 'nope'],
    message: /--limit 'nope' matches no host/,
    code: 5,
  },
  {
    name: 'options: forks 0',
    files: { 'site.yaml': '- hosts: all\n  tasks: []\n' },
    args: ['--forks', '0'],
    message: /must be a whole number of 1 or more/,
    code: 5,
  },
  {
    name: 'options: bad extra vars',
    files: { 'site.yaml': '- hosts: all\n  tasks: []\n' },
    args: ['-e', 'not a pair'],
    message: /is not 'name=value'/,
    code: 5,
  },
  {
    name: 'options: unknown role',
    files: { 'site.yaml': '- hosts: all\n  roles: [r]\n', 'roles/r/tasks/main.yaml': '[]\n' },
    args: ['--role', 'app'],
    message: /--role 'app' is not a role of .*Its roles: r/,
    code: 5,
  },
  { name: 'options: missing inventory', files: {}, args: ['-i', 'nowhere.yaml'], message: /the inventory .*nowhere\.yaml does not exist/, code: 5 },
  {
    name: 'options: missing vars file',
    files: {},
    args: ['-e', '@nowhere.yaml'],
    message: /-e @nowhere\.yaml: the file nowhere\.yaml cannot be read/,
    code: 5,
  },
  {
    name: 'options: a vars file with a secret that others can read',
    files: { 'secrets.yaml': 'k3s_token: a-long-enough-token\n' },
    args: ['-e', '@secrets.yaml'],
    message: /-e @secrets\.yaml holds 'k3s_token' but other users can read it \(mode 0644\).*chmod 600 secrets\.yaml/s,
    code: 5,
  },
  { name: 'options: missing playbook', files: {}, args: [], message: /the playbook site\.yaml does not exist/, code: 5 },
];

for (const c of cases) {
  test(c.name, async (t) => {
    const files = { 'inventory.yaml': INVENTORY, 'site.yaml': '- hosts: all\n  tasks: []\n', ...c.files };
    if (c.name.startsWith('options: missing playbook')) delete (files as Record<string, string>)['site.yaml'];
    const ws = await workspace(files);
    t.teardown(ws.cleanup);
    const run = await runCli(ws.dir, ['site.yaml', ...(c.args ?? [])]);
    const output = run.err + run.out;
    t.is(run.code, c.code ?? 3, output);
    t.regex(output, c.message);
    t.notRegex(output, /\n\s+at |Error: |node:internal/, 'no stack trace');
    if (c.code === undefined || c.code === 3) {
      const [message, ...excerpt] = run.err.trim().split('\n');
      t.true(message.startsWith('ERROR! '), 'one paragraph');
      t.true(
        excerpt.every((line) => /^ {2}(\d+| +) \| /.test(line)),
        `then at most the line with a caret: ${excerpt.join('\n')}`,
      );
      t.true(run.err.includes(c.at ?? ''), `names ${c.at}: ${run.err}`);
      if (c.at) t.regex(run.err, /:\d+:\d+: /, 'file:line:column');
    }
  });
}
