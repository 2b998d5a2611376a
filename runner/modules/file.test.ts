import test, { type ExecutionContext } from 'ava';
import { failures, localInventory, runJson, workspace } from '../../test/support/workspace.js';
import { parseFileState, sha256 } from '../facts/file.js';
import { normalizeMode } from './support/file-attributes.js';
import { planContent } from './support/file-content.js';
import { applySymbolicMode, octalMode, wantedMode } from './support/symbolic-mode.js';
import { localDateTime } from './support/timestamps.js';

const file = parseFileState(`file\n644 5 0 0 1 root:root\n${sha256('hello')}`);
const dir = parseFileState('directory\n755 4096 0 0 2 root:root');
const absent = parseFileState('absent');

test('fact parser reads type, attributes and checksum', (t) => {
  t.deepEqual(file, { type: 'file', mode: '0644', owner: 'root', group: 'root', uid: 0, gid: 0, size: 5, nlink: 1, sha256: sha256('hello') });
  t.deepEqual(parseFileState('link\n777 3 0 0 1 root:root\n/etc/x'), {
    type: 'link',
    mode: '0777',
    owner: 'root',
    group: 'root',
    uid: 0,
    gid: 0,
    size: 3,
    nlink: 1,
    linkTarget: '/etc/x',
  });
  t.like(
    parseFileState('file\n640 12 1000 1001 3 jane doe:domain users\nabc  -'),
    { nlink: 3, owner: 'jane doe', group: 'domain users', uid: 1000, gid: 1001, size: 12, sha256: 'abc' },
    'names with spaces',
  );
  t.deepEqual(absent, { type: 'absent' });
});

test('modes: YAML 1.2 decimals that look octal are read as octal, like Ansible', (t) => {
  t.is(normalizeMode(600), '0600');
  t.is(normalizeMode('0600'), '0600');
  t.is(normalizeMode('0o750'), '0750');
  t.is(normalizeMode(undefined), undefined);
  t.throws(() => normalizeMode('u+rwx'), { message: /not an octal mode/ });
  t.throws(() => normalizeMode(999));
});

test('content plan: same content and attributes means nothing to do', (t) => {
  t.deepEqual(planContent('hello', {}, file), { writeContent: false, attributes: {} });
  t.deepEqual(planContent('hello', { mode: '0644', owner: 'root' }, file), { writeContent: false, attributes: {} });
  t.deepEqual(planContent('hello!', {}, file), { writeContent: true, attributes: {} });
  t.deepEqual(planContent('hello', { mode: '0600' }, file), { writeContent: false, attributes: { mode: '0600' } });
  t.deepEqual(planContent('x', { mode: '0600' }, absent), { writeContent: true, attributes: { mode: '0600' } });
  t.true(planContent('x', {}, dir) instanceof Error);
});

test('symbolic modes as chmod applies them: who, +/-/=, X for directories and executables, s and t, umask when no one is named', (t) => {
  t.is(applySymbolicMode('u+x', 0o644, false, 0o022), 0o744);
  t.is(applySymbolicMode('go-w', 0o666, false, 0o022), 0o644);
  t.is(applySymbolicMode('u=rwx,g=rx,o=', 0o000, false, 0o022), 0o750);
  t.is(applySymbolicMode('a+X', 0o644, true, 0o022), 0o755, 'X on a directory');
  t.is(applySymbolicMode('a+X', 0o644, false, 0o022), 0o644, 'X on a file nobody may execute');
  t.is(applySymbolicMode('a+X', 0o744, false, 0o022), 0o755, 'X on a file its owner may execute');
  t.is(applySymbolicMode('u+s,g+s,o+t', 0o755, true, 0o022), 0o7755);
  t.is(applySymbolicMode('o+s', 0o755, false, 0o022), 0o755, 's means nothing for others');
  t.is(applySymbolicMode('+w', 0o444, false, 0o022), 0o644, 'no one named: the umask holds back group and others');
  t.is(applySymbolicMode('g=u', 0o740, false, 0o022), 0o770, 'copy the owner class');
  t.regex((applySymbolicMode('u+q', 0o644, false, 0o022) as Error).message, /bad symbolic permission for mode: u\+q/);
  t.is(wantedMode('0640', 0o777, false, 0o022), 0o640);
  t.is(wantedMode(640, 0o777, false, 0o022), 0o640, 'YAML 1.2 reads 0640 as 640: its digits are octal');
  t.regex((wantedMode('u+rwz', 0, false, 0) as Error).message, /mode must be in octal or symbolic form/);
  t.regex((wantedMode('17777', 0, false, 0) as Error).message, /only permission info/);
  t.is(octalMode(0o1777), '01777');
});

test("times in Ansible's strptime formats become local date-times for the host's own clock", (t) => {
  t.is(localDateTime('202001311230.05', '%Y%m%d%H%M.%S'), '2020-01-31 12:30:05');
  t.is(localDateTime('31/01/99 07:05', '%d/%m/%y %H:%M'), '1999-01-31 07:05:00');
  t.regex((localDateTime('2020', '%Y%m%d') as Error).message, /does not match format/);
});

/** A playbook of file tasks and asserts, run on this machine in a scratch directory. */
async function runLocal(t: ExecutionContext, tasks: string): Promise<void> {
  const ws = await workspace({ 'inventory.yaml': localInventory(['m1']), 'site.yaml': `- hosts: all\n  gather_facts: no\n  tasks:\n${tasks}` });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml', '-e', `d=${ws.dir}/t`]);
  t.deepEqual(failures(run.events), []);
  t.is(run.code, 0, run.err);
}

