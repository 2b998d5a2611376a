import test from 'ava';
import { parseFileState, sha256 } from '../facts/file.js';
import { planFile } from './file.js';
import { normalizeMode } from './support/file-attributes.js';
import { planContent } from './support/file-content.js';

const file = parseFileState(`file\n644 5 0 0 root:root\n${sha256('hello')}`);
const dir = parseFileState('directory\n755 4096 0 0 root:root');
const absent = parseFileState('absent');

test('fact parser reads type, attributes and checksum', (t) => {
  t.deepEqual(file, { type: 'file', mode: '0644', owner: 'root', group: 'root', uid: 0, gid: 0, size: 5, sha256: sha256('hello') });
  t.deepEqual(parseFileState('link\n777 3 0 0 root:root\n/etc/x'), {
    type: 'link',
    mode: '0777',
    owner: 'root',
    group: 'root',
    uid: 0,
    gid: 0,
    size: 3,
    linkTarget: '/etc/x',
  });
  t.like(
    parseFileState('file\n640 12 1000 1001 jane doe:domain users\nabc  -'),
    { owner: 'jane doe', group: 'domain users', uid: 1000, gid: 1001, size: 12, sha256: 'abc' },
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

test('file plan: directories, links, absent, touch', (t) => {
  const plan = (args: Parameters<typeof planFile>[0], state = absent) => {
    const result = planFile(args, state);
    return result instanceof Error ? result.message : result.commands;
  };
  t.deepEqual(plan({ path: '/d', state: 'directory', mode: '0700' }), ['mkdir -p /d', 'chmod 0700 /d']);
  t.deepEqual(plan({ path: '/d', state: 'directory', mode: '0755' }, dir), []);
  t.deepEqual(plan({ path: '/d', state: 'directory', owner: 'k3s' }, dir), ['chown k3s /d']);
  t.deepEqual(plan({ path: '/f', state: 'absent' }, file), ['rm -rf -- /f']);
  t.deepEqual(plan({ path: '/f', state: 'absent' }), []);
  t.deepEqual(plan({ path: '/f', state: 'touch' }), ['touch /f']);
  t.deepEqual(plan({ path: '/f', state: 'touch' }, file), [], 'touch keeps times: idempotent');
  t.regex(plan({ path: '/f', state: 'file' }) as string, /absent; use state: touch/);
  t.deepEqual(plan({ path: '/l', state: 'link', src: '/etc/x' }, parseFileState('link\n777 3 0 0 root:root\n/etc/x')), []);
  t.deepEqual(plan({ path: '/l', state: 'link', src: '/etc/y' }, parseFileState('link\n777 3 0 0 root:root\n/etc/x')), ['ln -sfn /etc/y /l']);
  t.regex(plan({ path: '/l', state: 'link' }) as string, /needs 'src'/);
});

test('paths with shell metacharacters are quoted in every command', (t) => {
  const plan = planFile({ path: "/tmp/a b/$(touch x)'", state: 'directory' }, absent);
  t.false(plan instanceof Error);
  t.is((plan as { commands: string[] }).commands[0], `mkdir -p '/tmp/a b/$(touch x)'"'"`);
});

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
