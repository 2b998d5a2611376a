import { mkdir, symlink } from 'node:fs/promises';
import test from 'ava';
import { failures, localInventory, runJson, workspace } from '../../test/support/workspace.js';

/** A playbook of copy/template tasks and asserts, run on this machine; files/ holds a tree with links. */
async function runLocal(t: import('ava').ExecutionContext, tasks: string, files: Record<string, string> = {}): Promise<void> {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all\n  gather_facts: no\n  tasks:\n${tasks}`,
    'files/tree/a.txt': 'a\n',
    'files/tree/sub/b.txt': 'b\n',
    'files/vault.txt': '$ANSIBLE_VAULT;1.1;AES256\n3035\n',
    ...files,
  });
  t.teardown(ws.cleanup);
  await symlink('a.txt', ws.path('files/tree/link-to-a'));
  await symlink('..', ws.path('files/tree/sub/circle'));
  await mkdir(ws.path('files/tree/empty'));
  const run = await runJson(ws.dir, ['site.yaml', '-e', `d=${ws.dir}/out`, '-e', `files=${ws.dir}/files`]);
  t.deepEqual(failures(run.events), []);
  t.is(run.code, 0, run.err);
}

test("directory copies as Ansible's copy makes them: 'dir' and 'dir/', links followed or kept, a link back into the tree kept as a link, directory_mode, idempotent", (t) =>
  runLocal(
    t,
    `    - copy: { src: tree, dest: "{{ d }}/whole", directory_mode: "0750" }
      register: whole
    - copy: { src: tree, dest: "{{ d }}/whole", directory_mode: "0750" }
      register: whole_again
    - copy: { src: tree/, dest: "{{ d }}/inside", local_follow: false }
      register: inside
    - stat: { path: "{{ d }}/whole/tree/link-to-a" }
      register: followed
    - stat: { path: "{{ d }}/inside/link-to-a" }
      register: kept
    - stat: { path: "{{ d }}/whole/tree/sub/circle" }
      register: circle
    - stat: { path: "{{ d }}/whole/tree/sub" }
      register: sub
    - stat: { path: "{{ d }}/whole/tree/empty" }
      register: empty
    - assert:
        that:
          - whole is changed and whole.dest == d ~ '/whole/' and whole_again is not changed
          - inside is changed
          - followed.stat.isreg and followed.stat.checksum == ('a\\n' | hash('sha1'))
          - kept.stat.islnk and kept.stat.lnk_target == 'a.txt'
          - circle.stat.islnk and circle.stat.lnk_target == '..'
          - sub.stat.isdir and sub.stat.mode == '0750'
          - empty.stat.isdir
`,
  ));

test("single files: into a directory, into missing directories only with a trailing /, mode preserve and symbolic, remote_src trees, Ansible's messages", (t) =>
  runLocal(
    t,
    `    - copy: { src: tree/a.txt, dest: "{{ d }}/new/dirs/" }
      register: into_new
    - copy: { src: tree/a.txt, dest: "{{ d }}/missing/a.txt" }
      register: no_parent
      ignore_errors: true
    - copy: { src: tree/a.txt, dest: "{{ d }}/new/dirs/a.txt", mode: "u+x" }
      register: symbolic
    - copy: { src: "{{ files }}/tree", dest: "{{ d }}/from-host", remote_src: true }
      register: remote_tree
    - copy: { src: "{{ files }}/tree", dest: "{{ d }}/from-host", remote_src: true }
      register: remote_again
    - stat: { path: "{{ d }}/from-host/tree/sub/b.txt" }
      register: remote_file
    - copy: { src: vault.txt, dest: "{{ d }}/v" }
      register: vault
      ignore_errors: true
    - copy: { content: x, dest: "{{ d }}/c", checksum: "0000000000000000000000000000000000000000" }
      register: bad_checksum
      ignore_errors: true
    - copy: { dest: "{{ d }}/c" }
      register: no_source
      ignore_errors: true
    - copy: { src: tree/a.txt, content: x, dest: "{{ d }}/c" }
      register: both
      ignore_errors: true
    - copy: { src: "", dest: "{{ d }}/c" }
      register: empty_src
      ignore_errors: true
    - assert:
        that:
          - into_new is changed and into_new.dest == d ~ '/new/dirs/a.txt' and into_new.md5sum == ('a\\n' | hash('md5'))
          - "no_parent is failed and no_parent.msg == 'Destination directory ' ~ d ~ '/missing does not exist'"
          - symbolic is changed and symbolic.mode == '0744'
          - remote_tree is changed and remote_again is not changed and remote_file.stat.checksum == ('b\\n' | hash('sha1'))
          - vault is failed and vault.msg.startswith('A vault password or secret must be specified to decrypt ')
          - bad_checksum is failed and 'does not match the expected checksum' in bad_checksum.msg
          - no_source is failed and no_source.msg == 'src (or content) is required'
          - both is failed and 'mutually exclusive' in both.msg
          - empty_src is failed and empty_src.msg == 'src (or content) is required'
`,
  ));

test("template: other delimiters, Jinja's trim after a comment, line endings and encodings, template_destpath and ansible_managed, includes 'with context'", (t) =>
  runLocal(
    t,
    `    - template: { src: delimiters.j2, dest: "{{ d }}/", comment_start_string: "[#", comment_end_string: "#]", variable_start_string: "[[", variable_end_string: "]]" }
      vars: { name: world }
      register: delimiters
    - template: { src: lines.j2, dest: "{{ d }}/crlf", newline_sequence: '\\r\\n', output_encoding: windows-1252 }
      register: crlf
    - slurp: { src: "{{ d }}/delimiters.j2" }
      register: delimited
    - slurp: { src: "{{ d }}/crlf" }
      register: encoded
    - assert:
        that:
          - delimiters.dest == d ~ '/delimiters.j2'
          - (delimited.content | b64decode).startswith('Before\\nhello world {')
          - (delimited.content | b64decode).endswith(' kept }}\\nAfter\\n')
          - encoded.content == (('Ansible managed\\r\\ncaf\\xe9 ' ~ d ~ '/crlf\\r\\nincluded\\r\\n') | b64encode(encoding='latin-1'))
`,
    {
      'templates/delimiters.j2': 'Before\n[# a comment #]\nhello [[ name ]] {{ kept }}\nAfter\n',
      'templates/lines.j2': "{{ ansible_managed }}\ncafé {{ template_destpath }}\n{% include 'included.j2' with context %}\n",
      'templates/included.j2': 'included\n',
    },
  ));
