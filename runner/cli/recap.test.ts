import test from 'ava';
import { ExitCode, UserError } from '../errors.js';
import type { HostStats } from '../executor/events.js';
import { mergeRecaps, readRunEnd } from './recap.js';

const stats = (over: Partial<HostStats> = {}): HostStats => ({ ok: 3, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0, ...over });
const stream = (hosts: Record<string, HostStats>, exitCode: number) =>
  [
    { type: 'playbook.start', file: 'fleet.yaml', check: false },
    { type: 'recap', hosts },
    { type: 'playbook.end', exitCode, durationMs: 10 },
  ]
    .map((event) => JSON.stringify({ time: '2026-12-07T00:00:00Z', ...event }))
    .join('\n');

test("the shards' recaps as one: every host once, the exit code a single run would give", (t) => {
  const a = readRunEnd('a.json', stream({ h1: stats(), h3: stats({ changed: 1 }) }, 0));
  const b = readRunEnd('b.json', stream({ h2: stats({ failed: 1 }) }, 2));
  const merged = mergeRecaps([a, b], false);
  t.deepEqual(Object.keys(merged.hosts).sort(), ['h1', 'h2', 'h3']);
  t.is(merged.exitCode, ExitCode.HostsFailed);
  t.deepEqual(merged.problems, []);
  t.is(mergeRecaps([a, b], true).exitCode, 6, 'with --detailed-exitcodes: changes and failures');
  const c = readRunEnd('c.json', stream({ h4: stats({ unreachable: 1 }) }, 4));
  t.is(mergeRecaps([a, b, c], false).exitCode, ExitCode.HostsUnreachable, 'unreachable wins over failed, as in one run');
});

test('a shard that did not finish, or failed on its own, gives its code and says so', (t) => {
  const done = readRunEnd('a.json', stream({ h1: stats() }, 0));
  const cut = readRunEnd('b.json', stream({}, 0).split('\n')[0]);
  const unfinished = mergeRecaps([done, cut], false);
  t.is(unfinished.exitCode, ExitCode.Interrupted);
  t.deepEqual(unfinished.problems, ['b.json has no end: that run was interrupted, or is still running.']);
  const silent = mergeRecaps([done, readRunEnd('empty.json', '')], false);
  t.is(silent.exitCode, ExitCode.BadOptions);
  t.deepEqual(silent.problems, ['empty.json holds no event: that run stopped before it began (its error output says why).']);
  const refused = mergeRecaps([done, readRunEnd('c.json', stream({}, ExitCode.BadOptions))], false);
  t.is(refused.exitCode, ExitCode.BadOptions);
  t.deepEqual(refused.problems, ['c.json ended with exit code 5 before its hosts ran.']);
});

test('overlapping recaps are not shards of one run; a line that is no event is named', (t) => {
  const a = readRunEnd('a.json', stream({ h1: stats() }, 0));
  const error = t.throws(() => mergeRecaps([a, readRunEnd('again.json', stream({ h1: stats() }, 0))], false), { instanceOf: UserError });
  t.is(error?.message, 'host h1 is in the recaps of a.json and again.json: these are not shards of one run.');
  t.throws(() => readRunEnd('log.txt', '{"type":"recap","hosts":{}}\nPLAY RECAP ****'), { message: 'log.txt:2: not a JSON event of run-playbook --json.' });
});
