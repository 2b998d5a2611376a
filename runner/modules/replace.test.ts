import test from 'ava';
import { localInventory, failures, runJson, workspace } from '../../test/support/workspace.js';
import { editBlock } from './blockinfile.js';
import { replaceIn } from './replace.js';

test("replace as Ansible's: every match with Python's groups, only between after and before, '$' kept literal, a message counting", (t) => {
  const text = 'a=1\nb=2\n[x]\na=3\n[y]\na=4\n';
  t.deepEqual(replaceIn(text, { regexp: '^a=(\\d)$', replace: 'a=\\1\\1' }), { text: 'a=11\nb=2\n[x]\na=33\n[y]\na=44\n', msg: '3 replacements made' });
  t.deepEqual(replaceIn(text, { regexp: '^a=(?P<n>\\d)$', replace: 'A=\\g<n>', after: '\\[x\\]', before: '\\[y\\]' }), {
    text: 'a=1\nb=2\n[x]\nA=3\n[y]\na=4\n',
    msg: '1 replacements made',
  });
  t.deepEqual(replaceIn('price 5\n', { regexp: '(\\d)', replace: '$\\1' }), { text: 'price $5\n', msg: '1 replacements made' });
  t.deepEqual(replaceIn(text, { regexp: 'zzz', replace: 'q' }), { text, msg: '' });
  t.regex((replaceIn(text, { regexp: 'a', replace: 'b', after: 'nowhere' }) as Error).message, /did not match the given file/);
});

const block = (original: string | undefined, change: Partial<Parameters<typeof editBlock>[1]>) =>
  editBlock(original, { block: 'x = 1', state: 'present', marker: '# {mark} MANAGED', marker_begin: 'BEGIN', marker_end: 'END', ...change });

test("blockinfile as Ansible's: the block between markers added, replaced in place, removed; placed after or before a line; a file created", (t) => {
  t.deepEqual(block('a\nb', {}), { text: 'a\nb\n# BEGIN MANAGED\nx = 1\n# END MANAGED\n', msg: 'Block inserted' });
  const once = block('a\nb\n', { insertafter: '^a' }).text;
  t.is(once, 'a\n# BEGIN MANAGED\nx = 1\n# END MANAGED\nb\n');
  t.deepEqual(block(once, { insertafter: '^a' }), { text: once, msg: '' }, 'idempotent');
  t.is(block(once, { block: 'y = 2\nz = 3\n' }).text, 'a\n# BEGIN MANAGED\ny = 2\nz = 3\n# END MANAGED\nb\n', 'replaced where it is');
  t.deepEqual(block(once, { state: 'absent' }), { text: 'a\nb\n', msg: 'Block removed' });
  t.is(block('a\nb\n', { insertbefore: 'BOF' }).text, '# BEGIN MANAGED\nx = 1\n# END MANAGED\na\nb\n');
  t.deepEqual(block(undefined, {}), { text: '# BEGIN MANAGED\nx = 1\n# END MANAGED\n', msg: 'File created' });
});

test('replace, blockinfile and package on this machine: changed once, then not; package is apt here', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - copy: { dest: "{{ playbook_dir }}/conf", content: "port=80\\n" }
    - replace: { path: "{{ playbook_dir }}/conf", regexp: '^port=(\\d+)$', replace: 'port=8\\1' }
      register: replaced
    - replace: { path: "{{ playbook_dir }}/conf", regexp: '^port=80$', replace: 'port=8080' }
      register: replaced_again
    - blockinfile: { path: "{{ playbook_dir }}/conf", block: "workers=4" }
      register: blocked
    - blockinfile: { path: "{{ playbook_dir }}/conf", block: "workers=4" }
      register: blocked_again
    - replace: { path: "{{ playbook_dir }}/missing", regexp: x }
      register: missing
      ignore_errors: true
    - package: { name: coreutils, state: present }
      register: installed
    - assert:
        that:
          - replaced is changed and replaced.msg == '1 replacements made' and replaced_again is not changed
          - blocked is changed and blocked.msg == 'Block inserted' and blocked_again is not changed
          - lookup('file', playbook_dir ~ '/conf') == 'port=880\\n# BEGIN ANSIBLE MANAGED BLOCK\\nworkers=4\\n# END ANSIBLE MANAGED BLOCK'
          - missing is failed and missing.rc == 257
          - installed is not changed
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.deepEqual(failures(run.events), []);
  t.is(run.code, 0, run.err);
});
