import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { walkLocalTree } from './source-tree.js';

test("a directory walked as Ansible's copy walks it: a top directory's files first, links followed unless they lead back into the copy, or kept", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k3s-playbook-tree-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'top/sub'), { recursive: true });
  await mkdir(join(dir, 'outside'));
  await writeFile(join(dir, 'top/z.txt'), 'z');
  await writeFile(join(dir, 'top/sub/a.txt'), 'a');
  await writeFile(join(dir, 'outside/o.txt'), 'o');
  await symlink('../outside', join(dir, 'top/out'));
  await symlink('..', join(dir, 'top/sub/circle'));
  await symlink('missing', join(dir, 'top/dangling'));
  const followed = await walkLocalTree(join(dir, 'top'), true);
  t.deepEqual(
    followed.files.map((f) => f.rel),
    ['top/z.txt', 'top/out/o.txt', 'top/sub/a.txt'],
  );
  t.deepEqual(
    followed.directories.map((d) => d.rel),
    ['top/out', 'top/sub'],
  );
  t.deepEqual(followed.symlinks, [
    { target: 'missing', rel: 'top/dangling' },
    { target: '..', rel: 'top/sub/circle' },
  ]);
  const kept = await walkLocalTree(join(dir, 'top') + '/', false);
  t.deepEqual(
    kept.files.map((f) => f.rel),
    ['z.txt', 'sub/a.txt'],
  );
  t.deepEqual(
    kept.symlinks.map((l) => l.rel),
    ['dangling', 'out', 'sub/circle'],
  );
});
