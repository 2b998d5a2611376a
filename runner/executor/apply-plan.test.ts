import test from 'ava';
import { UnreachableError } from '../connection/connection.js';
import type { AwaitRebootStep, Plan } from '../modules/module.js';
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
    reconnect: async () => undefined,
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

/**
 * A test double of a host that reboots: the reboot command ends the connection; until the applier
 * reconnects, every command fails as a lost connection does; the host is down for `downFor`
 * connection attempts (each refused, as an unreachable host is), then answers with a new boot id.
 */
function rebootingHost(options: { downFor: number; comesBack: boolean; testRc?: number }) {
  const ran: string[] = [];
  let booted = 'boot-1';
  let connected = true;
  let attempts = 0;
  const applier: Applier = {
    check: false,
    run: async (command) => {
      if (!connected) throw new UnreachableError('h1', 'the SSH connection to h1 was lost');
      ran.push(command);
      if (command === 'shutdown -r 0') {
        connected = false;
        if (options.comesBack) booted = 'boot-2';
        throw new UnreachableError('h1', 'the SSH connection to h1 was lost');
      }
      if (command === 'cat /proc/sys/kernel/random/boot_id') return { rc: 0, stdout: `${booted}\n`, stderr: '' };
      return { rc: options.testRc ?? 0, stdout: 'root\n', stderr: options.testRc ? 'broken' : '' };
    },
    reconnect: async () => {
      attempts++;
      connected = attempts > options.downFor;
    },
  };
  return { ran, applier };
}

const wait: AwaitRebootStep['awaitReboot'] = {
  previousBootTime: 'boot-1',
  bootTimeCommand: 'cat /proc/sys/kernel/random/boot_id',
  testCommand: 'whoami',
  timeoutS: 30,
  postRebootDelayS: 0,
  attemptTimeoutS: 1,
};
const rebootPlan = (timeoutS = wait.timeoutS): Plan => ({
  changed: true,
  steps: [
    { what: 'rebooting', command: 'shutdown -r 0', mayDisconnect: true },
    { what: 'waiting for the host', awaitReboot: { ...wait, timeoutS } },
  ],
});

test('a reboot: the lost connection is what was asked for; reconnected until the boot id changes, then the test command runs', async (t) => {
  const host = rebootingHost({ downFor: 1, comesBack: true });
  const result = await applyPlan(full, rebootPlan(), host.applier);
  t.like(result, { changed: true, rebooted: true });
  t.false(result.failed === true);
  t.deepEqual(host.ran, ['shutdown -r 0', 'cat /proc/sys/kernel/random/boot_id', 'whoami']);
});

test("a host that does not come back, or whose test command fails, fails in Ansible's words after the timeout", async (t) => {
  const never = rebootingHost({ downFor: 1, comesBack: false });
  t.like(await applyPlan(full, rebootPlan(2), never.applier), {
    failed: true,
    rebooted: true,
    msg: 'Timed out waiting for last boot time check (timeout=2)',
  });
  const broken = rebootingHost({ downFor: 0, comesBack: true, testRc: 1 });
  t.like(await applyPlan(full, rebootPlan(2), broken.applier), { failed: true, msg: 'Timed out waiting for post-reboot test command (timeout=2)' });
});
