import test from 'ava';
import type { RunEvent } from '../executor/events.js';
import { detailedExitCodeFor } from '../executor/run.js';
import { DriftSummary } from './drift.js';

const stats = (changed: number, failed = 0, unreachable = 0) => ({ ok: 1, changed, failed, unreachable, skipped: 0, rescued: 0, ignored: 0 });

test("--detailed-exitcodes: Puppet's 0 in sync, 2 changes, 4 failures (unreachable too), 6 both", (t) => {
  t.is(detailedExitCodeFor([stats(0), stats(0)]), 0);
  t.is(detailedExitCodeFor([stats(0), stats(3)]), 2);
  t.is(detailedExitCodeFor([stats(0, 1)]), 4);
  t.is(detailedExitCodeFor([stats(0, 0, 1)]), 4);
  t.is(detailedExitCodeFor([stats(2), stats(0, 1)]), 6);
});

test('in check mode, one line per host: what would change, by role; in sync otherwise; nothing outside check mode', (t) => {
  const result = (taskId: number, task: string, host: string, status: 'changed' | 'ok') =>
    ({ type: 'host.result', taskId, task, module: 'copy', host, status, durationMs: 1 }) as RunEvent;
  const events: RunEvent[] = [
    { type: 'playbook.start', file: 'site.yaml', check: true },
    { type: 'task.start', id: 1, name: 'kernel settings', role: 'os-prep', hosts: ['h1', 'h2'], handler: false },
    result(1, 'kernel settings', 'h1', 'changed'),
    result(1, 'kernel settings', 'h2', 'ok'),
    { type: 'task.start', id: 2, name: 'the app applied', role: 'app', hosts: ['h1'], handler: false },
    result(2, 'the app applied', 'h1', 'changed'),
    { type: 'task.start', id: 3, name: 'a play task', hosts: ['h1'], handler: false },
    result(3, 'a play task', 'h1', 'changed'),
  ];
  const summary = new DriftSummary();
  events.forEach((event) => summary.see(event));
  t.deepEqual(summary.lines(['h2', 'h1']).slice(1), ['h1: os-prep (kernel settings), app (the app applied), play (a play task)', 'h2: in sync']);
  const applied = new DriftSummary();
  [{ ...events[0], check: false } as RunEvent, ...events.slice(1)].forEach((event) => applied.see(event));
  t.deepEqual(applied.lines(['h1']), []);
});
