import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { atomicWriteCommand } from './file-content.js';

const dir = mkdtempSync('/tmp/k3s-playbook-write-');
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const write = (path: string, input: string, size: number) =>
  spawnSync('/bin/sh', ['-c', atomicWriteCommand(path, { mode: '0600' }, true, size)], { input, encoding: 'utf8' });

test('the new content replaces the old one with the mode asked for', (t) => {
  const path = join(dir, 'whole');
  writeFileSync(path, 'old\n');
  const result = write(path, 'new\n', 4);
  t.is(result.status, 0, result.stderr);
  t.is(readFileSync(path, 'utf8'), 'new\n');
  t.deepEqual(
    readdirSync(dir).filter((name) => name.startsWith('whole.tmp-')),
    [],
  );
});

test('fewer bytes than were sent: the old file stays, the temporary one goes, the write fails', (t) => {
  const path = join(dir, 'short');
  writeFileSync(path, 'old\n');
  const result = write(path, 'ne', 4);
  t.not(result.status, 0);
  t.regex(result.stderr, /only 2 of 4 bytes arrived/);
  t.is(readFileSync(path, 'utf8'), 'old\n');
  t.deepEqual(
    readdirSync(dir).filter((name) => name.startsWith('short.tmp-')),
    [],
  );
});

test('a step that fails stops the write before the rename', (t) => {
  const path = join(dir, 'owner');
  writeFileSync(path, 'old\n');
  const result = spawnSync('/bin/sh', ['-c', atomicWriteCommand(path, { owner: 'no-such-user-here' }, true, 4)], { input: 'new\n', encoding: 'utf8' });
  t.not(result.status, 0);
  t.is(readFileSync(path, 'utf8'), 'old\n');
  t.deepEqual(
    readdirSync(dir).filter((name) => name.startsWith('owner.tmp-')),
    [],
  );
});
