import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Duplex, Writable } from 'node:stream';
import test from 'ava';
import { RemoteShell, type ShellChannel } from './remote-shell.js';

const dir = mkdtempSync('/tmp/k3s-playbook-shell-');
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

/** /bin/sh as an SSH channel gives it; after `cutAfter` bytes the input ends, as when the connection drops mid-transfer. */
function shell(cutAfter = Infinity): RemoteShell {
  const child = spawn('/bin/sh', [], { stdio: ['pipe', 'pipe', 'pipe'] });
  let sent = 0;
  const input = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const room = cutAfter - sent;
      sent += chunk.length;
      if (room <= 0) return done();
      child.stdin.write(room < chunk.length ? chunk.subarray(0, room) : chunk);
      if (room <= chunk.length) child.stdin.end();
      done();
    },
    final(done) {
      child.stdin.end();
      done();
    },
  });
  const channel = Duplex.from({ readable: child.stdout, writable: input }) as unknown as ShellChannel;
  channel.stderr = child.stderr;
  channel.on('error', () => undefined);
  child.on('close', () => channel.destroy());
  return new RemoteShell(channel);
}

test('a command runs with all of its input', async (t) => {
  const target = join(dir, 'whole');
  const content = Buffer.alloc(200_000, 'a');
  const sh = shell();
  t.teardown(() => sh.close());
  const result = await sh.run(`cat > ${target}`, content);
  t.is(result.rc, 0);
  t.true(readFileSync(target).equals(content));
});

test('input cut short mid-transfer: the command never runs on half of it', async (t) => {
  const target = join(dir, 'cut');
  // 100 KB of input travel as ~135 KB of base64: cut after 60 KB.
  const sh = shell(60_000);
  t.teardown(() => sh.close());
  await t.throwsAsync(sh.run(`cat > ${target}`, Buffer.alloc(100_000, 'b')), { message: /remote shell ended/ });
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.false(existsSync(target), 'nothing was written');
});