test("links as Ansible's file makes them: soft, hard, relative, forced over a file, refused without force; results and idempotence", (t) =>
  runLocal(
    t,
    `    - file: { path: "{{ d }}/sub", state: directory, mode: "0750" }
      register: made
    - copy: { dest: "{{ d }}/sub/f.txt", content: "x" }
    - file: { src: f.txt, dest: "{{ d }}/sub/rel", state: link }
      register: rel
    - file: { src: f.txt, dest: "{{ d }}/sub/rel", state: link }
      register: rel_again
    - file: { src: /nonexistent, dest: "{{ d }}/dangling", state: link }
      register: refused
      ignore_errors: true
    - file: { src: /nonexistent, dest: "{{ d }}/dangling", state: link, force: true }
      register: forced
    - file: { src: "{{ d }}/sub/f.txt", dest: "{{ d }}/hard", state: hard }
      register: hard
    - file: { src: "{{ d }}/sub/f.txt", dest: "{{ d }}/hard", state: hard }
      register: hard_again
    - copy: { dest: "{{ d }}/plain", content: "y" }
    - file: { src: "{{ d }}/sub/f.txt", dest: "{{ d }}/plain", state: link }
      register: over_file
      ignore_errors: true
    - file: { src: "{{ d }}/sub/f.txt", dest: "{{ d }}/plain", state: link, force: true }
      register: over_file_forced
    - stat: { path: "{{ d }}/plain" }
      register: plain
    - file: { path: "{{ d }}/nothing-here" }
      register: ghost
      ignore_errors: true
    - file: { src: "{{ d }}/made-later", dest: "{{ d }}/early-link", state: link }
      check_mode: true
      register: check_link
    - assert:
        that:
          - made is changed and made.mode == '0750' and made.state == 'directory'
          - rel is changed and rel.dest == d ~ '/sub/rel' and rel.src == 'f.txt'
          - rel_again is not changed
          - refused is failed and 'src file does not exist, use "force=yes"' in refused.msg
          - forced is changed and 'non-existent symlink target' in forced.warnings[0]
          - hard is changed and hard.state == 'hard' and hard_again is not changed
          - "over_file is failed and over_file.msg == 'refusing to convert from file to symlink for ' ~ d ~ '/plain'"
          - over_file_forced is changed and plain.stat.islnk
          - ghost is failed and ghost.state == 'absent' and 'cannot continue' in ghost.msg
          - check_link is changed and 'does not exist yet' in check_link.warnings[0]
`,
  ));

test('touch, times, absent with path_content, recurse with a symbolic mode, owner lookups in check mode, missing path', (t) =>
  runLocal(
    t,
    `    - file: { path: "{{ d }}/a/b/c", state: directory }
    - file: { path: "{{ d }}/a/b/c/f", state: touch, mode: "u=rw,g=r,o=" }
      register: touched
    - file: { path: "{{ d }}/a/b/c/f", state: touch, modification_time: "202001011200.00", access_time: preserve }
    - stat: { path: "{{ d }}/a/b/c/f" }
      register: old
    - command: date -d @{{ old.stat.mtime | int }} +%Y%m%d%H%M.%S
      register: mtime
    - file: { path: "{{ d }}/a/b/c/f", modification_time: "202001011200.00", modification_time_format: "%Y%m%d%H%M.%S" }
      register: same_time
    - file: { path: "{{ d }}/a", state: directory, recurse: true, mode: "g+rX,o-rwx" }
      register: recursed
    - file: { path: "{{ d }}/a", state: directory, recurse: true, mode: "g+rX,o-rwx" }
      register: recursed_again
    - stat: { path: "{{ d }}/a/b/c/f" }
      register: after
    - file: { path: "{{ d }}/a", state: absent }
      check_mode: true
      register: would_remove
    - file: { path: "{{ d }}/not-made-yet", owner: no-such-user-here }
      check_mode: true
      register: lookup
      ignore_errors: true
    - file: { path: "{{ d }}/a/b/c/f", owner: no-such-user-here }
      register: chown
      ignore_errors: true
    - file: { path: "{{ d }}/a", state: absent }
      register: removed
    - file: { state: touch }
      register: no_path
      ignore_errors: true
    - assert:
        that:
          - touched is changed and touched.mode == '0640' and touched.dest == d ~ '/a/b/c/f'
          - mtime.stdout == '202001011200.00'
          - same_time is not changed
          - recursed is changed and recursed_again is not changed and after.stat.mode == '0640'
          - (d ~ '/a/b/c/f') in would_remove.diff.before.path_content.files
          - (d ~ '/a/b') in would_remove.diff.before.path_content.directories
          - "lookup.warnings[0] == 'failed to look up user no-such-user-here. Create user up to this point in real play'"
          - "chown is failed and chown.msg == 'chown failed: failed to look up user no-such-user-here'"
          - removed is changed and removed.state == 'absent'
          - "no_path is failed and no_path.msg == 'missing required arguments: path'"
`,
  ));

test('state and text in one read: text keeps its exact bytes, trailing newline or not', async (t) => {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { fileWithContentCommand, parseFileWithContent } = await import('../facts/file.js');
  const dir = mkdtempSync('/tmp/k3s-playbook-fact-');
  for (const text of ['a\nb\n', 'no newline', '', '\n\nblank lines\n\n']) {
    writeFileSync(join(dir, 'f'), text);
    const parsed = parseFileWithContent(execFileSync('/bin/sh', ['-c', fileWithContentCommand(join(dir, 'f'))]).toString());
    t.is(parsed.content, text);
    t.is(parsed.state.sha256, sha256(text));
  }
  t.deepEqual(parseFileWithContent(execFileSync('/bin/sh', ['-c', fileWithContentCommand(join(dir, 'missing'))]).toString()), {
    state: { type: 'absent' },
    content: '',
  });
  execFileSync('rm', ['-rf', dir]);
});
