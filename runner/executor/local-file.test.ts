import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { writeLocalFileAtomic } from './local-file.js';

const dir = mkdtempSync('/tmp/k3s-playbook-local-');
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

test('the file is replaced whole, with the mode asked for', async (t) => {
  const path = join(dir, 'file');
  writeFileSync(path, 'old');
  await writeLocalFileAtomic(path, 'new', 0o600);
  t.is(readFileSync(path, 'utf8'), 'new');
  t.is(statSync(path).mode & 0o777, 0o600);
  t.deepEqual(
    readdirSync(dir).filter((name) => name.startsWith('file')),
    ['file'],
  );
});

test('a write that fails leaves what was there and no temporary file', async (t) => {
  const path = join(dir, 'taken');
  mkdirSync(path);
  writeFileSync(join(path, 'inside'), 'kept');
  await t.throwsAsync(writeLocalFileAtomic(path, 'new', 0o600));
  t.is(readFileSync(join(path, 'inside'), 'utf8'), 'kept');
  t.deepEqual(
    readdirSync(dir).filter((name) => name.startsWith('taken.tmp-')),
    [],
  );
});
