import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import test from 'ava';
import { contentLimitFor, readPathWithShell, sha256, withChecksum } from '../facts/file.js';
import type { PathWant } from '../facts/path-state.js';
import { LocalConnection } from './local.js';
import { PATH_READER_COMMAND, PathReader } from './path-reader.js';
import type { ShellChannel } from './remote-shell.js';

const children: ChildProcess[] = [];
test.after.always(() => children.forEach((child) => child.kill()));

/** A local child process as an SSH channel would give it: stdout and stdin joined, stderr beside. */
function channelOf(child: ChildProcess): ShellChannel {
  children.push(child);
  child.on('error', () => undefined);
  const channel = Duplex.from({ readable: child.stdout, writable: child.stdin }) as unknown as ShellChannel;
  channel.stderr = child.stderr!;
  channel.on('error', () => undefined); // a closed pipe ends the channel, as an SSH channel's close does
  child.on('close', () => channel.destroy());
  return channel;
}

/** The real Perl program on this machine. */
function localReader(program = PATH_READER_COMMAND, options: { uid?: number; gid?: number } = {}): PathReader {
  return new PathReader(channelOf(spawn(program, [], { stdio: ['pipe', 'pipe', 'pipe'], ...options })));
}

const dir = mkdtempSync('/tmp/k3s-playbook-reader-');
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);
writeFileSync(at('text'), 'a\nb\n');
writeFileSync(at('no-newline'), 'no newline');
writeFileSync(at('empty'), '');
writeFileSync(at('big'), Buffer.alloc(300 * 1024, 'x'));
chmodSync(at('text'), 0o640);
mkdirSync(at('dir'));
chmodSync(at('dir'), 0o2750);
symlinkSync('/etc/hostname', at('link'));
symlinkSync('missing target', at('dangling'));
execFileSync('mkfifo', [at('fifo')]);
writeFileSync(at(`odd '$(touch x)'\nname`), 'odd\n');
const PATHS = ['text', 'no-newline', 'empty', 'big', 'dir', 'link', 'dangling', 'fifo', 'absent', 'text/below', `odd '$(touch x)'\nname`].map(at);

test('the reader says hello; where the program cannot start it reports that instead of hanging', async (t) => {
  const reader = localReader();
  t.true(await reader.started);
  reader.close();
  // What a chatty ~/.bashrc prints before the program starts is skipped, not taken for an answer.
  const afterBanner = new PathReader(
    channelOf(spawn('sh', ['-c', `echo "Welcome to $(hostname)"; exec ${PATH_READER_COMMAND}`], { stdio: ['pipe', 'pipe', 'pipe'] })),
  );
  t.true(await afterBanner.started);
  t.is((await afterBanner.read(at('text'), -1)).content?.toString(), 'a\nb\n');
  afterBanner.close();
  // sudo's password hand-over may leave its comment line on stdin, ahead of the program.
  const afterComment = new PathReader(
    channelOf(spawn('sh', ['-c', `{ echo '# k3s-playbook session'; cat; } | ${PATH_READER_COMMAND}`], { stdio: ['pipe', 'pipe', 'pipe'] })),
  );
  t.is((await afterComment.read(at('dir'), 0)).state.type, 'directory');
  afterComment.close();
  const missing = localReader('/nonexistent/perl');
  t.false(await missing.started);
});

for (const want of ['attributes', 'checksum', 'content'] as PathWant[]) {
  test(`the reader and the shell commands see every kind of path alike (${want})`, async (t) => {
    const reader = localReader();
    const shell = new LocalConnection('localhost');
    const run = (command: string) => shell.exec(command);
    for (const path of PATHS) {
      const fromShell = await readPathWithShell(run, path, want);
      const fromReader = await withChecksum(await reader.read(path, contentLimitFor(want)), path, want, run);
      t.deepEqual(fromReader.state, fromShell.state, path);
      if (want === 'content') t.deepEqual(fromReader.content, fromShell.content, path);
    }
    reader.close();
  });
}

test('content comes back byte for byte (binary, no trailing newline); a large file only when asked for any size', async (t) => {
  const reader = localReader();
  const bytes = Buffer.from([0, 255, 10, 200, 13, 10, 0]);
  writeFileSync(at('binary'), bytes);
  t.deepEqual((await reader.read(at('binary'), -1)).content, bytes);
  t.is((await reader.read(at('no-newline'), -1)).content?.toString(), 'no newline');
  t.is((await reader.read(at('big'), 1024)).content, undefined);
  t.is((await reader.read(at('big'), -1)).content?.length, 300 * 1024);
  const sums: string[] = [];
  const checked = await withChecksum(await reader.read(at('big'), 1024), at('big'), 'checksum', async (command) => {
    sums.push(command);
    return new LocalConnection('localhost').exec(command);
  });
  t.is(checked.state.sha256, sha256(Buffer.alloc(300 * 1024, 'x')));
  t.is(sums.length, 1, 'a file too big to send is hashed on the host');
  reader.close();
});

test('questions sent at once are answered in order', async (t) => {
  const reader = localReader();
  const answers = await Promise.all(PATHS.map((path) => reader.read(path, -1)));
  t.deepEqual(
    answers.map((a) => a.state.type),
    ['file', 'file', 'file', 'file', 'directory', 'link', 'link', 'other', 'absent', 'absent', 'file'],
  );
  t.is(answers[5].state.linkTarget, '/etc/hostname');
  t.is(answers[6].state.linkTarget, 'missing target');
  reader.close();
});

test('what the user may not read is an error naming the path and the reason, not "absent"', async (t) => {
  mkdirSync(at('private'), { mode: 0o700 });
  writeFileSync(at('private/secret'), 'x');
  writeFileSync(at('root-only'), 'x', { mode: 0o600 });
  chmodSync(dir, 0o755);
  chownSync(at('private'), 0, 0);
  const reader = localReader('perl', { uid: 65534, gid: 65534 });
  await t.throwsAsync(reader.read(at('private/secret'), 0), { message: /cannot read the state of .*private\/secret: Permission denied/ });
  await t.throwsAsync(reader.read(at('root-only'), -1), { message: /root-only: Permission denied/ });
  t.is((await reader.read(at('root-only'), 0)).state.mode, '0600', 'attributes alone need no read permission');
  reader.close();
});

test('a reader whose channel has closed rejects every question with that reason', async (t) => {
  const reader = localReader();
  await reader.started;
  const channel = (reader as unknown as { channel: ShellChannel }).channel;
  channel.destroy();
  await t.throwsAsync(reader.read(at('text'), 0), { message: /path reader/ });
});

test('without perl, a reading program that fails fails the read instead of giving a wrong state', async (t) => {
  const shell = new LocalConnection('localhost');
  for (const [tool, want] of [
    ['stat', 'attributes'],
    ['sha256sum', 'checksum'],
    ['cat', 'content'],
  ] as Array<[string, PathWant]>) {
    mkdirSync(at(`broken-${tool}`));
    writeFileSync(at(`broken-${tool}/${tool}`), `#!/bin/sh\necho "${tool} broke" >&2\nexit 1\n`, { mode: 0o755 });
    const run = (command: string) => shell.exec(command, { env: { PATH: `${at(`broken-${tool}`)}:${process.env.PATH}` } });
    await t.throwsAsync(readPathWithShell(run, at('text'), want), { message: new RegExp(`cannot read the state of .*text: ${tool} broke`) }, want);
    t.deepEqual((await readPathWithShell(run, at('absent'), want)).state, { type: 'absent' }, 'nothing to run for an absent path');
  }
});
