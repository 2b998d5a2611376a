import test from 'ava';
import { failures, hostResults, localInventory, runJson, workspace } from '../../test/support/workspace.js';
import { tarUnarchived, zipEntries } from './unarchive.js';

const root = { uid: 0, user: 'root', gid: 0, group: 'root', umask: 0o022 };

test('tar --diff read as Ansible reads it: differences the task sets anyway (owner, group, mode) do not count', (t) => {
  t.true(tarUnarchived('', root, {}));
  t.false(tarUnarchived('tool/conf: Mod time differs\ntool/conf: Size differs', root, {}));
  t.false(tarUnarchived('tar: tool/new: Warning: Cannot stat: No such file or directory', root, {}));
  t.false(tarUnarchived('tool/conf: Uid differs', root, {}));
  t.true(tarUnarchived('tool/conf: Uid differs', root, { owner: 'nobody' }), 'the owner is set afterwards anyway');
  t.true(tarUnarchived('tool/conf: Uid differs', { ...root, uid: 1000 }, {}), 'a user cannot extract as another one');
  t.true(tarUnarchived('tool/conf: Mode differs', root, { mode: '0600' }));
  t.true(tarUnarchived('tar: : Warning: Cannot stat: No such file or directory', root, {}), 'the empty name --strip-components leaves');
});

test('zipinfo -T -s lines as Ansible takes them: header and footer left out, names with spaces whole', (t) => {
  const listing = [
    'Archive:  tool.zip',
    'Zip file size: 480 bytes, number of entries: 3',
    'drwxr-xr-x  3.0 unx        0 bx stor 20200101.000000 tool/',
    '-rw-r--r--  3.0 unx        4 tx stor 20200101.120000 tool/read me.txt',
    '-rw-a--     2.0 fat        3 t- stor 20170511.153000 FOO.TXT',
    '3 files, 7 bytes uncompressed, 7 bytes compressed:  0.0%',
  ].join('\n');
  t.deepEqual(zipEntries(listing), [
    { ztype: 'd', permstr: 'rwxr-xr-x', size: 0, time: '20200101.000000', path: 'tool/' },
    { ztype: '-', permstr: 'rw-r--r--', size: 4, time: '20200101.120000', path: 'tool/read me.txt' },
    { ztype: '-', permstr: 'rw-a--', size: 3, time: '20170511.153000', path: 'FOO.TXT' },
  ]);
});

