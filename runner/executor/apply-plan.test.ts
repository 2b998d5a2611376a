import test from 'ava';
import type { Plan } from '../modules/module.js';
import { applyPlan, type Applier } from './apply-plan.js';

/** An applier that records commands and answers each from a table (rc 0 when not listed). */
function recorder(check: boolean, answers: Record<string, { rc: number; stdout?: string; stderr?: string }> = {}) {
  const ran: string[] = [];
  const applier: Applier = {
    check,
    run: async (command) => {
      ran.push(command);
      const answer = answers[command] ?? { rc: 0 };
      return { rc: answer.rc, stdout: answer.stdout ?? '', stderr: answer.stderr ?? '' };
    },
  };
  return { ran, applier };
}

const planned = (): Plan => ({
  changed: true,
  path: '/etc/x',
  steps: [
    { what: 'step one', command: 'one' },
    { what: 'step two', command: 'two', diagnose: 'journal' },
  ],
});
const full = { name: 'example', checkMode: 'full' as const };

test('check mode runs no step and reports what the plan predicts', async (t) => {
  const { ran, applier } = recorder(true);
  t.deepEqual(await applyPlan(full, planned(), applier), { changed: true, path: '/etc/x' });
  t.deepEqual(ran, []);
});

test('a module that cannot predict is skipped in check mode, but not when it has nothing to run', async (t) => {
  const { ran, applier } = recorder(true);
  const skipped = await applyPlan({ name: 'command', checkMode: 'none' }, planned(), applier);
  t.true(skipped.skipped);
  t.regex(skipped.msg!, /skipped in check mode/);
  t.deepEqual(await applyPlan({ name: 'command', checkMode: 'none' }, { changed: false, msg: 'skipped, since /x exists' }, applier), {
    changed: false,
    msg: 'skipped, since /x exists',
  });
  t.deepEqual(ran, []);
});

test('steps run in order; a failed one stops the rest with one wording and its diagnosis', async (t) => {
  const { ran, applier } = recorder(false, { two: { rc: 5, stderr: 'unit failed\n' }, journal: { rc: 0, stdout: 'journal lines\n' } });
  const result = await applyPlan(full, planned(), applier);
  t.deepEqual(ran, ['one', 'two', 'journal']);
  t.true(result.failed);
  t.is(result.msg, 'step two failed (rc 5): unit failed\njournal lines');
  t.true(result.changed, 'the first step had changed the host');

  const first = recorder(false, { one: { rc: 1, stderr: 'no space' } });
  const stopped = await applyPlan(full, planned(), first.applier);
  t.deepEqual(first.ran, ['one']);
  t.false(stopped.changed, 'nothing ran before the failed step');
  t.is(stopped.msg, 'step one failed (rc 1): no space');
});

test('a failed plan runs nothing; an interpreted step decides its own result', async (t) => {
  const { ran, applier } = recorder(false, { probe: { rc: 0, stdout: 'unchanged\n' } });
  t.deepEqual(await applyPlan(full, { changed: false, failed: true, msg: 'bad', steps: [{ what: 'x', command: 'x' }] }, applier), {
    changed: false,
    failed: true,
    msg: 'bad',
  });
  const interpreted = await applyPlan(
    full,
    { changed: true, steps: [{ what: 'probe', command: 'probe', interpret: (output) => ({ changed: output.stdout.trim() !== 'unchanged' }) }] },
    applier,
  );
  t.false(interpreted.changed);
  t.deepEqual(ran, ['probe']);
});
