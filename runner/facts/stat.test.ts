import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { parseStat, statCommand, type StatWants } from './stat.js';

// The command runs here with this machine's sh, GNU stat and file, as it would on a host; Node's
// own stat of the same paths is what it must agree with.
const dir = mkdtempSync(join(tmpdir(), 'k3s-playbook-stat-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const WANTS: StatWants = { follow: false, checksum: 'sha1', mime: true, attributes: true };
const statOf = (path: string, wants = WANTS) => parseStat(execFileSync('sh', ['-c', statCommand(path, wants)], { encoding: 'utf8' }), path, wants);

test("a regular file: Ansible's fields, agreeing with the kernel's stat", (t) => {
  const file = join(dir, 'foo.txt');
  writeFileSync(file, 'hello world', { mode: 0o640 });
  const stat = statOf(file);
  const node = statSync(file);
  t.like(stat, {
    exists: true,
    path: file,
    mode: '0640',
    isreg: true,
    isdir: false,
    islnk: false,
    uid: node.uid,
    gid: node.gid,
    size: 11,
    inode: node.ino,
    dev: node.dev,
    nlink: 1,
    block_size: node.blksize,
    rusr: true,
    wusr: true,
    xusr: false,
    rgrp: true,
    wgrp: false,
    roth: false,
    isuid: false,
    readable: true,
    checksum: '2aae6c35c94fcfb415dbe95f408b9ce91ee846ed',
    mimetype: 'text/plain',
    charset: 'us-ascii',
  });
  t.is(Math.round((stat.mtime as number) * 1000), Math.round(node.mtimeMs), 'mtime keeps its fraction of a second');
  t.is(statOf(file, { ...WANTS, checksum: 'sha256' }).checksum, 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9');
});

test('a symlink: the link itself, or with follow its target; a device; a missing path', (t) => {
  const target = join(dir, 'target');
  writeFileSync(target, 'x');
  const link = join(dir, 'link');
  symlinkSync('target', link);
  t.like(statOf(link), { islnk: true, isreg: false, lnk_target: 'target', lnk_source: target, inode: lstatSync(link).ino });
  t.like(statOf(link, { ...WANTS, follow: true }), {
    islnk: false,
    isreg: true,
    inode: statSync(target).ino,
    checksum: '11f6ad8ec52a2984abaafd7c3b516503785c2072',
  });
  t.false('lnk_target' in statOf(link, { ...WANTS, follow: true }));
  t.like(statOf('/dev/null'), { ischr: true, device_type: statSync('/dev/null').rdev });
  t.deepEqual(statOf(join(dir, 'nothing')), { exists: false });
});

test('what is not asked for is not read', (t) => {
  const file = join(dir, 'plain');
  writeFileSync(file, 'y');
  const stat = statOf(file, { follow: false, mime: false, attributes: false });
  t.false('checksum' in stat);
  t.false('mimetype' in stat);
  t.false('attributes' in stat);
  t.notRegex(statCommand(file, { follow: false, mime: false, attributes: false }), /file -b|lsattr|sum </);
});