test("unarchive as Ansible's: tar and zip, from this machine or the host, extracted only when what is there differs; include, exclude, extra_opts, keep_newer, owner and mode, creates, check mode; Ansible's messages", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  vars: { w: "{{ playbook_dir }}" }
  tasks:
    - shell: |
        set -e
        mkdir -p src/tool/bin files t1 t2 t3 t4 t5 t6
        echo hi > src/tool/bin/tool; echo cfg > src/tool/conf; touch -d 2020-01-01 src/tool/conf src/tool/bin/tool
        tar -C src -czf files/tool.tar.gz tool; tar -C src -cJf tool.tar.xz tool; (cd src && zip -qr ../tool.zip tool)
        : > empty.tar; echo text > notes.txt
      args: { chdir: "{{ w }}" }
    - unarchive: { src: tool.tar.gz, dest: "{{ w }}/t1", list_files: true }
      register: first
    - unarchive: { src: tool.tar.gz, dest: "{{ w }}/t1" }
      register: again
    - shell: echo edited > {{ w }}/t1/tool/conf
    - unarchive: { src: tool.tar.gz, dest: "{{ w }}/t1" }
      register: restored
    - unarchive: { src: "{{ w }}/tool.zip", dest: "{{ w }}/t2", remote_src: true, owner: nobody, mode: "u=rwX,go=" }
      register: zip1
    - unarchive: { src: "{{ w }}/tool.zip", dest: "{{ w }}/t2", remote_src: true, owner: nobody, mode: "u=rwX,go=" }
      register: zip2
    - shell: echo edited > {{ w }}/t2/tool/conf
    - unarchive: { src: "{{ w }}/tool.zip", dest: "{{ w }}/t2", copy: false, owner: nobody, mode: "u=rwX,go=" }
      register: zip3
    - unarchive: { src: "{{ w }}/tool.tar.xz", dest: "{{ w }}/t3", remote_src: true, exclude: [tool/conf], extra_opts: [--strip-components=1], list_files: true }
      register: xz
    - unarchive: { src: "{{ w }}/tool.zip", dest: "{{ w }}/t4", remote_src: true, include: [tool/bin/tool], list_files: true }
      register: included
    - shell: mkdir -p {{ w }}/t5/tool && echo mine > {{ w }}/t5/tool/conf
    - unarchive: { src: tool.tar.gz, dest: "{{ w }}/t5", keep_newer: true }
    - unarchive: { src: tool.tar.gz, dest: "{{ w }}/t5", creates: "{{ w }}/t5/tool/bin/tool" }
      register: created
    - unarchive: { src: tool.tar.gz, dest: "{{ w }}/t6" }
      check_mode: true
      register: checked
    - find: { paths: "{{ w }}/t6" }
      register: t6
    - stat: { path: "{{ w }}/t2/tool/bin/tool" }
      register: zipped
    - stat: { path: "{{ w }}/t2/tool/bin" }
      register: zipped_dir
    - command: cat {{ w }}/t1/tool/conf {{ w }}/t2/tool/conf {{ w }}/t5/tool/conf
      register: texts
    - command: find t3 t4 -type f
      args: { chdir: "{{ w }}" }
      register: extracted
    - assert:
        that:
          - first is changed and first.handler == 'TgzArchive' and first.files == ['tool/', 'tool/conf', 'tool/bin/', 'tool/bin/tool']
          - first.state == 'directory' and first.dest == w ~ '/t1' and first.extract_results.rc == 0
          - again is not changed and 'extract_results' not in again and 'files' not in again
          - restored is changed
          - zip1 is changed and zip1.handler == 'ZipArchive' and zip2 is not changed and zip3 is changed
          - zipped.stat.pw_name == 'nobody' and zipped.stat.mode == '0600' and zipped_dir.stat.mode == '0700'
          - xz.handler == 'TarArchive' and xz.files == ['', 'bin/', 'bin/tool']
          - included.files == ['tool/bin/tool']
          - created is skipped and created.msg == 'skipped, since ' ~ w ~ '/t5/tool/bin/tool exists'
          - checked is changed and t6.matched == 0
          - texts.stdout_lines == ['cfg', 'cfg', 'mine']
          - extracted.stdout_lines | sort == ['t3/bin/tool', 't4/tool/bin/tool']
    - unarchive: { src: tool.tar.gz, dest: "{{ w }}/missing" }
      ignore_errors: true
    - unarchive: { src: "{{ w }}/empty.tar", dest: "{{ w }}/t6", remote_src: true }
      ignore_errors: true
    - unarchive: { src: "{{ w }}/notes.txt", dest: "{{ w }}/t6", remote_src: true }
      ignore_errors: true
    - unarchive: { src: "{{ w }}/gone.tar", dest: "{{ w }}/t6", remote_src: true }
      ignore_errors: true
    - unarchive: { src: tool.tar.gz, dest: "{{ w }}/t6", include: [a], exclude: [b] }
      ignore_errors: true
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.deepEqual(failures(run.events), [], run.err);
  const failed = hostResults(run.events)
    .filter((e) => e.status === 'failed')
    .map((e) => e.msg);
  t.is(failed.length, 5, failed.join('\n'));
  t.is(failed[0], `dest '${ws.dir}/missing' must be an existing dir`);
  t.is(failed[1], `Invalid archive '${ws.dir}/empty.tar', the file is 0 bytes`);
  t.regex(failed[2] ?? '', /^Failed to find handler for ".*\/notes\.txt"\. Make sure the required command to extract the file is installed\.\n/);
  t.regex(
    failed[2] ?? '',
    /Command ".*unzip" could not handle archive: .*\n.*Command ".*tar" found no files in archive\. Empty archive files are not supported\./s,
  );
  t.is(failed[3], `Source '${ws.dir}/gone.tar' does not exist`);
  t.is(failed[4], 'parameters are mutually exclusive: include|exclude');
  t.is(run.code, 0, run.err);
});
