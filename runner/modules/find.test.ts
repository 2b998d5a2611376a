import test from 'ava';
import { failures, localInventory, runJson, workspace } from '../../test/support/workspace.js';
import { fnmatch } from './support/fnmatch.js';

test("names matched as Python's fnmatch matches them", (t) => {
  t.true(fnmatch('app.log', '*.log'));
  t.false(fnmatch('app.log.1', '*.log'));
  t.true(fnmatch('a1.txt', 'a[0-9].txt'));
  t.false(fnmatch('ab.txt', 'a[!b].txt'));
  t.true(fnmatch('a.b', 'a?b'));
  t.false(fnmatch('a/b', 'a\\?b'), 'the rest is literal');
});

test("find as Ansible's: patterns and excludes, types, recurse and depth, hidden names, age, size, contains, checksums, a path that is no directory", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'tree/a.log': 'hello world\n',
    'tree/b.log': 'goodbye\n',
    'tree/c.txt': 'x'.repeat(3000),
    'tree/.hidden.log': 'h\n',
    'tree/sub/d.log': 'hello again\n',
    'tree/sub/deeper/e.log': 'hello deep\n',
    'site.yaml': `- hosts: all
  gather_facts: no
  vars: { tree: "{{ playbook_dir }}/tree" }
  tasks:
    - command: touch -d '2020-01-01' {{ tree }}/b.log
    - find: { paths: "{{ tree }}", patterns: "*.log" }
      register: logs
    - find: { paths: "{{ tree }}", patterns: "*.log", recurse: true, depth: 2, excludes: "b*", hidden: true }
      register: deep
    - find: { paths: "{{ tree }}", file_type: directory, recurse: true }
      register: dirs
    - find: { paths: "{{ tree }}", age: 4w }
      register: old
    - find: { paths: "{{ tree }}", size: 2k }
      register: big
    - find: { paths: "{{ tree }}", recurse: true, contains: "hello", get_checksum: true }
      register: hello
    - find: { paths: ["{{ tree }}/a.log", "{{ tree }}"], patterns: 'c\\..*', use_regex: true }
      register: mixed
    - assert:
        that:
          - logs.files | map(attribute='path') | map('basename') | sort == ['a.log', 'b.log']
          - logs.matched == 2 and logs is not changed and logs.files[0].isreg and logs.files[0].mode == '0644'
          - deep.files | map(attribute='path') | map('basename') | sort == ['.hidden.log', 'a.log', 'd.log']
          - dirs.files | map(attribute='path') | map('basename') | sort == ['deeper', 'sub']
          - old.files | map(attribute='path') | map('basename') | list == ['b.log']
          - big.files | map(attribute='path') | map('basename') | list == ['c.txt']
          - hello.files | map(attribute='path') | map('basename') | sort == ['a.log', 'd.log', 'e.log']
          - hello.files[0].checksum | length == 40
          - mixed.files | map(attribute='path') | map('basename') | list == ['c.txt']
          - "mixed.msg == 'Not all paths examined, check warnings for details'"
          - mixed.skipped_paths[tree ~ '/a.log'] == "'" ~ tree ~ "/a.log' is not a directory"
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.deepEqual(failures(run.events), []);
  t.is(run.code, 0, run.err);
});

test("find's follow as Ansible's: the walk goes through a linked directory, and each entry is still read with lstat (links reported as links)", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'tree/real/r.txt': 'b\n',
    'other/inside.txt': 'a\n',
    'site.yaml': `- hosts: all
  gather_facts: no
  vars: { tree: "{{ playbook_dir }}/tree" }
  tasks:
    - file: { path: "{{ tree }}/linked", src: "{{ playbook_dir }}/other", state: link }
    - file: { path: "{{ tree }}/flink", src: "{{ tree }}/real/r.txt", state: link }
    - find: { paths: "{{ tree }}", recurse: true, follow: true, file_type: any }
      register: followed
    - find: { paths: "{{ tree }}", recurse: true, file_type: any }
      register: walked
    - assert:
        that:
          - followed.files | map(attribute='path') | map('relpath', tree) | sort == ['flink', 'linked', 'linked/inside.txt', 'real', 'real/r.txt']
          - followed.files | selectattr('islnk') | map(attribute='path') | map('relpath', tree) | sort == ['flink', 'linked']
          - followed.examined == 5 and walked.examined == 4
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.deepEqual(failures(run.events), []);
  t.is(run.code, 0, run.err);
});
