import test from 'ava';
import type { RunEvent } from '../executor/events.js';
import { PreflightTable } from './preflight.js';

const result = (host: string, status: 'ok' | 'failed', extra: object) =>
  ({ type: 'host.result', taskId: 1, task: 'this host can take K3s', module: 'preflight', host, status, durationMs: 1, ...extra }) as RunEvent;

test("the doctor's table: one line per host and check, the advice on problems, a count; only problems when asked", (t) => {
  const table = new PreflightTable();
  table.see(
    result('h2', 'failed', {
      result: {
        checks: [
          { check: 'memory', status: 'fail', detail: '900 MB', fix: 'more memory' },
          { check: 'swap', status: 'ok', detail: 'off' },
        ],
        show: 'all',
      },
    }),
  );
  table.see(result('h1', 'failed', { msg: 'sudo: a password is required', result: {} }));
  const lines = table.lines();
  t.regex(lines[0], /DOCTOR/);
  t.deepEqual(lines.slice(1), [
    'h1  ssh and sudo  fail  sudo: a password is required -> Check the address, user and key (or the sudo rights) for this host.',
    'h2  memory        fail  900 MB -> more memory',
    'h2  swap          ok    off',
    '2 failed, 0 warning(s), 1 ok',
  ]);
  const quiet = new PreflightTable();
  quiet.see(result('h3', 'ok', { result: { checks: [{ check: 'swap', status: 'ok', detail: 'off' }], show: 'problems' } }));
  t.deepEqual(quiet.lines().slice(1), ['0 failed, 0 warning(s), 1 ok (npx run-playbook doctor.yaml shows every check)']);
  t.deepEqual(new PreflightTable().lines(), [], 'nothing when no doctor ran');
});
