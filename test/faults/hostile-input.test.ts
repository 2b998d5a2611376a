import { truncate, writeFile } from 'node:fs/promises';
import test from 'ava';
import { runCli, workspace } from '../support/workspace.js';

// Hostile or huge input: refused with exit 3 and file:line (exit 5 for the command line's own
// files that are missing), never a stack trace or an "unexpected error", never hours of work.
const INVENTORY = 'all:\n  children:\n    master:\n      hosts:\n        m1: { ansible_connection: local }\n';
const PLAY = '- hosts: all\n  gather_facts: false\n  tasks: []\n';

/** A "billion laughs" document: ten levels of nine aliases each. */
const aliasBomb = (top: string) => {
  const lines = [`${top}a: &a ["x","x","x","x","x","x","x","x","x"]`];
  for (let i = 1; i < 10; i++)
    lines.push(
      `${top}${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(9)
        .fill(`*${'abcdefghij'[i - 1]}`)
        .join(',')}]`,
    );
  return lines.join('\n') + '\n';
};
/** A mapping nested 2,000 levels deep. */
const deep = (levels: number) => Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}k${i}:\n`).join('') + `${'  '.repeat(levels)}x\n`;

interface Case {
  name: string;
  files: Record<string, string | Buffer>;
  args?: string[];
  at: string;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: 'alias bomb as inventory',
    files: { 'inventory.yaml': `all:\n  vars:\n${aliasBomb('    ')}  hosts: { m1: { ansible_connection: local } }\n` },
    at: 'inventory.yaml:4:',
    message: /aliases \(\*name\) expand to more than 1000 copies/,
  },
  {
    name: 'alias bomb as playbook',
    files: { 'site.yaml': `- hosts: all\n  vars:\n${aliasBomb('    ')}  tasks: []\n` },
    at: 'site.yaml:4:',
    message: /aliases/,
  },
  {
    name: 'alias bomb as vars file',
    files: { 'site.yaml': '- hosts: all\n  vars_files: [v.yaml]\n  tasks: []\n', 'v.yaml': aliasBomb('') },
    at: 'v.yaml:2:',
    message: /aliases/,
  },
  { name: 'alias bomb in -e', files: { 'v.yaml': aliasBomb('') }, args: ['-e', '@v.yaml'], at: 'v.yaml:2:', message: /aliases/ },
  { name: 'alias bomb inline in -e', files: {}, args: ['-e', `{${aliasBomb('').trim().split('\n').join(', ')}}`], at: '-e:1:', message: /aliases/ },
  { name: 'a mapping 2,000 levels deep as inventory', files: { 'inventory.yaml': deep(2000) }, at: 'inventory.yaml:', message: /nests deeper than 100 levels/ },
  {
    name: 'a mapping 150 levels deep in a playbook',
    files: { 'site.yaml': `- hosts: all\n  vars:\n${deep(150).replace(/^/gm, '    ')}  tasks: []\n` },
    at: 'site.yaml:',
    message: /nests deeper than 100 levels/,
  },
  {
    name: '2,000 blocks nested in a playbook',
    files: {
      'site.yaml': `- hosts: all\n  tasks:\n${Array.from({ length: 2000 }, (_, i) => `${'    '.repeat(i + 1)}- block:\n`).join('')}${'    '.repeat(2001)}- ping:\n`,
    },
    at: 'site.yaml:',
    message: /nests deeper than 100 levels/,
  },
  {
    name: 'a flow list 2,000 levels deep in -e',
    files: {},
    args: ['-e', `{x: ${'['.repeat(2000)}${']'.repeat(2000)}}`],
    at: '-e:1:',
    message: /nests deeper than 100 levels/,
  },
  {
    name: 'host range of 100 million hosts',
    files: { 'inventory.yaml': 'all:\n  hosts:\n    n[0:99999999]:\n' },
    at: 'inventory.yaml:3:5',
    message: /names 100,000,000 hosts; an inventory holds at most 100,000/,
  },
  {
    name: 'three ranges multiplying to a million hosts',
    files: { 'inventory.yaml': 'all:\n  hosts:\n    n[0:99][0:99][0:99]:\n' },
    at: 'inventory.yaml:3:5',
    message: /names 1,000,000 hosts/,
  },
  {
    name: 'ranges adding up past the limit',
    files: { 'inventory.yaml': 'all:\n  hosts:\n    a[0:59999]:\n    b[0:59999]:\n' },
    at: 'inventory.yaml:4:5',
    message: /more than 100,000 hosts/,
  },
  {
    name: 'invalid UTF-8 in an inventory',
    files: { 'inventory.yaml': Buffer.concat([Buffer.from('all:\n  hosts:\n    m1:\n      city: "caf'), Buffer.from([0xe9]), Buffer.from('"\n')]) },
    at: 'inventory.yaml:4:',
    message: /not valid UTF-8/,
  },
  {
    name: 'invalid UTF-8 in a vars file',
    files: { 'site.yaml': '- hosts: all\n  vars_files: [v.yaml]\n  tasks: []\n', 'v.yaml': Buffer.from([0x61, 0x3a, 0x20, 0xff, 0x0a]) },
    at: 'v.yaml:1:',
    message: /not valid UTF-8/,
  },
  {
    name: 'a duplicate key among many',
    files: { 'v.yaml': Array.from({ length: 5000 }, (_, i) => `v${i}: ${i}\n`).join('') + 'v17: again\n' },
    args: ['-e', '@v.yaml'],
    at: 'v.yaml:5001:1',
    message: /map keys must be unique: 'v17' is also at line 18/,
  },
];

for (const c of cases) {
  test(c.name, async (t) => {
    const ws = await workspace({});
    t.teardown(ws.cleanup);
    for (const [name, content] of Object.entries({ 'inventory.yaml': INVENTORY, 'site.yaml': PLAY, ...c.files })) await writeFile(ws.path(name), content);
    const run = await runCli(ws.dir, ['site.yaml', '--syntax-check', ...(c.args ?? [])]);
    t.is(run.code, 3, run.err);
    t.regex(run.err, c.message);
    t.true(run.err.includes(c.at), `names ${c.at}: ${run.err}`);
    t.notRegex(run.err, /unexpected error|Maximum call stack|\n\s+at /);
  });
}

test('a vars file of 110,000 variables (20 MB) loads', async (t) => {
  const ws = await workspace({ 'inventory.yaml': INVENTORY, 'site.yaml': '- hosts: all\n  gather_facts: false\n  vars_files: [v.yaml]\n  tasks: []\n' });
  t.teardown(ws.cleanup);
  await writeFile(ws.path('v.yaml'), Array.from({ length: 110_000 }, (_, i) => `variable_${i}: "value ${i} ${'x'.repeat(160)}"\n`).join(''));
  const run = await runCli(ws.dir, ['site.yaml', '--syntax-check']);
  t.is(run.code, 0, run.err);
});

test('an inventory of 100,000 hosts loads and is listed', async (t) => {
  const ws = await workspace({
    'inventory.yaml': 'all:\n  children:\n    worker:\n      hosts:\n        w[00:99][00:99][0:9]: { ansible_connection: local }\n',
    'site.yaml': PLAY,
  });
  t.teardown(ws.cleanup);
  const run = await runCli(ws.dir, ['site.yaml', '--list-hosts']);
  t.is(run.code, 0, run.err);
  t.regex(run.out, /hosts \(100000\)/);
});

test('a playbook past the 32 MB limit is refused before it is read', async (t) => {
  const ws = await workspace({ 'inventory.yaml': INVENTORY, 'site.yaml': '' });
  t.teardown(ws.cleanup);
  await truncate(ws.path('site.yaml'), 40 * 1024 * 1024);
  const run = await runCli(ws.dir, ['site.yaml', '--syntax-check']);
  t.is(run.code, 3, run.err);
  t.regex(run.err, /site\.yaml:1:1: the file is 40\.0 MB; YAML files of up to 32 MB are read/);
});

test('a large playbook loads, and the user is told before it is parsed', async (t) => {
  const tasks = Array.from({ length: 12_000 }, (_, i) => `    - name: task ${i} ${'x'.repeat(100)}\n      debug: msg="hello {{ ${i} }}"\n`).join('');
  const ws = await workspace({ 'inventory.yaml': INVENTORY, 'site.yaml': `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}` });
  t.teardown(ws.cleanup);
  const run = await runCli(ws.dir, ['site.yaml', '--syntax-check']);
  t.is(run.code, 0, run.err);
  t.regex(run.err, /^\[NOTE\]: reading site\.yaml \(1\.\d MB\); a file this large takes seconds to check\.$/m);
  t.regex(run.out, /No issues encountered/);
  // The note comes before the parse's verdict: a mistake at the end is reported after it.
  await writeFile(ws.path('site.yaml'), `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}  tasks: []\n`);
  const broken = await runCli(ws.dir, ['site.yaml', '--syntax-check']);
  t.is(broken.code, 3);
  t.regex(broken.err, /^\[NOTE\]: reading site\.yaml .*\nERROR! .*site\.yaml:24004:3: invalid YAML: map keys must be unique/);
});
