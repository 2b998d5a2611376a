import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';

// README's first command, as a newcomer types it (after npm ci): the rehearsal lab, then the playbook.
const ROOT = join(import.meta.dirname, '..', '..');
const sh = (command: string) => promisify(execFile)('sh', ['-c', command], { cwd: ROOT, env: { ...process.env, CI: 'true' }, maxBuffer: 64 << 20 });

test('npm run lab -- up 3 && npx run-playbook site.yaml -i lab, then again: changed=0; then down', async (t) => {
  t.teardown(() => sh('npm run lab -- down').then(() => undefined));
  const first = await sh('npm run lab -- up 3 && npx run-playbook site.yaml -i lab');
  t.regex(first.stdout, /h1\s+: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0/);
  const again = await sh('npx run-playbook site.yaml -i lab');
  for (const host of ['h1', 'h2', 'h3']) t.regex(again.stdout, new RegExp(`${host}\\s+: ok=\\d+\\s+changed=0\\s+unreachable=0\\s+failed=0`));
});
